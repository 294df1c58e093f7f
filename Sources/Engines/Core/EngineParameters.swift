import ScenarioSpec
import SimKernel

/// Retries with exponential backoff and full jitter (the AWS Architecture
/// Blog's "Exponential Backoff and Jitter", 2015): attempt k waits a uniform
/// time in [0, base·2^k], capped.
public struct RetryPolicy: Hashable, Sendable {
    public var retries = 3
    public var backoff = SimDuration.seconds(30)
    public var maxBackoff = SimDuration.minutes(30)

    public init() {}

    static func read(_ r: inout MappingReader) -> RetryPolicy {
        var p = RetryPolicy()
        p.retries = r.optional("retries", default: p.retries, in: 0...20)
        p.backoff = r.optional("backoff", default: p.backoff, .positive)
        p.maxBackoff = r.optional("max_backoff", default: p.maxBackoff, .positive)
        return p
    }

    /// The wait before retry number `attempt` (0-based), from a uniform draw `u` in [0, 1).
    public func delay(attempt: Int, uniform u: Double) -> SimDuration {
        let cap = min(Double(backoff.microseconds) * Double(1 << min(attempt, 30)), Double(maxBackoff.microseconds))
        return SimDuration(microseconds: Int64(u * cap))
    }
}

/// The parts of an engine's settings every kind shares: where its
/// predictions go when it falls back, and the fixed cost of a lookup.
public struct ServingParameters: Hashable, Sendable {
    /// Time to read a precomputed prediction at decision time.
    public var lookupLatency = SimDuration.milliseconds(2)

    public init() {}

    static func read(_ r: inout MappingReader, defaults: ServingParameters = .init()) -> ServingParameters {
        var p = defaults
        p.lookupLatency = r.optional("lookup_latency", default: p.lookupLatency)
        return p
    }
}
