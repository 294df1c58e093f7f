import Randomness

/// When each request of an open-loop run is due: a Poisson process at the
/// requested rate (MLPerf LoadGen's Server scenario), fixed in advance from
/// a named seed so a run can be repeated and its schedule tested without a
/// clock.
///
///     let schedule = PoissonSchedule(rate: 5_000, seconds: 30, seed: 42)
///     schedule.offsets        // nanoseconds after the start, increasing
///
/// Gaps are independent exponentials with mean 1/rate, so the count in any
/// interval of length t is Poisson(rate·t).
public struct PoissonSchedule: Sendable {
    public let rate: Double
    public let seconds: Double
    public let seed: UInt64
    /// Each request's due time, in nanoseconds after the run's start.
    public let offsets: [Int64]

    /// - Precondition: rate and seconds positive.
    public init(rate: Double, seconds: Double, seed: UInt64) {
        precondition(rate > 0 && seconds > 0, "a schedule needs a positive rate and duration")
        self.rate = rate
        self.seconds = seconds
        self.seed = seed
        var rng = RandomSource(seed: seed).source("load").stream("arrivals")
        let gap = Exponential(rate: rate)
        let end = seconds * 1e9
        var t = 0.0
        var out: [Int64] = []
        out.reserveCapacity(Int(rate * seconds * 1.05) + 16)
        while true {
            t += gap.sample(&rng) * 1e9
            if t >= end { break }
            out.append(Int64(t))
        }
        offsets = out
    }

    /// Splits the schedule among `parts` dispatchers, request i to part
    /// i mod parts: each part is due in the same order, and together they
    /// are the whole schedule.
    public func split(_ parts: Int) -> [[(index: Int, offset: Int64)]] {
        var out = Array(repeating: [(index: Int, offset: Int64)](), count: parts)
        for (i, t) in offsets.enumerated() { out[i % parts].append((i, t)) }
        return out
    }
}
