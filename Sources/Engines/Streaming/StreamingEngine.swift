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
/// on every update so decisions read a precomputed prediction (for a ranking
/// workload, re-ranks the user's list against the catalogue it keeps behind
/// the same consumer; a campaign reads every customer's latest score — so a
/// customer who falls silent keeps the score of their last event). Without
/// `rescore`, a decision scores the online features on request. State is
/// checkpointed at an interval; a stall stops the consumer, and after a
/// crash it restarts and replays what arrived since the last checkpoint.
public final class StreamingEngine: Engine {
    public let name: String
    public let kind: EngineKind
    public let configuration: StreamingConfiguration
    public private(set) var counters = EngineCounters()
    let index: Int32

    var stream: FeatureStream?
    var subscriber = 0
    var predictions = ServingTable()
    var decider: Decider?
    /// The next model, once a replay of the retained log has rebuilt predictions with it (kappa).
    var pendingDecider: Decider?
    var catalogue = CatalogueCache()
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
        // A consumer that never stalls is shared with every engine whose consumer is configured the same
        // (FeatureStream says why that is exact); a stall rewrites the queue, so a stalling one is its own.
        stream = context.featureStream(throughput: configuration.throughput, outOfOrderness: configuration.outOfOrderness,
                                       allowedLateness: configuration.allowedLateness, shared: configuration.stallRate.perSecond <= 0)
        subscriber = stream!.subscribe(updates: true)
        stream!.materialize(entities: context.workload.entityCount)
        if configuration.rescore { predictions.reserve(entities: context.workload.entityCount) }
        context.schedule(EngineTimer(engine: index, code: Timer.checkpoint.rawValue), at: context.now + configuration.checkpointInterval)
        if configuration.stallRate.perSecond > 0 { scheduleStall(context) }
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        let next = Decider(models, usesRequestFeatures: !configuration.rescore, context)
        guard decider != nil, configuration.replayOnModelChange else {
            decider = next
            return
        }
        // Kappa: the new model goes live only after the retained log has been replayed through it.
        pendingDecider = next
        counters.replays += 1
        let replay = SimDuration(microseconds: configuration.replayCost.microseconds * Int64(retained)
                                 / Int64(configuration.throughput.workers))
        context.schedule(EngineTimer(engine: index, code: Timer.replayDone.rawValue), at: context.now + replay)
        counters.busySeconds += replay.seconds * Double(configuration.throughput.workers)
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        stream!.enqueue(event, at: context.now, by: subscriber)
        retained += 1
        eventsSinceCheckpoint += 1
        apply(upTo: context.now, context)
    }

    /// Applies finished events: materialise the entity's features and, with
    /// rescoring, its prediction (a ranking against the catalogue as of now).
    func apply(upTo now: SimTime, _ context: EngineContext) {
        let rescoreWith = configuration.rescore ? decider : nil
        let stream = stream!
        stream.advance(to: now)
        stream.takeUpdates(subscriber) { updates in
            // A catalogue event (a publication) updates the items, no user: its update has entity −1.
            var items: PreparedItems?
            if let decider = rescoreWith, decider.shape == .ranking, updates.contains(where: { $0.entity >= 0 }) {
                items = catalogue.items(at: now, decider) { stream.pipeline.items(at: now) }
            }
            for i in updates.indices {
                let u = updates[i]
                counters.eventsProcessed += 1
                guard u.entity >= 0 else { continue }  // (the stream wrote the online store as it applied the event)
                // Of several updates of one user in this batch, only the last one's list would be read.
                guard let decider = rescoreWith,
                      decider.shape != .ranking || !updates[(i + 1)...].contains(where: { $0.entity == u.entity }) else { continue }
                let p = decider.prediction(for: u.entity, features: u.values, items: items, length: configuration.listLength)
                predictions.publish(PredictionRow(entity: u.entity, score: p.score, computedAt: u.done, featuresAsOf: u.asOf,
                                                   items: p.items), modelVersion: decider.version)
            }
        }
    }

    public func prefetch(soon: Int32, next: Int32) {
        stream?.prefetch(soon: soon, next: next, by: subscriber)
        if configuration.rescore { predictions.prefetch(entity: soon) }
    }

    /// Features are as of the pipeline's progress — the time up to which every
    /// arrived event is included, as DESIGN.md defines staleness — not of the
    /// entity's last update: an entity with no event since has nothing newer
    /// to include, and a quiet customer is not a stale one.
    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        apply(upTo: now, context)
        let answeredAt = now + configuration.serving.lookupLatency
        guard let decider else { return Answer(action: nil, answeredAt: answeredAt, fallback: true) }
        let ttl = context.view.ttl
        if configuration.rescore && decider.shape == .population {
            // Every customer's latest prediction still within the TTL.
            let live = predictions.all().filter { now - $0.entry.featuresAsOf <= ttl }
            let ids = decider.contacts(request, scored: live.map { ($0.entity, $0.entry.score) })
            let used = ids.compactMap { predictions.prediction(for: $0) }
            return Answer(action: .contact(ids), answeredAt: answeredAt, score: used.first?.score,
                          computedAt: used.map(\.computedAt).min() ?? now, featuresAsOf: stream!.pipeline.asOf(now),
                          modelVersion: decider.version)
        }
        if configuration.rescore {
            guard let p = predictions.prediction(for: request.entity), now - p.featuresAsOf <= ttl else {
                counters.fallbacks += 1
                return Answer(action: nil, answeredAt: answeredAt, fallback: true)
            }
            return Answer(action: decider.action(for: request, storedScore: p.score, items: p.items),
                          answeredAt: answeredAt, score: p.score, computedAt: p.computedAt, featuresAsOf: stream!.pipeline.asOf(now),
                          modelVersion: p.modelVersion)
        }
        // Score on request from the online store; a missing or expired vector reads as no history.
        func features(_ entity: Int32) -> [Float] {
            stream!.online!.get(entity: entity, at: now).map { Array($0.values) } ?? stream!.pipeline.values(for: entity, at: now)
        }
        let (action, score) = decider.decide(request, features: features,
                                             items: { catalogue.items(at: now, decider) { stream!.pipeline.items(at: now) } })
        return Answer(action: action, answeredAt: answeredAt, score: score, computedAt: now,
                      featuresAsOf: stream!.pipeline.asOf(now), modelVersion: decider.version)
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
            stream!.pipeline.stall(until: context.now + configuration.stallDuration + replay)
            scheduleStall(context)
        case .replayDone:
            if let next = pendingDecider { decider = next }
            pendingDecider = nil
        case nil:
            preconditionFailure("unknown streaming timer \(timer.code)")
        }
    }

    func scheduleStall(_ context: EngineContext) {
        let gap = Exponential(rate: configuration.stallRate.perSecond).sample(&faults)
        context.schedule(EngineTimer(engine: index, code: Timer.stall.rawValue), at: context.now + SimDuration(seconds: gap))
    }

    public func finish(_ context: EngineContext) {
        guard let pipeline = stream?.pipeline else { return }
        counters.busySeconds += pipeline.busy.seconds
        counters.capacitySeconds = Double(configuration.throughput.workers) * (context.now - SimTime.zero).seconds
        counters.maxLagSeconds = pipeline.maxLag.seconds
        counters.lateEventsDropped = pipeline.features.droppedLate
        counters.stateBytes = pipeline.features.stateSize.records * IncrementalFeatures.bytesPerRecord + (stream?.online?.footprint ?? 0)
    }
}
