import Foundation

/// Whether a run's samples support "the p-th percentile latency is at most
/// the target", the way MLPerf LoadGen's early-stopping criterion decides
/// it: with n samples of which k exceeded the target, the claim holds at
/// confidence c when a server whose true tail beyond the target were as
/// large as 1 − p would show k or fewer slow samples with probability at
/// most 1 − c (the binomial tail bound):
///
///     P[Binomial(n, 1 − p) ≤ k] ≤ 1 − c
///
///     let claim = PercentileClaim(percentile: 99, confidence: 0.99, samples: 60_000, overTarget: 310)
///     claim.verdict        // .pass, .fail or .tooFewSamples
///     claim.minimumSamples // samples needed for k slow ones to pass
///
/// With no slow sample at all the bound needs n ≥ ln(1 − c) / ln(p): 459
/// samples for p99 at 99% confidence, 4,603 for p99.9.
public struct PercentileClaim: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable { case pass, fail, tooFewSamples = "too_few_samples" }

    public let percentile: Double
    public let confidence: Double
    public let samples: Int
    public let overTarget: Int
    /// The fewest samples with which `overTarget` slow ones would support the claim.
    public let minimumSamples: Int
    public let verdict: Verdict

    /// - Parameters:
    ///   - percentile: 0 < p < 100, e.g. 99.
    ///   - confidence: 0 < c < 1, e.g. 0.99.
    public init(percentile: Double, confidence: Double, samples: Int, overTarget: Int) {
        self.percentile = percentile
        self.confidence = confidence
        self.samples = samples
        self.overTarget = overTarget
        let tail = 1 - percentile / 100
        minimumSamples = Self.minimumSamples(tail: tail, confidence: confidence, overTarget: overTarget)
        if samples > 0 && Double(overTarget) > tail * Double(samples) {
            verdict = .fail          // the observed percentile is over the target
        } else if samples >= minimumSamples {
            verdict = .pass
        } else {
            verdict = .tooFewSamples
        }
    }

    /// log P[Binomial(n, q) ≤ k], summed in log space so n in the millions is fine.
    /// - Complexity: O(k)
    public static func logLowerTail(n: Int, q: Double, k: Int) -> Double {
        guard k < n else { return 0 }
        // log pmf(0) = n·log(1 − q); pmf(i + 1) = pmf(i) · (n − i)/(i + 1) · q/(1 − q).
        let odds = log(q) - log1p(-q)
        var t = Double(n) * log1p(-q)
        var best = -Double.infinity
        var terms: [Double] = []
        terms.reserveCapacity(k + 1)
        for i in 0...k {
            terms.append(t)
            best = max(best, t)
            t += log(Double(n - i) / Double(i + 1)) + odds
        }
        return best + log(terms.reduce(0) { $0 + exp($1 - best) })
    }

    /// The smallest n with P[Binomial(n, tail) ≤ k] ≤ 1 − confidence (binary search; the tail falls as n grows).
    public static func minimumSamples(tail: Double, confidence: Double, overTarget k: Int) -> Int {
        let bound = log(1 - confidence)
        var low = k + 1, high = max(k + 2, 64)
        while logLowerTail(n: high, q: tail, k: k) > bound { high *= 2 }
        while low < high {
            let mid = (low + high) / 2
            if logLowerTail(n: mid, q: tail, k: k) <= bound { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
