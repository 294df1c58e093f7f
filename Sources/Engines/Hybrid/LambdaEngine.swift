import Features
import Randomness
import ScenarioSpec
import SimKernel
import Workloads

/// The lambda architecture: a batch layer periodically recomputes a view of
/// every entity's features from what had arrived by its snapshot; a speed
/// layer streams the events that arrived since; the serving layer merges the
/// two at request time (pane summaries merge exactly) and scores the full
/// model — the items' features merged the same way for a ranking workload.
/// With a zero-delay speed layer it sees exactly what an oracle sees of the
/// arrived events (of those within the speed layer's allowed lateness).
public final class LambdaEngine: Engine {
    public let name: String
    public let kind: EngineKind = .lambda
    public let configuration: LambdaConfiguration
    public private(set) var counters = EngineCounters()
    let index: Int32

    var decider: Decider?
    var batchView: IncrementalFeatures?
    var batchCatalogue: CatalogueFeatures?
    var catalogue = CatalogueCache()
    /// Speed layers by the snapshot they start after; the oldest serves until
    /// the view for the next snapshot is published.
    var speed: [SpeedLayer] = []
    /// The snapshot of the batch job in flight, whose view is published when it ends.
    var running: SimTime?
    /// Records of the view as published: what the serving layer stores until
    /// the next one (the view in memory sheds what its windows no longer reach).
    var publishedViewRecords = 0

    enum Timer: Int32 { case run = 1, publish = 2 }

    public init(name: String, index: Int32, configuration: LambdaConfiguration) {
        self.name = name
        self.index = index
        self.configuration = configuration
    }

    public func start(_ context: EngineContext) {
        speed = [SpeedLayer(since: SimTime(microseconds: -1), pipeline: makeSpeedLayer(context))]
        if let next = configuration.batch.trigger.nextRun(after: SimTime(microseconds: -1), horizon: context.horizon) {
            context.schedule(EngineTimer(engine: index, code: Timer.run.rawValue), at: next)
        }
    }

    func makeSpeedLayer(_ context: EngineContext) -> FeaturePipeline {
        FeaturePipeline(context.view, throughput: configuration.speed, lateness: configuration.speedLateness)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        if decider == nil && running == nil { runBatchLayer(context) }  // as the batch engine does: a view to start from
        decider = Decider(models, usesRequestFeatures: true, context)
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        for layer in speed where event.arrivalTime > layer.since {
            layer.pipeline.enqueue(event, at: context.now)
            layer.pipeline.advance(to: context.now)
        }
        counters.eventsProcessed += 1
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        switch Timer(rawValue: timer.code) {
        case .run:
            if let next = configuration.batch.trigger.nextRun(after: context.now, horizon: context.horizon) {
                context.schedule(EngineTimer(engine: index, code: Timer.run.rawValue), at: next)
            }
            guard running == nil else { counters.slaMisses += 1; return }
            runBatchLayer(context)
        case .publish:
            guard let snapshot = running else { return }
            running = nil
            // The speed layers the new view covers go before it is built, as the old view does.
            for layer in speed where layer.since < snapshot { counters.lateEventsDropped += layer.pipeline.features.droppedLate }
            speed.removeAll { $0.since < snapshot }
            publishBatchView(as: snapshot, context)
        case nil:
            preconditionFailure("unknown lambda timer \(timer.code)")
        }
    }

    /// Starts a batch job over the offline store as of now: its duration
    /// comes from the entities it will read, its view is published when it
    /// ends, and a new speed layer starts now.
    func runBatchLayer(_ context: EngineContext) {
        let snapshot = context.now
        let records: Int
        do {
            records = try context.offlineStore.entityCount(arrivedBy: snapshot, eventTimeAfter: snapshot - context.view.reach)
        } catch {
            fatalError("lambda engine \(name): the offline store failed: \(error)")
        }
        counters.batchRuns += 1
        let c = configuration.batch
        let duration = c.startup + SimDuration(microseconds: c.perRecord.microseconds * Int64(records) / Int64(c.workers))
        counters.busySeconds += duration.seconds * Double(c.workers)
        counters.jobSeconds.append(duration.seconds)
        running = snapshot
        speed.append(SpeedLayer(since: snapshot, pipeline: makeSpeedLayer(context)))
        context.schedule(EngineTimer(engine: index, code: Timer.publish.rawValue), at: snapshot + duration)
    }

    /// Replaces the batch view with one computed from what had arrived by
    /// `snapshot`. The computation waits for the job's end, not its start:
    /// every read of the store is bounded by arrival time, so the view is the
    /// same either way, and the old view is freed before the new one is
    /// built instead of the two being held through the whole job (the
    /// largest state of a full-scale fraud run).
    func publishBatchView(as snapshot: SimTime, _ context: EngineContext) {
        batchView = nil
        batchCatalogue = nil
        var view = IncrementalFeatures(context.view, outOfOrderness: .zero, allowedLateness: nil)
        var items = CatalogueFeatures(context.view, outOfOrderness: .zero, allowedLateness: nil)
        // Most of a day's sessions ended long before the snapshot, and no event the
        // speed layer (the one since the snapshot) still accepts can join them:
        // they go as each entity is built, so neither the build nor the view holds them.
        let fresh = speed.first { $0.since == snapshot }?.pipeline.features
        do {
            try context.offlineStore.forEachEntity(arrivedBy: snapshot, eventTimeAfter: snapshot - context.view.reach) { entity, events in
                for e in events {
                    view.process(e)
                    items?.process(e)
                }
                if let fresh { view.dropSessions(of: entity, unreachableBy: fresh) }
            }
        } catch {
            fatalError("lambda engine \(name): the offline store failed: \(error)")
        }
        publishedViewRecords = view.stateSize.records
        batchView = view
        batchCatalogue = items
        catalogue.invalidate()
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        let answeredAt = now + configuration.serving.lookupLatency
        guard let decider else { return Answer(action: nil, answeredAt: answeredAt, fallback: true) }
        let layer = speed[0]
        layer.pipeline.advance(to: now)
        // Reads come at `now` or later: the view's windows empty out as the day
        // goes on, so that when the next view is built the old one is mostly freed.
        batchView?.advanceWatermark(to: now)
        let (action, score) = decider.decide(request, features: { features(for: $0, context) }, items: {
            catalogue.items(at: now, decider) {
                guard let fresh = layer.pipeline.catalogue else { return nil }
                return batchCatalogue.map { $0.snapshot(at: now, mergedWith: fresh) } ?? fresh.snapshot(at: now)
            }
        })
        return Answer(action: action, answeredAt: answeredAt, score: score, computedAt: now, featuresAsOf: layer.pipeline.asOf(now),
                      modelVersion: decider.version)
    }

    public func finish(_ context: EngineContext) {
        counters.capacitySeconds = Double(configuration.batch.workers + configuration.speed.workers) * (context.now - SimTime.zero).seconds
        counters.stateBytes = publishedViewRecords * IncrementalFeatures.bytesPerRecord
        for layer in speed {
            counters.lateEventsDropped += layer.pipeline.features.droppedLate
            counters.stateBytes += layer.pipeline.features.stateSize.records * IncrementalFeatures.bytesPerRecord
            counters.busySeconds += layer.pipeline.busy.seconds
            counters.maxLagSeconds = max(counters.maxLagSeconds, layer.pipeline.maxLag.seconds)
        }
    }

    public func prefetch(soon: Int32, next: Int32) {
        speed.first?.pipeline.prefetch(soon: soon, next: next)
        batchView?.prefetch(header: soon, records: next)
    }

    /// The merged feature vector the serving layer would score now (for tests).
    public func features(for entity: Int32, _ context: EngineContext) -> [Float] {
        let layer = speed[0]
        layer.pipeline.advance(to: context.now)
        return layer.pipeline.values(for: entity, at: context.now, mergedInto: &batchView)
    }
}

/// A speed layer and the snapshot it starts after. A class, so the serving
/// layer reads the pipeline where it is instead of copying it per decision.
final class SpeedLayer {
    let since: SimTime
    var pipeline: FeaturePipeline

    init(since: SimTime, pipeline: FeaturePipeline) {
        self.since = since
        self.pipeline = pipeline
    }
}

/// Everything a scenario may set for a `kind: lambda` engine: the batch
/// layer's schedule and costs (as for `batch`), and the speed layer's.
///
///     - name: lambda
///       kind: lambda
///       schedule: "0 2 * * *"
///       per_record: 200us
///       workers: 4
///       speed_per_event: 20us
///       speed_workers: 1
///       allowed_lateness: 5m         # the speed layer's; later events wait for the next view
///
/// The speed layer is a stream job like `streaming`'s, with its watermark at
/// the latest event time (`out_of_orderness` 0 by default): an event later
/// than `allowed_lateness` behind it is counted and left to the next batch
/// view, and a session it can no longer join is freed. `unbounded` merges
/// every late event and keeps every session of the day.
public struct LambdaConfiguration: Hashable, Sendable {
    public var batch = BatchConfiguration()
    var speed = FeaturePipeline.Throughput()
    var speedLateness = FeaturePipeline.Lateness(outOfOrderness: .zero, allowed: .minutes(5))
    public var serving = ServingParameters()

    public init(profile: CostProfile = CostProfile()) {
        batch = BatchConfiguration(profile: profile)
        speed.perEvent = profile.perEvent
    }

    public static func read(_ r: inout MappingReader, defaults: LambdaConfiguration = .init()) -> LambdaConfiguration {
        var c = defaults
        c.batch = BatchConfiguration.read(&r, defaults: c.batch)
        c.serving = c.batch.serving
        c.speed.perEvent = r.optional("speed_per_event", default: c.speed.perEvent, .atLeast(.zero))
        c.speed.workers = r.optional("speed_workers", default: c.speed.workers, in: 1...10_000)
        c.speedLateness = FeaturePipeline.Lateness.read(&r, defaults: c.speedLateness)
        return c
    }
}
