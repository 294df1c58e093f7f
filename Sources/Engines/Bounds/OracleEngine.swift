import Features
import ScenarioSpec
import SimKernel
import Workloads

/// The upper bound at this model quality: sees every event the moment it
/// happens (no arrival delay, no processing), computes the features — of
/// users and of the catalogue's items — as of the decision time, scores the
/// same full model, and answers in zero time. (Item features are read again
/// at each virtual minute boundary, when their windows move.)
public final class OracleEngine: Engine {
    public let name: String
    public let kind: EngineKind = .oracle
    public private(set) var counters = EngineCounters()
    var decider: Decider?
    var features: IncrementalFeatures?
    var items: CatalogueFeatures?
    var catalogue = CatalogueCache()

    public init(name: String) { self.name = name }

    public func start(_ context: EngineContext) {
        // Events are observed in event-time order, so nothing is ever late, and
        // a zero allowed lateness says so: it accepts the same events as an
        // unbounded one, but lets a finished session's state go (unbounded
        // lateness keeps every session for ever).
        features = IncrementalFeatures(context.view, outOfOrderness: .zero, allowedLateness: .zero)
        items = CatalogueFeatures(context.view, outOfOrderness: .zero, allowedLateness: .zero)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        decider = Decider(models, usesRequestFeatures: true, context)
    }
    public func arrive(_ event: DomainEvent, _ context: EngineContext) {}

    public var observesEvents: Bool { true }

    public func observe(_ event: DomainEvent, _ context: EngineContext) {
        features!.process(event)
        items?.process(event)
        counters.eventsProcessed += 1
    }

    public func prefetch(soon: Int32, next: Int32) {
        features?.prefetch(header: soon, records: next)
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        guard let decider else { return Answer(action: nil, answeredAt: now, fallback: true) }
        let (action, score) = decider.decide(request, features: { features!.valuesInPlace(for: $0, asOf: now) },
                                             items: { catalogue.items(at: now, decider) { items?.snapshot(at: now) } })
        return Answer(action: action, answeredAt: now, score: score, computedAt: now, featuresAsOf: now,
                      modelVersion: decider.version)
    }
}

private extension IncrementalFeatures {
    /// `values(for:asOf:)`, `mutating` only so that the oracle's read reaches
    /// the state where it is: a plain call on the class's property (with `!`
    /// or optional chaining alike) copied it for every read, retaining and
    /// releasing everything it holds.
    mutating func valuesInPlace(for entity: Int32, asOf t: SimTime) -> [Float] { values(for: entity, asOf: t) }
}

/// The lower bound: no model at all — the business's default decision
/// (approve every payment; contact nobody; the popular list).
public final class BaselineEngine: Engine {
    public let name: String
    public let kind: EngineKind = .baseline
    public let counters = EngineCounters()

    public init(name: String) { self.name = name }
    public func start(_ context: EngineContext) {}
    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {}
    public func arrive(_ event: DomainEvent, _ context: EngineContext) {}
    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        Answer(action: nil, answeredAt: context.now, modelVersion: "none")
    }
}
