import Randomness
import ScenarioSpec
import SimKernel
import Workloads

/// `tempo bench workloads`: generating one full-scale fraud day (about 10M
/// authorizations, each a decision point with its truth and a domain event),
/// streamed and consumed item by item, never held in memory.
public struct WorkloadsBenchmark: Sendable {
    public var scale: Double
    public var repetitions: Int

    public init(scale: Double = 1, repetitions: Int = 3) {
        self.scale = scale
        self.repetitions = repetitions
    }

    public struct Result: Sendable, Codable, Equatable {
        public let authorizations: Int
        /// Authorizations (decision + event pairs) generated per wall second.
        public let authorizationsPerSecond: Throughput
        /// Wall seconds for the whole day, median of the repetitions.
        public let secondsPerDay: Double
        public let peakResidentBytes: Int

        enum CodingKeys: String, CodingKey {
            case authorizations
            case authorizationsPerSecond = "authorizations_per_second"
            case secondsPerDay = "seconds_per_day"
            case peakResidentBytes = "peak_resident_bytes"
        }
    }

    public func run() -> Result { run(Sampler(repetitions: repetitions, counter: nil)) }

    public func run(_ sampler: Sampler) -> Result {
        let workload = FraudWorkload(FraudParameters(), scale: scale, seed: 1)
        var authorizations = 0
        let rate = sampler.measure {
            var generator = workload.makeGenerator(horizon: .days(1))
            var decisions = 0
            var amount = 0.0
            while let item = generator.next() {
                if case .decision(let d) = item {
                    decisions += 1
                    amount += d.request.amount  // consume the payload so nothing is optimised away
                }
            }
            authorizations = decisions + (amount < 0 ? 1 : 0)
            return decisions
        }
        return Result(authorizations: authorizations, authorizationsPerSecond: rate,
                      secondsPerDay: Double(authorizations) / rate.median, peakResidentBytes: PeakMemory.read())
    }
}

extension WorkloadsBenchmark: BenchSuite {
    public var name: String { "workloads" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = run(sampler)
        return SuiteReport(suite: name, figures: [
            Figure("workloads/fraud_authorizations", unit: "authorizations/s", r.authorizationsPerSecond),
        ], lines: [
            "workloads — one scale-\(format(scale)) fraud day generated and consumed item by item",
            rateLine("authorizations/s", r.authorizationsPerSecond),
            String(format: "  %d authorizations in %.2f s (goal at scale 1: ≤ 3 s)", r.authorizations, r.secondsPerDay),
        ], details: r)
    }
}
