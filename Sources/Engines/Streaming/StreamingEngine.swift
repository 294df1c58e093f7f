import Features
import Randomness
import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// The streaming engine: consumes arrivals continuously (per event, or in
/// micro-batches) with a throughput limit, maintains the windowed features
/// with watermarks and allowed lateness, materialises each updated entity's
/// vector into the online store, and — with `rescore` — re-scores the entity
/// on every update so decisions read a precomputed prediction. Without
/// `rescore`, a decision scores the online features on request. State is
/// checkpointed at an interval; a stall stops the consumer, and after a
/// crash it restarts and replays what arrived since the last checkpoint.
public final class StreamingEngine: Engine {
    public let name: String
    public let kind: EngineKind
    public let configuration: StreamingConfiguration
    public private(set) var counters = EngineCounters()
    let index: Int32

    var pipeline: FeaturePipeline?
    var online: OnlineStore?
    var predictions = ServingTable()
    var model: ScoringModel?
    /// The next model, once a replay of the retained log has rebuilt predictions with it (kappa).
    var pendingModel: ScoringModel?
    var faults: RandomStream
    var lastCheckpoint = SimTime.zero
    var eventsSinceCheckpoint = 0
    var retained = 0

    enum Timer: Int32 { case checkpoint = 1, stall = 2, replayDone = 3 }

    public init(name: String, kind: EngineKind = .streaming, index: Int32, configuration: StreamingConfiguration,
                randomness: RandomSource) {
        self.name = name
        self.kind = kind
        self.index = index
        self.configuration = configuration
        faults = randomness.source("engine:\(name)").stream("faults")
    }

    public func start(_ context: EngineContext) {
        pipeline = FeaturePipeline(context.view, throughput: configuration.throughput,
                                   outOfOrderness: configuration.outOfOrderness, allowedLateness: configuration.allowedLateness)
        online = OnlineStore(width: context.view.entityFeatureCount, ttl: context.view.ttl)
        context.schedule(EngineTimer(engine: index, code: Timer.checkpoint.rawValue), at: context.now + configuration.checkpointInterval)
        if configuration.stallRate.perSecond > 0 { scheduleStall(context) }
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        let next = configuration.rescore ? models.entityOnly : models.full
        guard model != nil, configuration.replayOnModelChange else {
            model = next
            return
        }
        // Kappa: the new model goes live only after the retained log has been replayed through it.
        pendingModel = next
        counters.replays += 1
        let replay = SimDuration(microseconds: configuration.replayCost.microseconds * Int64(retained)
                                 / Int64(configuration.throughput.workers))
        context.schedule(EngineTimer(engine: index, code: Timer.replayDone.rawValue), at: context.now + replay)
        counters.busySeconds += replay.seconds * Double(configuration.throughput.workers)
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        pipeline!.enqueue(event, at: context.now)
        retained += 1
        eventsSinceCheckpoint += 1
        apply(upTo: context.now, context)
    }

    /// Applies finished events: materialise the entity's features and, with rescoring, its prediction.
    func apply(upTo now: SimTime, _ context: EngineContext) {
        let view = context.view
        let rescoreWith = configuration.rescore ? model : nil
        var updates: [(entity: Int32, values: [Float], done: SimTime, asOf: SimTime)] = []
        pipeline!.advance(to: now) { event, done, features, asOf in
            updates.append((event.entity, features.values(for: event.entity, asOf: done), done, asOf))
        }
        for u in updates {
            counters.eventsProcessed += 1
            online!.put(entity: u.entity, values: u.values, asOf: u.asOf)
            if let model = rescoreWith {
                let score = model.score(view, entity: u.values, request: nil)
                predictions.publish(PredictionRow(entity: u.entity, score: score, computedAt: u.done, featuresAsOf: u.asOf),
                                    modelVersion: model.version)
            }
        }
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        apply(upTo: now, context)
        let answeredAt = now + configuration.serving.lookupLatency
        if configuration.rescore {
            guard let p = predictions.prediction(for: request.entity), now - p.featuresAsOf <= context.view.ttl else {
                counters.fallbacks += 1
                return Answer(action: nil, answeredAt: answeredAt, fallback: true)
            }
            return Answer(action: DecisionPolicy.action(for: request, score: p.score, workload: context.workload),
                          answeredAt: answeredAt, score: p.score, computedAt: p.computedAt, featuresAsOf: p.featuresAsOf,
                          modelVersion: p.modelVersion)
        }
        guard let model else { return Answer(action: nil, answeredAt: answeredAt, fallback: true) }
        // Score on request from the online store; a missing or expired vector reads as no history.
        let stored = online!.get(entity: request.entity, at: now)
        let values = stored.map { Array($0.values) } ?? pipeline!.values(for: request.entity, at: now)
        let score = model.score(context.view, entity: values, request: request)
        return Answer(action: DecisionPolicy.action(for: request, score: score, workload: context.workload),
                      answeredAt: answeredAt, score: score, computedAt: now, featuresAsOf: stored?.asOf ?? pipeline!.asOf(now),
                      modelVersion: model.version)
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        switch Timer(rawValue: timer.code) {
        case .checkpoint:
            lastCheckpoint = context.now
            eventsSinceCheckpoint = 0
            context.schedule(EngineTimer(engine: index, code: Timer.checkpoint.rawValue), at: context.now + configuration.checkpointInterval)
        case .stall:
            // The consumer stops; on restart it replays everything since the last checkpoint.
            counters.failures += 1
            let replay = SimDuration(microseconds: configuration.throughput.perEvent.microseconds * Int64(eventsSinceCheckpoint)
                                     / Int64(configuration.throughput.workers))
            pipeline!.stall(until: context.now + configuration.stallDuration + replay)
            scheduleStall(context)
        case .replayDone:
            if let next = pendingModel { model = next }
            pendingModel = nil
        case nil:
            preconditionFailure("unknown streaming timer \(timer.code)")
        }
    }

    func scheduleStall(_ context: EngineContext) {
        let gap = Exponential(rate: configuration.stallRate.perSecond).sample(&faults)
        context.schedule(EngineTimer(engine: index, code: Timer.stall.rawValue), at: context.now + SimDuration(seconds: gap))
    }

    public func finish(_ context: EngineContext) {
        guard let pipeline else { return }
        counters.busySeconds += pipeline.busy.seconds
        counters.capacitySeconds = Double(configuration.throughput.workers) * (context.now - SimTime.zero).seconds
        counters.maxLagSeconds = pipeline.maxLag.seconds
        counters.lateEventsDropped = pipeline.features.droppedLate
        counters.stateBytes = pipeline.features.stateSize.records * IncrementalFeatures.bytesPerRecord + (online?.footprint ?? 0)
    }
}
