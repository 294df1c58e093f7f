/// Count, mean, variance, min and max of a stream, in one pass and O(1)
/// memory, by Welford's update ("Note on a method for calculating corrected
/// sums of squares and products", 1962); `merge` is Chan, Golub & LeVeque's
/// pairwise combination, so shards can be summarised apart and joined.
///
///     var m = RunningMoments()
///     for x in samples { m.add(x) }
///     print(m.mean, m.sampleVariance)
public struct RunningMoments: Sendable, Equatable, Codable {
    @inlinable public var count: Int { n }
    @inlinable public var mean: Double { mu }
    /// Sum of squared deviations from the mean.
    @inlinable public var m2: Double { sumSquares }
    @inlinable public var min: Double { lowest }
    @inlinable public var max: Double { highest }

    // Stored under private names so `add` can be inlined into hot loops.
    @usableFromInline var n: Int = 0
    @usableFromInline var mu: Double = 0
    @usableFromInline var sumSquares: Double = 0
    @usableFromInline var lowest: Double = .infinity
    @usableFromInline var highest: Double = -.infinity

    public init() {}

    @inlinable public mutating func add(_ x: Double) {
        n += 1
        let delta = x - mu
        mu += delta / Double(n)
        sumSquares += delta * (x - mu)
        if x < lowest { lowest = x }
        if x > highest { highest = x }
    }

    public mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        guard n > 0 else { self = other; return }
        let total = Double(n + other.n)
        let delta = other.mu - mu
        mu += delta * Double(other.n) / total
        sumSquares += other.sumSquares + delta * delta * Double(n) * Double(other.n) / total
        n += other.n
        lowest = Swift.min(lowest, other.lowest)
        highest = Swift.max(highest, other.highest)
    }

    /// Variance with the n−1 (unbiased) divisor; 0 for fewer than two samples.
    public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    /// Variance with the n divisor.
    public var populationVariance: Double { count > 0 ? m2 / Double(count) : 0 }
    public var standardDeviation: Double { sampleVariance.squareRoot() }
    public var sum: Double { mean * Double(count) }
}
