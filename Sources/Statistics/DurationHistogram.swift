import Histogram

/// Percentiles of non-negative durations in microseconds, at three
/// significant digits in O(log range) memory, backed by HdrHistogram (Tene).
///
///     var h = DurationHistogram()
///     h.record(microseconds: 1_250)
///     let p99 = h.percentile(99)      // microseconds
public struct DurationHistogram: Sendable {
    @usableFromInline var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(highestTrackableValue: 1 << 20, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// Records one value; negative values are clamped to zero.
    @inlinable public mutating func record(microseconds: Int64) {
        _ = histogram.record(UInt64(Swift.max(0, microseconds)))
    }

    public mutating func merge(_ other: DurationHistogram) { histogram.add(other.histogram) }

    public var count: Int { Int(histogram.totalCount) }
    /// The value at percentile `p` (0...100), in microseconds; 0 when empty.
    public func percentile(_ p: Double) -> Int64 {
        count == 0 ? 0 : Int64(histogram.valueAtPercentile(p))
    }
    public var mean: Double { histogram.mean }
    public var max: Int64 { Int64(histogram.max) }
}
