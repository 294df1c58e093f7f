import Randomness
import RealModule
import ScenarioSpec
import SimKernel

/// How long one unit of work takes, from the cost model: a mean and a shape.
///
///     service_time: 2ms
///     service_distribution: exponential    # fixed, exponential (M/M/c), lognormal
///     service_sigma: 0.5                   # lognormal only
public struct ServiceTime: Hashable, Sendable {
    public enum Shape: String, Hashable, Sendable, CaseIterable, ScenarioScalar { case fixed, exponential, lognormal }
    public var mean: SimDuration
    public var shape: Shape
    public var sigma: Double

    public init(mean: SimDuration, shape: Shape = .exponential, sigma: Double = 0.5) {
        self.mean = mean; self.shape = shape; self.sigma = sigma
    }

    public func sample(_ rng: inout RandomStream) -> SimDuration {
        switch shape {
        case .fixed: return mean
        case .exponential: return SimDuration(seconds: Exponential(rate: 1 / mean.seconds).sample(&rng))
        case .lognormal: return SimDuration(seconds: LogNormal(mean: mean.seconds, cv: (Double.exp(sigma * sigma) - 1).squareRoot()).sample(&rng))
        }
    }

    static func read(_ r: inout MappingReader, prefix: String, default fallback: ServiceTime) -> ServiceTime {
        var s = fallback
        s.mean = r.optional("\(prefix)_time", default: s.mean, .positive)
        s.shape = r.optional("\(prefix)_distribution", default: s.shape)
        s.sigma = r.optional("\(prefix)_sigma", default: s.sigma, in: 0...3)
        return s
    }
}
