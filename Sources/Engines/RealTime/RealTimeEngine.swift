import Features
import Randomness
import ScenarioSpec
import SimKernel
import Workloads

/// The real-time engine: answers each decision point on request. Requests
/// queue in front of a pool of servers (`ServerPool`: FIFO M/M/c, crashes,
/// autoscaling); service = online-store fetch + request-time features +
/// inference, drawn from the cost model. The online store is the streaming
/// feature pipeline's state — of users and, for a catalogue, of items —
/// evaluated at the request time. A request that would finish after
/// `timeout` falls back — to the named batch engine's latest published
/// prediction, or to the default action — at the timeout.
public final class RealTimeEngine: Engine {
    public let name: String
    public let kind: EngineKind = .realtime
    public let configuration: RealTimeConfiguration
    var own = EngineCounters()
    public var counters: EngineCounters { own.adding(pool.counters) }
    let index: Int32

    var decider: Decider?
    var stream: FeatureStream?
    var subscriber = 0
    var pool: ServerPool
    var catalogue = CatalogueCache()

    public init(name: String, index: Int32, configuration: RealTimeConfiguration, randomness: RandomSource) {
        self.name = name
        self.index = index
        self.configuration = configuration
        pool = ServerPool(configuration, engine: index, timerBase: 0, randomness: randomness.source("engine:\(name)"))
    }

    public func start(_ context: EngineContext) {
        // Shared with every engine whose stream consumer is configured the same (FeatureStream says why that is exact).
        stream = context.featureStream(throughput: configuration.featureThroughput, outOfOrderness: configuration.featureLateness.outOfOrderness,
                                       allowedLateness: configuration.featureLateness.allowed, shared: true)
        subscriber = stream!.subscribe(updates: false)
        pool.start(context)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        decider = Decider(models, usesRequestFeatures: true, context)
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        stream!.enqueue(event, at: context.now, by: subscriber)
        stream!.advance(to: context.now)
        own.eventsProcessed += 1
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        stream!.advance(to: now)
        let done: SimTime
        switch pool.serve(at: now) {
        case .timedOut(let at):
            own.fallbacks += 1
            return fallbackAnswer(request, at: at, context)
        case .done(let at):
            done = at
        }
        guard let decider else { return Answer(action: nil, answeredAt: done, fallback: true) }
        let (action, score) = decider.decide(request, features: { stream!.pipeline.values(for: $0, at: now) },
                                             items: { catalogue.items(at: now, decider) { stream!.pipeline.items(at: now) } })
        return Answer(action: action, answeredAt: done, score: score, computedAt: now, featuresAsOf: stream!.pipeline.asOf(now),
                      modelVersion: decider.version)
    }

    public func prefetch(soon: Int32, next: Int32) {
        stream?.prefetch(soon: soon, next: next, by: subscriber)
    }

    func fallbackAnswer(_ request: DecisionRequest, at time: SimTime, _ context: EngineContext) -> Answer {
        if case .batch(let engineName) = configuration.fallback, let batch = context.engines[engineName] as? BatchEngine,
           var answer = batch.answerFromPublished(request, at: time, context) {
            answer.fallback = true
            return answer
        }
        return Answer(action: nil, answeredAt: time, fallback: true)
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        guard pool.fire(timer, context) else { preconditionFailure("unknown real-time timer \(timer.code)") }
    }

    public func finish(_ context: EngineContext) {
        pool.finish(at: context.now)
        own.maxLagSeconds = stream?.pipeline.maxLag.seconds ?? 0
        own.lateEventsDropped = stream?.pipeline.features.droppedLate ?? 0
        own.stateBytes = (stream?.pipeline.features.stateSize.records ?? 0) * IncrementalFeatures.bytesPerRecord
    }

    /// Servers in the pool now (autoscaling changes it).
    public var servers: Int { pool.servers }
}
