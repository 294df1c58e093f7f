import RealModule

/// A mean with the half-width of its two-sided confidence interval.
///
///     let ci = ConfidenceInterval(replications: [9.8, 10.1, 10.3])
///     print("\(ci.mean) ± \(ci.halfWidth)")
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    public let mean: Double
    /// Half-width at `level`; `.infinity` when there are too few samples to say.
    public let halfWidth: Double
    public let samples: Int
    public let level: Double

    public init(mean: Double, halfWidth: Double, samples: Int, level: Double) {
        self.mean = mean; self.halfWidth = halfWidth; self.samples = samples; self.level = level
    }

    /// Student-t interval over independent replications (one value each).
    public init(replications values: [Double], level: Double = 0.95) {
        var m = RunningMoments()
        for v in values { m.add(v) }
        self.init(moments: m, level: level)
    }

    /// Student-t interval from the moments of independent, roughly normal values.
    public init(moments m: RunningMoments, level: Double = 0.95) {
        let width: Double
        if m.count < 2 {
            width = .infinity
        } else {
            let t = StudentT(degreesOfFreedom: Double(m.count - 1)).quantile(0.5 + level / 2)
            width = t * (m.sampleVariance / Double(m.count)).squareRoot()
        }
        self.init(mean: m.count > 0 ? m.mean : .nan, halfWidth: width, samples: m.count, level: level)
    }

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }
    public func contains(_ x: Double) -> Bool { x >= lower && x <= upper }
}

/// The method of batch means for one long, autocorrelated run: consecutive
/// observations are grouped into batches whose means are close to independent
/// when batches are long, and a t-interval is taken over the batch means.
///
///     var bm = BatchMeans(batchSize: 10_000)
///     for w in waits { bm.add(w) }
///     let ci = bm.interval()
public struct BatchMeans: Sendable {
    public let batchSize: Int
    public private(set) var batchMeans = RunningMoments()
    var current = RunningMoments()

    public init(batchSize: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.batchSize = batchSize
    }

    /// Batch size giving about `batches` batches for `expectedCount` samples.
    public init(expectedCount: Int, batches: Int = 30) {
        self.init(batchSize: Swift.max(1, expectedCount / Swift.max(1, batches)))
    }

    public mutating func add(_ x: Double) {
        current.add(x)
        if current.count == batchSize {
            batchMeans.add(current.mean)
            current = RunningMoments()
        }
    }

    /// The interval over complete batches (a trailing partial batch is left
    /// out, so every batch mean has the same variance).
    public func interval(level: Double = 0.95) -> ConfidenceInterval {
        ConfidenceInterval(moments: batchMeans, level: level)
    }
}

/// Student's t distribution: CDF through the regularised incomplete beta
/// function, quantile by bisection on the CDF.
public struct StudentT: Sendable {
    public let nu: Double
    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "degrees of freedom must be positive")
        nu = degreesOfFreedom
    }

    public func cdf(_ t: Double) -> Double {
        let x = nu / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: x)
        return t >= 0 ? 1 - tail : tail
    }

    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "quantile needs 0 < p < 1")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p) }
        var lo = 0.0, hi = 1.0
        while cdf(hi) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if cdf(mid) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 * hi { break }
        }
        return (lo + hi) / 2
    }
}

/// I_x(a, b) by the continued fraction of Numerical Recipes §6.4 (modified
/// Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges faster.
func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = Double.logGamma(a + b) - Double.logGamma(a) - Double.logGamma(b)
        + a * Double.log(x) + b * Double.log(onePlus: -x)
    if x > (a + 1) / (a + b + 2) {
        return 1 - regularizedIncompleteBeta(a: b, b: a, x: 1 - x)
    }
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var f = d
    for m in 1...300 {
        let md = Double(m)
        let even = md * (b - md) * x / ((a + 2 * md - 1) * (a + 2 * md))
        d = 1 + even * d; if abs(d) < tiny { d = tiny }
        c = 1 + even / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        f *= d * c
        let odd = -(a + md) * (a + b + md) * x / ((a + 2 * md) * (a + 2 * md + 1))
        d = 1 + odd * d; if abs(d) < tiny { d = tiny }
        c = 1 + odd / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let step = d * c
        f *= step
        if abs(step - 1) < 1e-15 { break }
    }
    return Double.exp(logFront) * f / a
}
