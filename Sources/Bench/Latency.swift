import Foundation
import Histogram

/// Wall time of single operations, each timed on its own, in nanoseconds,
/// kept as an HdrHistogram (three significant digits).
///
///     var latency = LatencyRecorder()
///     for e in events { let t = LatencyRecorder.now(); process(e); latency.record(since: t) }
///     latency.summary("process")
///
/// Timing one operation costs two clock reads; the summary carries that cost
/// (`clockOverhead`) so a reader can tell a 40 ns operation from the clock.
struct LatencyRecorder {
    var histogram = Histogram<UInt64>(highestTrackableValue: 1 << 32, numberOfSignificantValueDigits: .three)

    init() { histogram.autoResize = true }

    /// The monotonic clock in nanoseconds.
    @inline(__always) static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    @inline(__always) mutating func record(since start: UInt64) {
        _ = histogram.record(Self.now() &- start)
    }

    func summary(_ operation: String) -> LatencySummary {
        LatencySummary(operation: operation, samples: Int(histogram.totalCount),
                       p50: Double(histogram.valueAtPercentile(50)), p90: Double(histogram.valueAtPercentile(90)),
                       p99: Double(histogram.valueAtPercentile(99)), p999: Double(histogram.valueAtPercentile(99.9)),
                       max: Double(histogram.max), clockOverhead: Self.clockOverhead())
    }

    /// Median of back-to-back clock reads: the floor under every sample.
    static func clockOverhead() -> Double {
        var samples: [UInt64] = []
        samples.reserveCapacity(10_001)
        for _ in 0...10_000 {
            let t = now()
            samples.append(now() &- t)
        }
        samples.sort()
        return Double(samples[samples.count / 2])
    }
}
