extension DurationHistogram {
    /// The recorded distribution as (upper bound µs, count) buckets about
    /// 1% wide (two significant digits), increasing and without empty
    /// buckets: compact enough to write to a file and sample from again.
    ///
    ///     for (upTo, count) in h.buckets() { … }
    ///
    /// - Complexity: O(distinct recorded values)
    public func buckets() -> [(upTo: Int64, count: Int)] {
        var out: [(upTo: Int64, count: Int)] = []
        for v in histogram.recordedValues() where v.count > 0 {
            let upper = Int64(histogram.highestEquivalentForValue(v.value))
            let bound = Self.roundUp(Swift.max(1, upper))
            if let last = out.last, last.upTo == bound { out[out.count - 1].count += Int(v.count) }
            else { out.append((bound, Int(v.count))) }
        }
        return out
    }

    /// `x` rounded up to two significant digits (1234 → 1300).
    static func roundUp(_ x: Int64) -> Int64 {
        var scale: Int64 = 1
        while x / scale >= 100 { scale *= 10 }
        return (x + scale - 1) / scale * scale
    }
}

extension DurationHistogram {
    /// Values recorded at or below `bound` µs (to the histogram's resolution).
    public func count(atMost bound: Int64) -> Int {
        guard bound >= 0 else { return 0 }
        return Int(histogram.count(within: 0...UInt64(bound)))
    }
}
