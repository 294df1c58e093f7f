import SimKernel
import Foundation

/// Repeated timing of one piece of work: a warm-up run, then `repetitions`
/// timed runs, reported as the median rate with its min–max.
///
///     let rate = Throughput.measure(repetitions: 5) { runOnce() }  // runOnce returns items done
///     print(rate.median)
public struct Throughput: Sendable, Codable, Equatable {
    /// Items per wall second, one per repetition, sorted ascending.
    public let rates: [Double]

    public init(rates: [Double]) { self.rates = rates.sorted() }

    public var median: Double {
        let n = rates.count
        return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2
    }
    public var min: Double { rates.first ?? 0 }
    public var max: Double { rates.last ?? 0 }

    /// Runs `work` once to warm caches and the allocator, then `repetitions`
    /// times under the clock. `work` returns how many items it processed.
    public static func measure(repetitions: Int, warmup: Bool = true, _ work: () -> Int) -> Throughput {
        if warmup { _ = work() }
        let clock = ContinuousClock()
        var rates: [Double] = []
        for _ in 0..<repetitions {
            var items = 0
            let elapsed = clock.measure { items = work() }
            rates.append(Double(items) / elapsed.seconds)
        }
        return Throughput(rates: rates)
    }
}


/// The process's peak resident set size so far, in bytes (getrusage's ru_maxrss).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
}
