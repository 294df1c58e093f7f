import Foundation
import Lab
import ScenarioSpec
import Simulation
import SimKernel

/// `tempo bench scenario fraud`: the shipped fraud scenario
/// (`Scenarios/fraud.yaml`, every engine in it) at full scale, one
/// replication: wall seconds and peak resident memory, against the design's
/// goal of under a minute and under 2 GiB on two cores.
///
///     let result = try ScenarioBenchmark(path: "Scenarios/fraud.yaml", scale: 1).run()
///     print(result.wallSeconds, result.peakResidentBytes)
///
/// The run is what `tempo run Scenarios/fraud.yaml --scale 1 --format json`
/// does (the same engine groups spread over the same cores), less the
/// results database and the charts: its scenario's warm-up day is simulated
/// too, so the wall time covers warm-up + horizon. One replication, no
/// warm-up run: a second would double a long suite and the figure is already
/// minutes-coarse.
public struct ScenarioBenchmark: Sendable {
    public static let goalSeconds = 60.0
    public static let goalBytes = 2 << 30

    public var path: String
    public var scale: Double

    public init(path: String, scale: Double = 1) {
        self.path = path
        self.scale = scale
    }

    public struct Result: Sendable, Codable, Equatable {
        public let scenario: String
        public let scale: Double
        public let engines: [String]
        /// Virtual time simulated: warm-up + horizon, in seconds.
        public let simulatedSeconds: Double
        public let simulatedEvents: Int
        public let decisions: Int
        public let wallSeconds: Double
        public let eventsPerSecond: Throughput
        public let peakResidentBytes: Int
        public var meetsTimeGoal: Bool { wallSeconds < ScenarioBenchmark.goalSeconds }
        public var meetsMemoryGoal: Bool { peakResidentBytes < ScenarioBenchmark.goalBytes }

        enum CodingKeys: String, CodingKey {
            case scenario, scale, engines, decisions
            case simulatedSeconds = "simulated_seconds"
            case simulatedEvents = "simulated_events"
            case wallSeconds = "wall_seconds"
            case eventsPerSecond = "events_per_second"
            case peakResidentBytes = "peak_resident_bytes"
        }
    }

    public func plan() throws -> SimulationPlan {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BenchError("\(path): no such scenario file; run from the repository root or pass --scenario-file")
        }
        return try SimulationPlan.load(path: path, scale: scale)
    }

    public func run(_ sampler: Sampler = Sampler(repetitions: 1, warmup: false, counter: nil)) throws -> Result {
        let plan = try plan()
        let events = EnginesBenchmark.simulatedEvents(plan)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-bench-\(plan.scenario.name)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var options = LabRun.Options()
        options.scale = scale
        options.outputDirectory = out
        options.formats = [.json]
        options.resultsDatabase = nil
        options.gnuplot = nil
        var decisions = 0
        let single = sampler.with(repetitions: 1, warmup: false)
        PeakMemory.reset()
        let rate = try single.measure {
            let outcome = try LabRun(options).run(path: path)
            decisions = outcome.results.engines.reduce(0) { $0 + $1.decisions }
            return events
        }
        return Result(scenario: plan.scenario.name, scale: scale, engines: plan.engines.map { "\($0.name) (\($0.kind.rawValue))" },
                      simulatedSeconds: (plan.scenario.warmup + plan.scenario.horizon).seconds, simulatedEvents: events,
                      decisions: decisions, wallSeconds: Double(events) / rate.median, eventsPerSecond: rate,
                      peakResidentBytes: PeakMemory.read())
    }
}

extension ScenarioBenchmark: BenchSuite {
    public var name: String { "scenario" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = try run(sampler)
        let days = r.simulatedSeconds / 86_400
        return SuiteReport(suite: name, figures: [
            Figure("scenario/\(r.scenario)", unit: "simulated events/s", r.eventsPerSecond),
        ], lines: [
            "scenario — \(path) at scale \(format(scale)), all \(r.engines.count) engines, one replication (\(format(days)) simulated days incl. warm-up)",
            "  engines: \(r.engines.joined(separator: ", "))",
            rateLine("simulated events/s", r.eventsPerSecond),
            String(format: "  %d simulated events, %d decisions: %.1f s wall (goal < %.0f s: %@), peak RSS %@ (goal < 2 GiB: %@)",
                   r.simulatedEvents, r.decisions, r.wallSeconds, ScenarioBenchmark.goalSeconds, r.meetsTimeGoal ? "met" : "NOT met",
                   mebibytes(r.peakResidentBytes), r.meetsMemoryGoal ? "met" : "NOT met"),
        ], details: r)
    }
}
