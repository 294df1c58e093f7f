import RealModule

/// A probability distribution that can be sampled from a `RandomStream`, with
/// its exact mean and variance (which the tests hold sample moments against).
///
///     var rng = RandomSource(seed: 1).stream("service")
///     let service = Exponential(rate: 2)
///     let x = service.sample(&rng)
public protocol Distribution: Sendable {
    associatedtype Value
    func sample(_ rng: inout RandomStream) -> Value
    var mean: Double { get }
    var variance: Double { get }
}

/// Uniform on [lower, upper).
public struct Uniform: Distribution {
    public let lower, upper: Double
    public init(_ lower: Double, _ upper: Double) {
        precondition(upper > lower, "uniform needs lower < upper")
        self.lower = lower; self.upper = upper
    }
    @inlinable public func sample(_ rng: inout RandomStream) -> Double { lower + (upper - lower) * rng.nextUniform() }
    public var mean: Double { (lower + upper) / 2 }
    public var variance: Double { (upper - lower) * (upper - lower) / 12 }
}

/// Exponential with the given rate (mean 1/rate), by the ziggurat method.
public struct Exponential: Distribution {
    public let rate: Double
    public init(rate: Double) {
        precondition(rate > 0, "exponential rate must be positive")
        self.rate = rate
    }
    @inlinable public func sample(_ rng: inout RandomStream) -> Double { ExponentialZiggurat.sample(&rng) / rate }
    public var mean: Double { 1 / rate }
    public var variance: Double { 1 / (rate * rate) }
}

/// Normal by the ziggurat method (see `NormalZiggurat`).
public struct Normal: Distribution {
    public let mu, sigma: Double
    public init(mean: Double, standardDeviation: Double) {
        precondition(standardDeviation >= 0, "standard deviation must be non-negative")
        mu = mean; sigma = standardDeviation
    }
    @inlinable public func sample(_ rng: inout RandomStream) -> Double {
        mu + sigma * Normal.standard(&rng)
    }
    @inlinable public static func standard(_ rng: inout RandomStream) -> Double {
        NormalZiggurat.sample(&rng)
    }
    public var mean: Double { mu }
    public var variance: Double { sigma * sigma }
}

/// exp(N(mu, sigma²)): `mu` and `sigma` are the parameters of the log.
public struct LogNormal: Distribution {
    public let mu, sigma: Double
    public init(mu: Double, sigma: Double) {
        precondition(sigma >= 0, "sigma must be non-negative")
        self.mu = mu; self.sigma = sigma
    }
    /// The lognormal whose own mean and coefficient of variation are given.
    public init(mean: Double, cv: Double) {
        precondition(mean > 0 && cv >= 0, "lognormal needs a positive mean and a non-negative cv")
        let s2 = Double.log(1 + cv * cv)
        self.init(mu: Double.log(mean) - s2 / 2, sigma: s2.squareRoot())
    }
    @inlinable public func sample(_ rng: inout RandomStream) -> Double { Double.exp(mu + sigma * Normal.standard(&rng)) }
    public var mean: Double { Double.exp(mu + sigma * sigma / 2) }
    public var variance: Double { (Double.exp(sigma * sigma) - 1) * Double.exp(2 * mu + sigma * sigma) }
}

/// Gamma(shape k, scale θ) by Marsaglia & Tsang, "A simple method for
/// generating gamma variables" (2000); shape < 1 via Gamma(k+1)·U^(1/k).
public struct Gamma: Distribution {
    public let shape, scale: Double
    public init(shape: Double, scale: Double) {
        precondition(shape > 0 && scale > 0, "gamma needs positive shape and scale")
        self.shape = shape; self.scale = scale
    }
    public func sample(_ rng: inout RandomStream) -> Double {
        if shape < 1 {
            let boosted = Gamma(shape: shape + 1, scale: scale).sample(&rng)
            return boosted * Double.pow(rng.nextOpenUniform(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = Normal.standard(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextOpenUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if Double.log(u) < 0.5 * x * x + d * (1 - v + Double.log(v)) { return d * v * scale }
        }
    }
    public var mean: Double { shape * scale }
    public var variance: Double { shape * scale * scale }
}

/// A coin with success probability p.
public struct Bernoulli: Distribution {
    public let p: Double
    public init(p: Double) {
        precondition((0...1).contains(p), "probability must be in 0...1")
        self.p = p
    }
    @inlinable public func sample(_ rng: inout RandomStream) -> Bool { rng.nextUniform() < p }
    public var mean: Double { p }
    public var variance: Double { p * (1 - p) }
}

/// Poisson counts: Knuth's product of uniforms for small means, and the PTRS
/// transformed rejection of Hörmann, "The transformed rejection method for
/// generating Poisson random variables" (1993) for mean ≥ 10.
public struct Poisson: Distribution {
    public let lambda: Double
    public init(mean: Double) {
        precondition(mean >= 0, "Poisson mean must be non-negative")
        lambda = mean
    }
    public func sample(_ rng: inout RandomStream) -> Int {
        if lambda == 0 { return 0 }
        if lambda < 10 {
            let limit = Double.exp(-lambda)
            var k = 0
            var product = rng.nextOpenUniform()
            while product > limit {
                k += 1
                product *= rng.nextOpenUniform()
            }
            return k
        }
        let slam = lambda.squareRoot()
        let loglam = Double.log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = rng.nextUniform() - 0.5
            let v = rng.nextOpenUniform()
            let us = 0.5 - abs(u)
            let k = (2 * a / us + b) * u + lambda + 0.43
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let kf = k.rounded(.down)
            if Double.log(v) + Double.log(invAlpha) - Double.log(a / (us * us) + b)
                <= -lambda + kf * loglam - Double.logGamma(kf + 1) {
                return Int(kf)
            }
        }
    }
    public var mean: Double { lambda }
    public var variance: Double { lambda }
}

/// Zipf on ranks 1...n with exponent s (P(k) ∝ k^-s), by rejection-inversion:
/// Hörmann & Derflinger, "Rejection-inversion to generate variates from
/// monotone discrete distributions" (1996). O(1) memory for any n.
public struct Zipf: Distribution {
    public let n: Int
    public let s: Double
    let hIntegralX1, hIntegralN, threshold: Double

    public init(n: Int, exponent s: Double) {
        precondition(n >= 1 && s > 0, "Zipf needs n ≥ 1 and a positive exponent")
        self.n = n; self.s = s
        hIntegralX1 = Zipf.hIntegral(1.5, s) - 1
        hIntegralN = Zipf.hIntegral(Double(n) + 0.5, s)
        threshold = 2 - Zipf.hIntegralInverse(Zipf.hIntegral(2.5, s) - Zipf.h(2, s), s)
    }

    /// A rank in 1...n.
    public func sample(_ rng: inout RandomStream) -> Int {
        while true {
            let u = hIntegralN + rng.nextUniform() * (hIntegralX1 - hIntegralN)
            let x = Zipf.hIntegralInverse(u, s)
            var k = Int((x + 0.5).rounded(.down))
            if k < 1 { k = 1 } else if k > n { k = n }
            let kd = Double(k)
            if kd - x <= threshold || u >= Zipf.hIntegral(kd + 0.5, s) - Zipf.h(kd, s) { return k }
        }
    }

    static func h(_ x: Double, _ s: Double) -> Double { Double.exp(-s * Double.log(x)) }
    static func hIntegral(_ x: Double, _ s: Double) -> Double {
        let logX = Double.log(x)
        return helper2((1 - s) * logX) * logX
    }
    static func hIntegralInverse(_ x: Double, _ s: Double) -> Double {
        var t = x * (1 - s)
        if t < -1 { t = -1 }
        return Double.exp(helper1(t) * x)
    }
    /// log(1+x)/x, continuous at 0.
    static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? Double.log(onePlus: x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x))
    }
    /// (exp(x)-1)/x, continuous at 0.
    static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? Double.expMinusOne(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x))
    }

    var normaliser: Double { (1...n).reduce(0) { $0 + Double.pow(Double($1), -s) } }
    /// Exact moments by summation: O(n), meant for tests and reports.
    public var mean: Double { (1...n).reduce(0) { $0 + Double.pow(Double($1), 1 - s) } / normaliser }
    public var variance: Double {
        let m2 = (1...n).reduce(0) { $0 + Double.pow(Double($1), 2 - s) } / normaliser
        return m2 - mean * mean
    }
}

/// A discrete distribution over indices 0..<weights.count, sampled in O(1) by
/// Vose's alias method ("A linear algorithm for generating random numbers with
/// a given distribution", 1991).
public struct Empirical: Distribution {
    public let probabilities: [Double]
    let alias: [Int]
    let cutoff: [Double]

    public init(weights: [Double]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights must not all be zero")
        let n = weights.count
        probabilities = weights.map { $0 / total }
        var scaled = probabilities.map { $0 * Double(n) }
        var alias = Array(repeating: 0, count: n)
        var cutoff = Array(repeating: 1.0, count: n)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            cutoff[s] = scaled[s]
            alias[s] = l
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        self.alias = alias
        self.cutoff = cutoff
    }

    public func sample(_ rng: inout RandomStream) -> Int {
        let x = rng.nextUniform() * Double(cutoff.count)
        let i = Int(x)
        return x - Double(i) < cutoff[i] ? i : alias[i]
    }
    public var mean: Double { probabilities.indices.reduce(0) { $0 + Double($1) * probabilities[$1] } }
    public var variance: Double {
        let m = mean
        return probabilities.indices.reduce(0) { $0 + (Double($1) - m) * (Double($1) - m) * probabilities[$1] }
    }
}

/// A continuous distribution given by its CDF at points (x, F(x)), linear in
/// between: the usual way to replay a measured latency or delay profile.
public struct PiecewiseLinear: Distribution {
    public let xs: [Double]
    public let cdf: [Double]

    /// `points` must have increasing x and non-decreasing F from 0 to 1.
    public init(points: [(x: Double, cdf: Double)]) {
        precondition(points.count >= 2, "a piecewise CDF needs at least two points")
        precondition(points.first!.cdf == 0 && points.last!.cdf == 1, "CDF must run from 0 to 1")
        for i in 1..<points.count {
            precondition(points[i].x > points[i - 1].x && points[i].cdf >= points[i - 1].cdf,
                         "x must increase and the CDF must not decrease")
        }
        xs = points.map(\.x)
        cdf = points.map(\.cdf)
    }

    public func sample(_ rng: inout RandomStream) -> Double {
        let u = rng.nextUniform()
        var lo = 0, hi = cdf.count - 1  // find the segment with cdf[lo] <= u < cdf[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cdf[mid] <= u { lo = mid } else { hi = mid }
        }
        let span = cdf[hi] - cdf[lo]
        return span == 0 ? xs[lo] : xs[lo] + (u - cdf[lo]) / span * (xs[hi] - xs[lo])
    }
    /// Each segment is uniform on [x₀, x₁] with mass ΔF.
    public var mean: Double {
        var total = 0.0
        for i in 1..<xs.count {
            let mass: Double = cdf[i] - cdf[i - 1]
            total += mass * (xs[i] + xs[i - 1]) / 2
        }
        return total
    }
    public var variance: Double {
        let m2 = (1..<xs.count).reduce(0.0) { acc, i in
            let a = xs[i - 1], b = xs[i]
            return acc + (cdf[i] - cdf[i - 1]) * (a * a + a * b + b * b) / 3
        }
        return m2 - mean * mean
    }
}
