import Features
import Foundation
import Randomness
import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// The batch engine: on a schedule (cron, cadence, data threshold or by
/// hand) it snapshots what has *arrived*, recomputes features for all or only
/// changed entities from the offline store, scores them with the
/// entity-features model, and writes predictions by partition to the SQLite
/// prediction store, publishing atomically at job end or per partition.
///
/// Its duration is start-up + records × per-record cost ÷ workers, plus
/// retry waits: it grows with the data, and a job that must finish by a
/// deadline records an SLA miss when it overruns. Transient job and partition
/// failures are retried with exponential backoff and jitter; bad records are
/// skipped and counted. A re-run partition replaces its rows (unique key
/// entity + run), so retries never duplicate.
public final class BatchEngine: Engine {
    public let name: String
    public let kind: EngineKind = .batch
    public let configuration: BatchConfiguration
    public private(set) var counters = EngineCounters()
    let index: Int32

    var model: ScoringModel?
    /// The published predictions readers see, by entity.
    var serving = ServingTable()
    var running: Job?
    var lastSnapshot = SimTime(microseconds: -1)
    var arrivalsSinceSnapshot = 0
    var nextRunNumber: Int64 = 0
    var faults: RandomStream

    enum Timer: Int32 { case run = 1, partitionDone = 2, retryJob = 3 }

    public init(name: String, index: Int32, configuration: BatchConfiguration, randomness: RandomSource) {
        self.name = name
        self.index = index
        self.configuration = configuration
        faults = randomness.source("engine:\(name)").stream("faults")
    }

    public func start(_ context: EngineContext) {
        scheduleNextRun(after: SimTime(microseconds: -1), context)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        let first = model == nil
        model = models.entityOnly
        // A deployed job would have run before the measured period: run once
        // now, so measurement starts from a published prediction, not from none.
        if first && running == nil { startJob(context) }
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        arrivalsSinceSnapshot += 1
        if case .threshold(let n) = configuration.trigger, arrivalsSinceSnapshot >= n, running == nil, model != nil {
            startJob(context)
        }
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let answeredAt = context.now + configuration.serving.lookupLatency
        guard let p = serving.prediction(for: request.entity) else {
            return Answer(action: nil, answeredAt: answeredAt, fallback: true)
        }
        return Answer(action: DecisionPolicy.action(for: request, score: p.score, workload: context.workload),
                      answeredAt: answeredAt, score: p.score, computedAt: p.computedAt, featuresAsOf: p.featuresAsOf,
                      modelVersion: p.modelVersion)
    }

    /// The latest published prediction for an entity: what another engine falls back to.
    public func publishedPrediction(for entity: Int32) -> ServingTable.Entry? { serving.prediction(for: entity) }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        switch Timer(rawValue: timer.code) {
        case .run:
            scheduleNextRun(after: context.now, context)
            if let job = running {
                // The previous run is still going: this slot is lost (unless it is the same instant's bootstrap run).
                if job.started != context.now { counters.slaMisses += 1 }
            } else if model != nil {
                startJob(context)
            }
        case .retryJob:
            if running == nil { startJob(context, attempt: Int(timer.argument)) }
        case .partitionDone:
            finishPartition(Int(timer.argument), context)
        case nil:
            preconditionFailure("unknown batch timer \(timer.code)")
        }
    }

    func scheduleNextRun(after time: SimTime, _ context: EngineContext) {
        if let next = configuration.trigger.nextRun(after: time, horizon: context.horizon) {
            context.schedule(EngineTimer(engine: index, code: Timer.run.rawValue), at: next)
        }
    }

    // MARK: Jobs

    /// One run in flight: what it computed at its snapshot, partitioned, and when each partition finishes.
    struct Job {
        var run: Int64
        var snapshot: SimTime
        var started: SimTime
        var partitions: [[PredictionRow]]
        var finished = 0
        /// Partitions an interrupted earlier attempt already checkpointed: not written again.
        var alreadyWritten: Set<Int> = []
        /// The partition that ran out of retries, if any: the run is abandoned there.
        var failingPartition: Int?
        var deadline: SimTime?
    }

    func startJob(_ context: EngineContext, attempt: Int = 0) {
        guard let model else { return }
        let now = context.now
        // A transient failure of the whole job: retried after a backoff, or given up.
        if faults.nextUniform() < configuration.jobFailureProbability {
            counters.failures += 1
            if attempt < configuration.retry.retries {
                counters.retries += 1
                let wait = configuration.retry.delay(attempt: attempt, uniform: faults.nextUniform())
                context.schedule(EngineTimer(engine: index, code: Timer.retryJob.rawValue, argument: Int64(attempt + 1)), at: now + wait)
            }
            return
        }
        do {
            try context.syncOfflineStore()
            let (rows, recency) = try computePredictions(model, snapshot: now, context)
            counters.batchRuns += 1
            let run = nextRunNumber
            nextRunNumber += 1
            let partitions = configuration.partitioning.split(rows, recency: recency)
            try context.predictionStore.beginRun(runKey(run), engine: name, modelVersion: model.version, snapshot: now,
                                                 partitions: partitions.count)
            running = Job(run: run, snapshot: now, started: now, partitions: partitions,
                          alreadyWritten: try context.predictionStore.finishedPartitions(run: runKey(run)),
                          deadline: configuration.deadline.map { nextDeadline(after: now, at: $0) })
            schedulePartitions(context)
            lastSnapshot = now
            arrivalsSinceSnapshot = 0
        } catch {
            counters.failures += 1
            fatalError("batch engine \(name): the stores failed: \(error)")
        }
    }

    /// Runs are keyed by engine and number so several batch engines can share
    /// one store: 11 bits of engine, 20 of run (the store keys rows by run × 2³²).
    func runKey(_ run: Int64) -> Int64 { Int64(index) << 20 | run }

    /// Real work at the snapshot: features of every entity of the population
    /// (full) or of every entity with new arrivals (incremental), from the
    /// offline store, scored by the model. An entity with no events in the
    /// feature window still gets a prediction — from empty windows — as a
    /// full job that scores the whole population does.
    func computePredictions(_ model: ScoringModel, snapshot: SimTime, _ context: EngineContext) throws
        -> (rows: [PredictionRow], recency: [Double])
    {
        let view = context.view
        let only: [Int32]? = configuration.incremental && lastSnapshot >= .zero
            ? try context.offlineStore.entitiesWithArrivals(after: lastSnapshot, upTo: snapshot) : nil
        var rows: [PredictionRow] = []
        var recency: [Double] = []
        func emit(_ entity: Int32, _ events: [DomainEvent]) {
            if faults.nextUniform() < configuration.badRecordProbability {
                counters.skippedRecords += 1
                return
            }
            let features = FullRecompute.values(view, events: events, asOf: snapshot)
            let score = model.score(view, entity: features, request: nil)
            rows.append(PredictionRow(entity: entity, score: score, computedAt: snapshot, featuresAsOf: snapshot))
            recency.append(events.last.map { (snapshot - $0.eventTime).seconds / view.reach.seconds } ?? 1)
        }
        var next: Int32 = 0  // the next entity id not yet emitted, for the full population
        try context.offlineStore.forEachEntity(arrivedBy: snapshot, eventTimeAfter: snapshot - view.reach, only: only) { entity, events in
            if only == nil { while next < entity { emit(next, []); next += 1 } }
            emit(entity, events)
            next = entity + 1
        }
        if only == nil { while Int(next) < context.workload.entityCount { emit(next, []); next += 1 } }
        return (rows, recency)
    }

    /// Each partition's finish time: start-up, then records × cost ÷ workers,
    /// partitions one after another, each retried on transient failure.
    func schedulePartitions(_ context: EngineContext) {
        guard let job = running else { return }
        var t = job.started + configuration.startup
        for (i, rows) in job.partitions.enumerated() {
            let work = SimDuration(microseconds: configuration.perRecord.microseconds * Int64(rows.count) / Int64(configuration.workers))
            var attempt = 0
            while faults.nextUniform() < configuration.partitionFailureProbability {
                counters.failures += 1
                guard attempt < configuration.retry.retries else {
                    // Out of retries: the job fails at this partition.
                    running!.failingPartition = i
                    context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: Int64(i)), at: t + work)
                    return
                }
                counters.retries += 1
                t += work + configuration.retry.delay(attempt: attempt, uniform: faults.nextUniform())
                attempt += 1
            }
            t += work
            context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: Int64(i)), at: t)
        }
        if job.partitions.isEmpty {
            context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: -1), at: t)
        }
    }

    func finishPartition(_ partition: Int, _ context: EngineContext) {
        guard var job = running, let model else { return }
        let now = context.now
        do {
            if partition == job.failingPartition {
                running = nil  // the run is abandoned: nothing more is published
                return
            }
            if partition >= 0 {
                let rows = job.partitions[partition].map {
                    PredictionRow(entity: $0.entity, score: $0.score, computedAt: now, featuresAsOf: $0.featuresAsOf)
                }
                let perPartition = configuration.publish == .partition
                if !job.alreadyWritten.contains(partition) {
                    try context.predictionStore.write(run: runKey(job.run), partition: partition, rows: rows,
                                                      modelVersion: model.version, finishedAt: now, publish: perPartition)
                }
                counters.predictionsWritten += rows.count
                if perPartition { serving.publish(rows, modelVersion: model.version) }
                job.partitions[partition] = rows
                job.finished += 1
                running = job
            }
            if job.finished == job.partitions.count {
                if configuration.publish == .end {
                    try context.predictionStore.publish(run: runKey(job.run), at: now)
                    for rows in job.partitions { serving.publish(rows, modelVersion: model.version) }
                }
                if let deadline = job.deadline, now > deadline { counters.slaMisses += 1 }
                counters.busySeconds += Double(configuration.workers) * (now - job.started).seconds
                counters.jobSeconds.append((now - job.started).seconds)
                if let retention = configuration.retention {
                    try context.predictionStore.deletePredictions(computedAtOrBefore: now - retention)
                }
                running = nil
            }
        } catch {
            fatalError("batch engine \(name): the prediction store failed: \(error)")
        }
    }

    /// The first time of day `at` strictly after `time`'s day start at or after `time`.
    func nextDeadline(after time: SimTime, at offset: SimDuration) -> SimTime {
        let day = SimDuration.days(1).microseconds
        var d = SimTime(microseconds: time.microseconds / day * day + offset.microseconds)
        if d < time { d += .days(1) }
        return d
    }

    public func finish(_ context: EngineContext) {
        counters.capacitySeconds = Double(configuration.workers) * (context.now - SimTime.zero).seconds
    }
}

/// The batch engine's latest published predictions by entity: what a
/// serving layer (a key-value cache in front of the prediction store) holds.
public struct ServingTable: Sendable {
    public struct Entry: Hashable, Sendable {
        public var score: Float
        public var computedAt: SimTime
        public var featuresAsOf: SimTime
        public var modelVersion: String
    }
    var entries: [Entry?] = []

    public init() {}

    mutating func publish(_ rows: [PredictionRow], modelVersion: String) {
        for r in rows { publish(r, modelVersion: modelVersion) }
    }

    mutating func publish(_ r: PredictionRow, modelVersion: String) {
        let id = Int(r.entity)
        if id >= entries.count { entries.append(contentsOf: repeatElement(nil, count: max(id + 1, entries.count * 2) - entries.count)) }
        entries[id] = Entry(score: r.score, computedAt: r.computedAt, featuresAsOf: r.featuresAsOf, modelVersion: modelVersion)
    }

    public func prediction(for entity: Int32) -> Entry? {
        let id = Int(entity)
        return id >= 0 && id < entries.count ? entries[id] : nil
    }
}
