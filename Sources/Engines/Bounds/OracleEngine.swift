import Features
import ScenarioSpec
import SimKernel
import Workloads

/// The upper bound at this model quality: sees every event the moment it
/// happens (no arrival delay, no processing), computes the features as of
/// the decision time, scores the same full model, and answers in zero time.
public final class OracleEngine: Engine {
    public let name: String
    public let kind: EngineKind = .oracle
    public private(set) var counters = EngineCounters()
    var model: ScoringModel?
    var features: IncrementalFeatures?

    public init(name: String) { self.name = name }

    public func start(_ context: EngineContext) {
        // Events are observed in event-time order, so nothing is ever late.
        features = IncrementalFeatures(context.view, outOfOrderness: .zero, allowedLateness: nil)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) { model = models.full }
    public func arrive(_ event: DomainEvent, _ context: EngineContext) {}

    public func observe(_ event: DomainEvent, _ context: EngineContext) {
        features!.process(event)
        counters.eventsProcessed += 1
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        guard let model else { return Answer(action: nil, answeredAt: now, fallback: true) }
        let values = features!.values(for: request.entity, asOf: now)
        let score = model.score(context.view, entity: values, request: request)
        return Answer(action: DecisionPolicy.action(for: request, score: score, workload: context.workload), answeredAt: now,
                      score: score, computedAt: now, featuresAsOf: now, modelVersion: model.version)
    }
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
