import ScenarioSpec

/// The three answers the decision matrix gives, and the class each engine
/// kind belongs to, so the simulation's best engine can be set beside them.
///
///     Tempo(engineKind: .kappa)   // .realTime: it scores on request from fresh stream state
public enum Tempo: String, Codable, Sendable, CaseIterable {
    case batch
    case realTime = "real-time"
    case hybrid

    /// Batch computes ahead on a schedule; real-time and streaming engines
    /// answer from features seconds old (streaming re-scores on every event,
    /// kappa scores on request); lambda and re-rank join a batch layer to a
    /// fresh one. Oracle and baseline are bounds, not choices: nil.
    public init?(engineKind kind: EngineKind) {
        switch kind {
        case .batch: self = .batch
        case .realtime, .streaming, .kappa: self = .realTime
        case .lambda, .rerank: self = .hybrid
        case .oracle, .baseline: return nil
        }
    }

    public init?(engineKind text: String) {
        guard let kind = EngineKind(rawValue: text) else { return nil }
        self.init(engineKind: kind)
    }

    /// −1 batch, 0 hybrid, +1 real-time: the sign convention of axis scores.
    public var direction: Double {
        switch self {
        case .batch: -1
        case .hybrid: 0
        case .realTime: 1
        }
    }
}
