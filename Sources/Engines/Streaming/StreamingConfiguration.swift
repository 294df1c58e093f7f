import ScenarioSpec
import SimKernel

/// Everything a scenario may set for a `kind: streaming` (or `kappa`) engine.
///
///     - name: stream
///       kind: streaming
///       per_event: 20us              # processing cost; throughput = workers / per_event
///       workers: 1
///       micro_batch: 1s              # optional: process in micro-batches
///       out_of_orderness: 2s         # watermark lag
///       allowed_lateness: 5m
///       rescore: true                # re-score the entity on every update
///       checkpoint_interval: 1m
///       stall_rate: 1/d              # consumer stalls…
///       stall_duration: 2m           # …for this long, then replays since the checkpoint
///       list_length: 20              # ranking workloads, with rescore: items kept per user
public struct StreamingConfiguration: Hashable, Sendable {
    var throughput = FeaturePipeline.Throughput()
    public var outOfOrderness = SimDuration.seconds(2)
    public var allowedLateness: SimDuration? = .minutes(5)
    public var rescore = true
    public var checkpointInterval = SimDuration.minutes(1)
    public var stallRate = Rate(perSecond: 0)
    public var stallDuration = SimDuration.minutes(2)
    /// Kappa: a model change replays the retained log before the new model serves.
    public var replayOnModelChange = false
    /// Kappa: processing cost per retained event during a replay.
    public var replayCost = SimDuration.microseconds(5)
    public var serving = ServingParameters()
    /// Ranking workloads, with `rescore`: how many items each user's list keeps.
    public var listLength = 20

    public init() {}

    public var perEvent: SimDuration { throughput.perEvent }
    public var workers: Int { throughput.workers }

    /// Defaults from a cost profile: per-event cost, replay cost, lookup latency.
    public init(profile: CostProfile) {
        throughput.perEvent = profile.perEvent
        replayCost = profile.replayCost
        serving.lookupLatency = profile.lookupLatency
    }

    public static func read(_ r: inout MappingReader, kappa: Bool = false, defaults: StreamingConfiguration = .init()) -> StreamingConfiguration {
        var c = defaults
        c.throughput.perEvent = r.optional("per_event", default: c.throughput.perEvent, .atLeast(.zero))
        c.throughput.workers = r.optional("workers", default: c.throughput.workers, in: 1...10_000)
        c.throughput.microBatch = r.optional("micro_batch", as: SimDuration.self, .positive)
        let lateness = FeaturePipeline.Lateness.read(&r)
        c.outOfOrderness = lateness.outOfOrderness
        c.allowedLateness = lateness.allowed
        c.rescore = r.optional("rescore", default: kappa ? false : c.rescore)
        c.checkpointInterval = r.optional("checkpoint_interval", default: c.checkpointInterval, .positive)
        c.stallRate = r.optional("stall_rate", default: c.stallRate)
        c.stallDuration = r.optional("stall_duration", default: c.stallDuration)
        c.replayOnModelChange = kappa
        c.replayCost = r.optional("replay_cost", default: c.replayCost, .positive)
        c.serving = ServingParameters.read(&r, defaults: c.serving)
        c.listLength = r.optional("list_length", default: c.listLength, in: 1...10_000)
        return c
    }
}
