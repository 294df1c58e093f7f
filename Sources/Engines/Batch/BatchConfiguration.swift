import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// Everything a scenario may set for a `kind: batch` engine.
///
///     - name: nightly
///       kind: batch
///       schedule: "0 2 * * *"        # or cadence: 1h, or threshold: 50k (new arrivals), or run_at: [1d2h]
///       mode: full                   # or incremental: only entities with new arrivals
///       partition_by: id             # id, size, time, time+size
///       partitions: 8                # for id; partition_size: 100k for size
///       publish: end                 # or partition
///       startup: 2m
///       per_record: 20us             # feature computation + scoring, per entity
///       workers: 4
///       deadline: "06:00"            # an overrun is an SLA miss
///       list_length: 20              # ranking workloads: items kept per user
public struct BatchConfiguration: Hashable, Sendable {
    public enum Trigger: Hashable, Sendable {
        case cron(CronSchedule)
        case cadence(SimDuration, offset: SimDuration)
        case threshold(Int)
        case manual([SimDuration])
    }
    public enum Publish: String, Hashable, Sendable, CaseIterable, ScenarioScalar { case end, partition }

    public var trigger = Trigger.cron(try! CronSchedule(parsing: "0 2 * * *"))
    public var incremental = false
    public var partitioning = Partitioning.byID(count: 4)
    public var publish = Publish.end
    public var startup = SimDuration.minutes(2)
    public var perRecord = SimDuration.microseconds(200)
    public var workers = 4
    public var deadline: SimDuration?
    public var jobFailureProbability = 0.0
    public var partitionFailureProbability = 0.0
    public var badRecordProbability = 0.0
    public var retry = RetryPolicy()
    public var retention: SimDuration?
    public var serving = ServingParameters()
    /// Ranking workloads: how many items each user's precomputed list keeps
    /// (a decision serves its first slate-size of them).
    public var listLength = 20

    public init() {}

    /// Defaults from a cost profile: its per-record cost and lookup latency.
    public init(profile: CostProfile) {
        perRecord = profile.perRecord
        serving.lookupLatency = profile.lookupLatency
    }

    /// Reads the keys of a batch job over `defaults`; `listLength` names the key of the
    /// ranking lists' length and its default (the rerank engine calls it `candidates`).
    public static func read(_ r: inout MappingReader, defaults: BatchConfiguration = .init(),
                            listLength: (key: String, default: Int) = ("list_length", 20)) -> BatchConfiguration {
        var c = defaults
        let cron = r.optional("schedule", as: CronSchedule.self)
        let cadence = r.optional("cadence", as: SimDuration.self, .positive)
        let offset = r.optional("first_run", as: SimDuration.self)
        let threshold = r.optional("threshold", as: Int.self, .positive)
        let manual = r.optional("run_at", as: [SimDuration].self)
        let triggers = [cron != nil, cadence != nil, threshold != nil, manual != nil].filter { $0 }.count
        if triggers > 1 {
            r.diagnostics.error("a batch engine runs on one trigger: give one of 'schedule', 'cadence', 'threshold' or 'run_at'", at: r.node)
        }
        if let cron { c.trigger = .cron(cron) }
        else if let cadence { c.trigger = .cadence(cadence, offset: offset ?? cadence) }
        else if let threshold { c.trigger = .threshold(threshold) }
        else if let manual { c.trigger = .manual(manual) }
        let mode = r.optional("mode", default: Mode.full)
        c.incremental = mode == .incremental
        let by = r.optional("partition_by", default: PartitionKey.id)
        let count = r.optional("partitions", default: 4, in: 1...10_000)
        let size = r.optional("partition_size", default: 100_000, in: 1...1_000_000_000)
        c.partitioning = switch by {
        case .id: .byID(count: count)
        case .size: .bySize(size)
        case .time: .byTime(count: count)
        case .timeAndSize: .byTimeAndSize(count: count, size: size)
        }
        c.publish = r.optional("publish", default: c.publish)
        c.startup = r.optional("startup", default: c.startup)
        c.perRecord = r.optional("per_record", default: c.perRecord, .positive)
        c.workers = r.optional("workers", default: c.workers, in: 1...10_000)
        c.deadline = r.optional("deadline", as: TimeOfDay.self)?.sinceMidnight
        c.jobFailureProbability = r.optional("job_failure_probability", default: 0.0, in: 0...1)
        c.partitionFailureProbability = r.optional("partition_failure_probability", default: 0.0, in: 0...1)
        c.badRecordProbability = r.optional("bad_record_probability", default: 0.0, in: 0...1)
        c.retry = RetryPolicy.read(&r)
        c.retention = r.optional("retention", as: SimDuration.self, .positive)
        c.serving = ServingParameters.read(&r, defaults: c.serving)
        c.listLength = r.optional(listLength.key, default: listLength.default, in: 1...10_000)
        return c
    }

    enum Mode: String, CaseIterable, ScenarioScalar { case full, incremental }
    enum PartitionKey: String, CaseIterable, ScenarioScalar {
        case id, size, time
        case timeAndSize = "time+size"
    }
}

extension BatchConfiguration.Trigger {
    /// The first scheduled run strictly after `time` and within the horizon;
    /// nil for a data threshold (it fires on arrivals) or when none is left.
    public func nextRun(after time: SimTime, horizon: SimTime) -> SimTime? {
        let next: SimTime?
        switch self {
        case .cron(let cron): next = cron.next(after: time, limit: horizon)
        case .cadence(let every, let offset):
            let base = offset.microseconds, period = every.microseconds
            let k = time.microseconds < base ? 0 : (time.microseconds - base) / period + 1
            next = SimTime(microseconds: base + k * period)
        case .manual(let times): next = times.map { SimTime.zero + $0 }.filter { $0 > time }.min()
        case .threshold: next = nil
        }
        return next.flatMap { $0 <= horizon ? $0 : nil }
    }
}

/// How a batch job splits its records into partitions, each checkpointed.
public enum Partitioning: Hashable, Sendable {
    /// `count` contiguous entity-id ranges of equal width.
    case byID(count: Int)
    /// Consecutive chunks of `size` records.
    case bySize(Int)
    /// `count` equal slices of the feature window by each entity's latest
    /// event time: the job reads input partitions by time.
    case byTime(count: Int)
    /// By time, each time partition cut into chunks of `size`.
    case byTimeAndSize(count: Int, size: Int)

    /// Splits rows (in entity order) into partitions; none is empty unless all
    /// are. `recency[i]` is how far before the snapshot row i's latest event
    /// was, as a fraction of the feature window (0 = at the snapshot).
    public func split(_ rows: [PredictionRow], recency: [Double]) -> [[PredictionRow]] {
        func chunks(_ rows: [PredictionRow], _ size: Int) -> [[PredictionRow]] {
            stride(from: 0, to: rows.count, by: size).map { Array(rows[$0..<min($0 + size, rows.count)]) }
        }
        switch self {
        case .byID(let count):
            guard let maxID = rows.map(\.entity).max() else { return [] }
            let width = Int(maxID) / count + 1
            var parts = [[PredictionRow]](repeating: [], count: count)
            for r in rows { parts[Int(r.entity) / width].append(r) }
            return parts.filter { !$0.isEmpty }
        case .bySize(let size):
            return chunks(rows, size)
        case .byTime(let count):
            var parts = [[PredictionRow]](repeating: [], count: count)
            for (r, age) in zip(rows, recency) { parts[min(count - 1, max(0, Int(age * Double(count))))].append(r) }
            return parts.filter { !$0.isEmpty }
        case .byTimeAndSize(let count, let size):
            return Partitioning.byTime(count: count).split(rows, recency: recency).flatMap { chunks($0, size) }
        }
    }
}
