import ScenarioSpec
import SimKernel

/// Everything a scenario may set for a `kind: realtime` engine.
///
///     - name: rt
///       kind: realtime
///       servers: 4
///       service_time: 2ms              # fetch + request features + inference, mean
///       service_distribution: exponential
///       timeout: 150ms
///       fallback: batch                # or default
///       fallback_engine: nightly       # whose predictions to fall back to
///       autoscale: {target_utilization: 70%, scale_up_delay: 2m, min_servers: 2, max_servers: 16, interval: 1m}
///       crash_rate: 1/d                # per server
///       restart_time: 30s
///       feature_per_event: 20us        # the streaming features feeding the online store
///       out_of_orderness: 2s           # … their watermark
///       allowed_lateness: 5m           # or unbounded: a daily dump arrives a day late
///       latency_profile: live.yaml     # service times measured by `tempo load --save-profile` (replaces service_time)
public struct RealTimeConfiguration: Hashable, Sendable {
    public enum Fallback: Hashable, Sendable {
        case batch(String)
        case defaultAction
    }
    public struct Autoscale: Hashable, Sendable {
        public var targetUtilization = 0.7
        public var scaleUpDelay = SimDuration.minutes(2)
        public var minServers = 1
        public var maxServers = 64
        public var interval = SimDuration.minutes(1)
    }

    public var servers = 4
    public var service = ServiceTime(mean: .milliseconds(2))
    public var timeout: SimDuration? = .milliseconds(150)
    public var fallback = Fallback.defaultAction
    public var autoscale: Autoscale?
    public var crashRate = Rate(perSecond: 0)
    public var restartTime = SimDuration.seconds(30)
    /// Service times measured against the live server, in place of `service`.
    public var latencyProfile: LatencyProfile?
    var featureThroughput = FeaturePipeline.Throughput()
    var featureLateness = FeaturePipeline.Lateness()

    public init() {}

    /// Defaults from a cost profile: its service time and per-event feature cost.
    public init(profile: CostProfile) {
        service = ServiceTime(mean: profile.serviceTime)
        featureThroughput.perEvent = profile.perEvent
    }

    public static func read(_ r: inout MappingReader, batchEngines: [String], defaults: RealTimeConfiguration = .init()) -> RealTimeConfiguration {
        var c = readServing(&r, defaults: defaults)
        c.latencyProfile = LatencyProfile.read(&r)
        let fallback = r.optional("fallback", default: FallbackKind.default)
        let fallbackEngine = r.optional("fallback_engine", as: String.self)
        switch fallback {
        case .default: c.fallback = .defaultAction
        case .batch:
            guard let engine = fallbackEngine ?? (batchEngines.count == 1 ? batchEngines[0] : nil) else {
                r.diagnostics.error("fallback: batch needs 'fallback_engine' naming one of the batch engines (\(batchEngines.joined(separator: ", ")))", at: r.node)
                break
            }
            if !batchEngines.contains(engine) {
                r.diagnostics.error("fallback_engine '\(engine)' is not a batch engine of this scenario; expected one of: \(batchEngines.joined(separator: ", "))", at: r.node)
            }
            c.fallback = .batch(engine)
        }
        return c
    }

    /// Every key but the fallback's: the server pool, its faults and the
    /// feature stream — what the rerank engine's re-ranking stage reads too.
    static func readServing(_ r: inout MappingReader, defaults: RealTimeConfiguration) -> RealTimeConfiguration {
        var c = defaults
        c.servers = r.optional("servers", default: c.servers, in: 1...100_000)
        c.service = ServiceTime.read(&r, prefix: "service", default: c.service)
        c.timeout = r.optional("timeout", as: SimDuration.self, .positive) ?? c.timeout
        if var a = r.optionalMapping("autoscale") {
            var policy = Autoscale()
            policy.targetUtilization = a.optional("target_utilization", default: Percentage(fraction: policy.targetUtilization),
                                                  in: Percentage(fraction: 0.05)...Percentage(fraction: 1)).fraction
            policy.scaleUpDelay = a.optional("scale_up_delay", default: policy.scaleUpDelay)
            policy.minServers = a.optional("min_servers", default: policy.minServers, in: 1...100_000)
            policy.maxServers = a.optional("max_servers", default: max(policy.minServers, c.servers * 4), in: 1...100_000)
            policy.interval = a.optional("interval", default: policy.interval, .positive)
            a.finish()
            c.autoscale = policy
        }
        c.crashRate = r.optional("crash_rate", default: c.crashRate)
        c.restartTime = r.optional("restart_time", default: c.restartTime)
        c.featureThroughput.perEvent = r.optional("feature_per_event", default: c.featureThroughput.perEvent, .atLeast(.zero))
        c.featureLateness = FeaturePipeline.Lateness.read(&r)
        return c
    }

    enum FallbackKind: String, CaseIterable, ScenarioScalar {
        case batch
        case `default`
    }
}
