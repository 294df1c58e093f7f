import Randomness
import ScenarioSpec
import SimKernel

/// An engine's validated settings, read from its mapping in the scenario.
public enum EngineConfiguration: Hashable, Sendable {
    case batch(BatchConfiguration)
    case realtime(RealTimeConfiguration)
    case streaming(StreamingConfiguration)
    case kappa(StreamingConfiguration)
    case lambda(LambdaConfiguration)
    case rerank(RerankConfiguration)
    case oracle
    case baseline

    /// Reads every engine of the scenario, or nil after reporting each problem with its position.
    public static func readAll(_ scenario: Scenario, _ diagnostics: Diagnostics) -> [EngineConfiguration]? {
        let batchNames = scenario.engines.filter { $0.kind == .batch }.map(\.name)
        var configurations: [EngineConfiguration] = []
        for spec in scenario.engines {
            var reader = spec.parameterReader(diagnostics)
            switch spec.kind {
            case .batch: configurations.append(.batch(BatchConfiguration.read(&reader)))
            case .realtime: configurations.append(.realtime(RealTimeConfiguration.read(&reader, batchEngines: batchNames)))
            case .streaming: configurations.append(.streaming(StreamingConfiguration.read(&reader)))
            case .kappa: configurations.append(.kappa(StreamingConfiguration.read(&reader, kappa: true)))
            case .lambda: configurations.append(.lambda(LambdaConfiguration.read(&reader)))
            case .rerank:
                configurations.append(.rerank(RerankConfiguration.read(&reader)))
                if Decider.shape(of: scenario.workload.kind) == .perDecision {
                    diagnostics.error("a 'rerank' engine re-ranks a shortlist of items or customers; the '\(scenario.workload.kind.rawValue)' workload decides about one entity at a time, with nothing to shortlist: use batch, streaming, realtime, lambda or kappa", at: spec.location)
                }
            case .oracle: configurations.append(.oracle)
            case .baseline: configurations.append(.baseline)
            }
            reader.finish()
        }
        return diagnostics.hasErrors ? nil : configurations
    }

    public func makeEngine(name: String, index: Int32, randomness: RandomSource) -> any Engine {
        switch self {
        case .batch(let c): BatchEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .realtime(let c): RealTimeEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .streaming(let c): StreamingEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .kappa(let c): StreamingEngine(name: name, kind: .kappa, index: index, configuration: c, randomness: randomness)
        case .lambda(let c): LambdaEngine(name: name, index: index, configuration: c)
        case .rerank(let c): RerankEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .oracle: OracleEngine(name: name)
        case .baseline: BaselineEngine(name: name)
        }
    }
}
