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
/// entity-features model — or, for a ranking workload, ranks each user's
/// best `list_length` items against the catalogue as of the snapshot — and
/// writes predictions by partition to the SQLite prediction store,
/// publishing atomically at job end or per partition. A population decision
/// (a campaign) reads every entity's published score.
///
/// A decision is answered from the freshest prediction that can be
/// delivered by its deadline: the published one at once, or — when a job
/// running at the decision time will publish the entity's row before the
/// deadline (a digest asked for at midnight, sent at 06:00) — that row,
/// when it is published.
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

    var decider: Decider?
    /// The published predictions readers see, by entity.
    var serving = ServingTable()
    /// Ranking: the list of a user the published run had no row for (one
    /// who joined after it, or without history), ranked from empty features.
    var noHistory: PredictionRow?
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
        serving.reserve(entities: context.workload.entityCount)
        scheduleNextRun(after: SimTime(microseconds: -1), context)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        let first = decider == nil
        decider = Decider(models, usesRequestFeatures: false, context)
        // A deployed job would have run before the measured period: run once
        // now, so measurement starts from a published prediction, not from none.
        if first && running == nil { startJob(context) }
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        arrivalsSinceSnapshot += 1
        if case .threshold(let n) = configuration.trigger, arrivalsSinceSnapshot >= n, running == nil, decider != nil {
            startJob(context)
        }
    }

    public func prefetch(soon: Int32, next: Int32) {
        serving.prefetch(entity: soon)
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let answeredAt = context.now + configuration.serving.lookupLatency
        if let pending = answerFromRunningJob(request, context) { return pending }
        return answerFromPublished(request, at: answeredAt, context) ?? Answer(action: nil, answeredAt: answeredAt, fallback: true)
    }

    /// The latest published prediction for an entity: what another engine falls back to.
    public func publishedPrediction(for entity: Int32) -> ServingTable.Entry? { serving.prediction(for: entity) }

    /// The published prediction an entity's decision reads: its own row, or
    /// for a ranking the run's list for users it has no row for.
    public func publishedEntry(for entity: Int32) -> ServingTable.Entry? {
        if let p = serving.prediction(for: entity) { return p }
        guard let list = noHistory, let version = serving.lastVersion else { return nil }
        return ServingTable.Entry(score: list.score, computedAt: list.computedAt, featuresAsOf: list.featuresAsOf,
                                  modelVersion: version, items: list.items)
    }

    /// Every entity's published prediction, for a population decision.
    public func allPublished() -> [(entity: Int32, entry: ServingTable.Entry)] { serving.all() }

    /// The answer the published predictions give at `time`, or nil when
    /// nothing is published yet: what this engine serves, and what another
    /// engine falls back to.
    public func answerFromPublished(_ request: DecisionRequest, at time: SimTime, _ context: EngineContext) -> Answer? {
        guard let decider else { return nil }
        if decider.shape == .population {
            let all = serving.all()
            guard !all.isEmpty else { return nil }
            let ids = decider.contacts(request, scored: all.map { ($0.entity, $0.entry.score) })
            let used = ids.compactMap { serving.prediction(for: $0) }
            return Answer(action: .contact(ids), answeredAt: time, score: used.first?.score,
                          computedAt: used.map(\.computedAt).min() ?? all[0].entry.computedAt,
                          featuresAsOf: used.map(\.featuresAsOf).min() ?? all[0].entry.featuresAsOf,
                          modelVersion: all[0].entry.modelVersion)
        }
        guard let entry = publishedEntry(for: request.entity) else { return nil }
        return Answer(action: decider.action(for: request, storedScore: entry.score, items: entry.items), answeredAt: time,
                      score: entry.score, computedAt: entry.computedAt, featuresAsOf: entry.featuresAsOf,
                      modelVersion: entry.modelVersion)
    }

    /// The answer a job running now will publish before the request's
    /// deadline, at the moment it publishes it; nil if none will.
    func answerFromRunningJob(_ request: DecisionRequest, _ context: EngineContext) -> Answer? {
        guard let job = running, let decider, let version = job.modelVersion else { return nil }
        // When the rows this request needs are published: the whole run for a
        // population decision or an end-of-job publish, else the entity's partition.
        let partition: Int? = request.entity >= 0 ? job.location(of: request.entity)?.partition : nil
        let needed = configuration.publish == .end || decider.shape == .population || partition == nil
            ? Array(job.partitions.indices) : [partition!]
        guard !needed.isEmpty, needed.allSatisfy({ p in job.failingPartition.map { p < $0 } ?? true }),
              let publishedAt = needed.map({ job.publishAt[$0] }).max(),
              publishedAt + configuration.serving.lookupLatency <= request.deadline else { return nil }
        let answeredAt = publishedAt + configuration.serving.lookupLatency
        if decider.shape == .population {
            let rows = job.partitions.flatMap { $0 }
            let ids = decider.contacts(request, scored: rows.map { ($0.entity, $0.score) })
            return Answer(action: .contact(ids), answeredAt: answeredAt, score: rows.first { $0.entity == ids.first }?.score,
                          computedAt: publishedAt, featuresAsOf: job.snapshot, modelVersion: version)
        }
        let row = job.location(of: request.entity).map { job.partitions[$0.partition][$0.row] } ?? job.noHistory
        guard let row else { return nil }
        return Answer(action: decider.action(for: request, storedScore: row.score, items: row.items), answeredAt: answeredAt,
                      score: row.score, computedAt: publishedAt, featuresAsOf: row.featuresAsOf, modelVersion: version)
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        switch Timer(rawValue: timer.code) {
        case .run:
            scheduleNextRun(after: context.now, context)
            if let job = running {
                // The previous run is still going: this slot is lost (unless it is the same instant's bootstrap run).
                if job.started != context.now { counters.slaMisses += 1 }
            } else if decider != nil {
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
        /// When each partition is scheduled to finish (and, publishing per partition, to be published).
        var publishAt: [SimTime] = []
        /// Where each entity's row is, by entity id: partition (−1: none) and
        /// position in it. Dense columns, not a dictionary: for 2M entities
        /// 16 MB instead of 84 (4M buckets of 20 bytes), and no rehash copy
        /// while it fills.
        var partitionOf: [Int32] = []
        var rowOf: [Int32] = []
        /// Ranking: the list for a user without a row.
        var noHistory: PredictionRow?
        var modelVersion: String?

        init(run: Int64, snapshot: SimTime, started: SimTime, partitions: [[PredictionRow]], alreadyWritten: Set<Int>,
             deadline: SimTime?, entities: Int) {
            self.run = run; self.snapshot = snapshot; self.started = started; self.partitions = partitions
            self.alreadyWritten = alreadyWritten; self.deadline = deadline
            partitionOf = Array(repeating: -1, count: entities)
            rowOf = Array(repeating: 0, count: entities)
            for (p, part) in partitions.enumerated() {
                for (r, row) in part.enumerated() where row.entity >= 0 {
                    let id = Int(row.entity)
                    if id >= partitionOf.count {
                        partitionOf.append(contentsOf: repeatElement(-1, count: id + 1 - partitionOf.count))
                        rowOf.append(contentsOf: repeatElement(0, count: id + 1 - rowOf.count))
                    }
                    partitionOf[id] = Int32(p)
                    rowOf[id] = Int32(r)
                }
            }
        }

        /// The partition and position of an entity's row, if the run has one.
        func location(of entity: Int32) -> (partition: Int, row: Int)? {
            let id = Int(entity)
            guard id >= 0, id < partitionOf.count, partitionOf[id] >= 0 else { return nil }
            return (Int(partitionOf[id]), Int(rowOf[id]))
        }
    }

    func startJob(_ context: EngineContext, attempt: Int = 0) {
        guard let decider else { return }
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
            let (rows, recency, noHistory) = try computePredictions(decider, snapshot: now, context)
            counters.batchRuns += 1
            let run = nextRunNumber
            nextRunNumber += 1
            let partitions = configuration.partitioning.split(rows, recency: recency)
            try context.predictionStore.beginRun(runKey(run), engine: name, modelVersion: decider.version, snapshot: now,
                                                 partitions: partitions.count)
            var job = Job(run: run, snapshot: now, started: now, partitions: partitions,
                          alreadyWritten: try context.predictionStore.finishedPartitions(run: runKey(run)),
                          deadline: configuration.deadline.map { nextDeadline(after: now, at: $0) },
                          entities: context.workload.entityCount)
            job.noHistory = noHistory
            job.modelVersion = decider.version
            running = job
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
    /// offline store, scored by the model — or, for a ranking workload, each
    /// user's best items against the catalogue rebuilt from the same
    /// snapshot. An entity with no events in the feature window still gets a
    /// prediction — from empty windows — as a full job that scores the whole
    /// population does; a ranking job also ranks for a user it has no row
    /// for (`noHistory`).
    func computePredictions(_ decider: Decider, snapshot: SimTime, _ context: EngineContext) throws
        -> (rows: [PredictionRow], recency: [Double], noHistory: PredictionRow?)
    {
        let view = context.view
        let only: [Int32]? = configuration.incremental && lastSnapshot >= .zero
            ? try context.offlineStore.entitiesWithArrivals(after: lastSnapshot, upTo: snapshot).filter { $0 >= 0 } : nil
        let items = try catalogue(at: snapshot, decider, context)
        let length = configuration.listLength
        var rows: [PredictionRow] = []
        var recency: [Double] = []
        func emit(_ entity: Int32, _ events: [DomainEvent]) {
            if faults.nextUniform() < configuration.badRecordProbability {
                counters.skippedRecords += 1
                return
            }
            let features = FullRecompute.values(view, events: events, asOf: snapshot)
            let p = decider.prediction(for: entity, features: features, items: items, length: length)
            rows.append(PredictionRow(entity: entity, score: p.score, computedAt: snapshot, featuresAsOf: snapshot, items: p.items))
            recency.append(events.last.map { (snapshot - $0.eventTime).seconds / view.reach.seconds } ?? 1)
        }
        var next: Int32 = 0  // the next entity id not yet emitted, for the full population
        try context.offlineStore.forEachEntity(arrivedBy: snapshot, eventTimeAfter: snapshot - view.reach, only: only) { entity, events in
            guard entity >= 0 else { return }  // catalogue events (publications) belong to no user
            if only == nil { while next < entity { emit(next, []); next += 1 } }
            emit(entity, events)
            next = entity + 1
        }
        if only == nil { while Int(next) < context.workload.entityCount { emit(next, []); next += 1 } }
        var noHistory: PredictionRow?
        if let items {
            let p = decider.prediction(for: -1, features: FullRecompute.values(view, events: [], asOf: snapshot), items: items,
                                       length: length)
            noHistory = PredictionRow(entity: -1, score: p.score, computedAt: snapshot, featuresAsOf: snapshot, items: p.items)
        }
        return (rows, recency, noHistory)
    }

    /// The catalogue as the snapshot has it, every arrived event in the
    /// item features' reach replayed into `CatalogueFeatures`; nil unless the
    /// workload ranks items.
    func catalogue(at snapshot: SimTime, _ decider: Decider, _ context: EngineContext) throws -> PreparedItems? {
        guard decider.shape == .ranking,
              var catalogue = CatalogueFeatures(context.view, outOfOrderness: .zero, allowedLateness: nil) else { return nil }
        try context.offlineStore.forEachEntity(arrivedBy: snapshot, eventTimeAfter: snapshot - context.view.reach) { _, events in
            for e in events { catalogue.process(e) }
        }
        return decider.prepare(catalogue.snapshot(at: snapshot))
    }

    /// Each partition's finish time: start-up, then records × cost ÷ workers,
    /// partitions one after another, each retried on transient failure.
    func schedulePartitions(_ context: EngineContext) {
        guard let job = running else { return }
        var t = job.started + configuration.startup
        running!.publishAt = Array(repeating: .never, count: job.partitions.count)
        for (i, rows) in job.partitions.enumerated() {
            let work = SimDuration(microseconds: configuration.perRecord.microseconds * Int64(rows.count) / Int64(configuration.workers))
            var attempt = 0
            while faults.nextUniform() < configuration.partitionFailureProbability {
                counters.failures += 1
                guard attempt < configuration.retry.retries else {
                    // Out of retries: the job fails at this partition.
                    running!.failingPartition = i
                    running!.publishAt[i] = t + work
                    context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: Int64(i)), at: t + work)
                    return
                }
                counters.retries += 1
                t += work + configuration.retry.delay(attempt: attempt, uniform: faults.nextUniform())
                attempt += 1
            }
            t += work
            running!.publishAt[i] = t
            context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: Int64(i)), at: t)
        }
        if job.partitions.isEmpty {
            context.schedule(EngineTimer(engine: index, code: Timer.partitionDone.rawValue, argument: -1), at: t)
        }
    }

    func finishPartition(_ partition: Int, _ context: EngineContext) {
        guard var job = running, let version = job.modelVersion else { return }
        let now = context.now
        do {
            if partition == job.failingPartition {
                running = nil  // the run is abandoned: nothing more is published
                return
            }
            if partition >= 0 {
                let rows = job.partitions[partition].map {
                    PredictionRow(entity: $0.entity, score: $0.score, computedAt: now, featuresAsOf: $0.featuresAsOf, items: $0.items)
                }
                let perPartition = configuration.publish == .partition
                if !job.alreadyWritten.contains(partition) {
                    try context.predictionStore.write(run: runKey(job.run), partition: partition, rows: rows,
                                                      modelVersion: version, finishedAt: now, publish: perPartition)
                }
                counters.predictionsWritten += rows.count
                if perPartition { publish(rows, version, job) }
                job.partitions[partition] = rows
                job.finished += 1
                running = job
            }
            if job.finished == job.partitions.count {
                if configuration.publish == .end {
                    try context.predictionStore.publish(run: runKey(job.run), at: now)
                    for rows in job.partitions { publish(rows, version, job) }
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

    /// Makes rows readable, and with them the run's list for users it has no row for.
    func publish(_ rows: [PredictionRow], _ version: String, _ job: Job) {
        serving.publish(rows, modelVersion: version)
        if let list = job.noHistory { noHistory = PredictionRow(entity: -1, score: list.score, computedAt: rows.first?.computedAt ?? list.computedAt,
                                                                featuresAsOf: list.featuresAsOf, items: list.items) }
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
