import Features
import SimKernel
import Workloads

/// The real-time engine's decision path, frozen for live serving: the online
/// store (the engine's own incremental feature state), its `Decider`, and
/// for ranking workloads the prepared catalogue — all as they stood at the
/// moment the engine was frozen.
///
///     let frozen = engine.servingState(at: context.now)
///     let answer = frozen.answer(request)      // thread-safe: nothing here changes after freezing
///
/// `answer` runs the same code as `RealTimeEngine.decide` — features read
/// from the online store at `now`, request features, the decider — minus
/// the simulated server pool: in live mode the real machine is the pool.
public struct ServingState: @unchecked Sendable {
    // @unchecked: `IncrementalFeatures` is a copy-on-write value (its records
    // in a pooled store) never mutated once frozen; concurrent reads are safe.
    let features: IncrementalFeatures
    let items: PreparedItems?
    public let decider: Decider
    /// The virtual time requests are decided at (the end of warm-up).
    public let now: SimTime
    /// Every event that arrived before this is in the online store.
    public let featuresAsOf: SimTime
    /// Entities in the workload's population: ids outside `0..<entityCount` are unknown.
    public let entityCount: Int
    /// Entities holding state in the online store.
    public let storedEntities: Int
    /// What the engine does when it cannot decide.
    public let fallback: RealTimeConfiguration.Fallback

    /// The feature view the engine reads.
    public var view: FeatureView { decider.view }
    /// The workload the engine decides for.
    public var workload: any Workload { decider.workload }

    /// One entity's online features at `now`, as `answer` reads them.
    public func entityFeatures(_ entity: Int32) -> [Float] { features.values(for: entity, asOf: now) }

    /// The live answer to one request: the engine's action and score, or its
    /// fallback (the default action) for an entity outside the population.
    public func answer(_ request: DecisionRequest) -> Answer {
        var request = request
        request.time = now
        if decider.shape != .population && (request.entity < 0 || Int(request.entity) >= entityCount) {
            return Answer(action: nil, answeredAt: now, computedAt: now, featuresAsOf: featuresAsOf,
                          modelVersion: decider.version, fallback: true)
        }
        let (action, score) = decider.decide(request, features: { features.values(for: $0, asOf: now) }, items: { items })
        return Answer(action: action, answeredAt: now, score: score, computedAt: now, featuresAsOf: featuresAsOf,
                      modelVersion: decider.version)
    }
}

extension RealTimeEngine {
    /// Freezes the engine's online store, model and catalogue at `now`,
    /// after applying every arrival its feature stream has finished by then;
    /// nil before the models are ready.
    public func servingState(at now: SimTime, entityCount: Int) -> ServingState? {
        guard let decider, let stream else { return nil }
        stream.advance(to: now)
        let pipeline = stream.pipeline
        let items = decider.shape == .ranking ? catalogue.items(at: now, decider) { pipeline.items(at: now) } : nil
        return ServingState(features: pipeline.features, items: items, decider: decider, now: now,
                            featuresAsOf: pipeline.asOf(now), entityCount: entityCount,
                            storedEntities: pipeline.features.stateSize.entities, fallback: configuration.fallback)
    }
}
