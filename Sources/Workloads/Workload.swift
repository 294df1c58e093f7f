import Randomness
import ScenarioSpec
import SimKernel

/// A synthetic workload: a latent process over a population of entities that
/// emits domain events and decision points with their ground truth, and the
/// value model that scores what an engine decided.
///
///     let workload = try WorkloadFactory.make(scenario)
///     var items = workload.makeGenerator(horizon: scenario.horizon)
///     while let item = items.next() { … }
///
/// The output is a pure function of (parameters, scale, seed): every random
/// choice comes from a stream named for what it decides. Per-entity latent
/// state (a customer's risk onset, an item's topic) is drawn from a stream
/// split by the entity's id, so the value model can re-derive it in O(1)
/// instead of keeping the population in memory.
public protocol Workload: Sendable {
    var kind: WorkloadKind { get }
    /// The scenario seed every stream of this workload derives from.
    var seed: UInt64 { get }
    /// Entities in the population after scaling (users, customers).
    var entityCount: Int { get }
    /// How long the action window of a decision is.
    var actionWindow: SimDuration { get }
    /// How an action's worth decays with delay, as declared by the scenario.
    var declaredDecay: ValueDecay { get }
    /// How long a prediction stays worth about the same (TempoTraits.swift; `tempo recommend` reads it).
    var shelfLife: ShelfLife { get }
    /// Each event source's arrival timing and whether it carries the key signal (TempoTraits.swift).
    var sources: [SourceTiming] { get }
    /// A fresh pass over the workload's items up to `horizon`.
    func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator
    /// The value of `action` taken at `answeredAt` on `decision`. A nil action, or
    /// one answered after the deadline, means the business fell back to its
    /// default (approve; contact nobody; send the generic list).
    func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double
}

extension Workload {
    /// Decision points a day, when the workload can say without generating
    /// them (used to size the ledger's sample); nil otherwise.
    public var expectedDecisionsPerDay: Double? {
        (self as? FraudWorkload).map { $0.authorizationsPerSecond * 86_400 }
    }
}

/// Builds the scenario's workload, reading its parameters with positions.
public enum WorkloadFactory {
    public static func make(_ scenario: Scenario) throws(ScenarioError) -> any Workload {
        let diagnostics = Diagnostics()
        guard let workload = read(scenario, diagnostics), !diagnostics.hasErrors else {
            throw ScenarioError(diagnostics.sorted)
        }
        return workload
    }

    /// The workload, or nil after reporting every bad parameter.
    public static func read(_ scenario: Scenario, _ diagnostics: Diagnostics) -> (any Workload)? {
        var reader = scenario.workload.parameterReader(diagnostics)
        let workload: (any Workload)?
        switch scenario.workload.kind {
        case .fraud: workload = FraudWorkload(FraudParameters.read(&reader), scale: scenario.scale, seed: scenario.seed)
        case .churn: workload = ChurnWorkload(ChurnParameters.read(&reader), scale: scenario.scale, seed: scenario.seed)
        case .digest: workload = DigestWorkload(DigestParameters.read(&reader), scale: scenario.scale, seed: scenario.seed)
        case .ui: workload = UIWorkload(UIParameters.read(&reader), scale: scenario.scale, seed: scenario.seed)
        case .recsys: workload = RecsysWorkload(RecsysParameters.read(&reader), scale: scenario.scale, seed: scenario.seed)
        }
        reader.finish()
        return workload
    }
}
