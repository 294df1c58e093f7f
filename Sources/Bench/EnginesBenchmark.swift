import Foundation
import ScenarioSpec
import Simulation
import SimKernel
import Workloads

/// `tempo bench engines`: each engine kind alone on the fraud workload, as
/// simulated kernel events per wall second of a whole run (warm-up day,
/// model fit, measured day), beside the kernel's bare M/M/c model measured
/// in the same suite. The real-time engine is the M/M/c queue with real
/// features, a real model and real stores around it; its rate over the
/// bare M/M/c rate says what those cost (goal: within 3×).
///
///     let result = try EnginesBenchmark(scale: 0.1).run(Sampler(repetitions: 3, counter: nil))
///     result.realTimeSlowdown   // bare M/M/c events/s over real-time events/s
///
/// Simulated events are what the run loop pops from the kernel for the
/// workload: one pull per item (event or decision point) and one arrival per
/// event, counted once from the generator before the clock starts. Engine
/// timers (a nightly job's start, say: a handful a day) are left out.
public struct EnginesBenchmark: Sendable {
    /// The engine kinds the simulation implements, in the order they run.
    public static let kinds: [EngineKind] = [.batch, .streaming, .realtime, .lambda, .kappa, .oracle, .baseline]
    public static let goalRealTimeSlowdown = 3.0

    public var scale: Double
    public var kinds: [EngineKind]
    /// Customers of the bare M/M/c reference run.
    public var mmcCustomers: Int
    public var seed: UInt64

    public init(scale: Double = 0.1, kinds: [EngineKind] = EnginesBenchmark.kinds, mmcCustomers: Int = 1_000_000, seed: UInt64 = 1) {
        self.scale = scale
        self.kinds = kinds
        self.mmcCustomers = mmcCustomers
        self.seed = seed
    }

    public struct EngineRate: Sendable, Codable, Equatable {
        public let kind: String
        public let eventsPerSecond: Throughput
        /// Wall seconds of one whole run (median).
        public let secondsPerRun: Double
        public let decisions: Int

        enum CodingKeys: String, CodingKey {
            case kind, decisions
            case eventsPerSecond = "events_per_second"
            case secondsPerRun = "seconds_per_run"
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public let scale: Double
        /// Simulated kernel events in one run (pulls and arrivals), the same for every engine.
        public let simulatedEvents: Int
        public let engines: [EngineRate]
        /// The kernel's bare M/M/c model, events per second, measured in this suite.
        public let mmcEventsPerSecond: Throughput
        /// Engine kinds this suite does not run: they need a workload the fraud scenario is not (rerank ranks a catalogue).
        public let notMeasured: [String]

        /// Bare M/M/c rate over the real-time engine's rate (medians): the goal is ≤ 3.
        public var realTimeSlowdown: Double? {
            engines.first { $0.kind == EngineKind.realtime.rawValue }.map { mmcEventsPerSecond.median / $0.eventsPerSecond.median }
        }

        enum CodingKeys: String, CodingKey {
            case scale, engines
            case simulatedEvents = "simulated_events"
            case mmcEventsPerSecond = "mmc_events_per_second"
            case notMeasured = "not_measured"
            case realTimeSlowdown = "realtime_slowdown_vs_mmc"
            case goal = "goal_realtime_slowdown"
        }

        public init(scale: Double, simulatedEvents: Int, engines: [EngineRate], mmcEventsPerSecond: Throughput, notMeasured: [String]) {
            self.scale = scale; self.simulatedEvents = simulatedEvents; self.engines = engines
            self.mmcEventsPerSecond = mmcEventsPerSecond; self.notMeasured = notMeasured
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(scale: try c.decode(Double.self, forKey: .scale), simulatedEvents: try c.decode(Int.self, forKey: .simulatedEvents),
                      engines: try c.decode([EngineRate].self, forKey: .engines),
                      mmcEventsPerSecond: try c.decode(Throughput.self, forKey: .mmcEventsPerSecond),
                      notMeasured: try c.decode([String].self, forKey: .notMeasured))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(scale, forKey: .scale)
            try c.encode(simulatedEvents, forKey: .simulatedEvents)
            try c.encode(engines, forKey: .engines)
            try c.encode(mmcEventsPerSecond, forKey: .mmcEventsPerSecond)
            try c.encode(notMeasured, forKey: .notMeasured)
            try c.encode(realTimeSlowdown, forKey: .realTimeSlowdown)
            try c.encode(EnginesBenchmark.goalRealTimeSlowdown, forKey: .goal)
        }
    }

    /// The scenario for one engine alone: the shipped fraud scenario's
    /// workload defaults and that engine's settings from Scenarios/fraud.yaml
    /// (the real-time engine falls back to the default action, as there is no
    /// batch engine beside it).
    public static func scenario(kind: EngineKind, scale: Double, seed: UInt64) -> String {
        let settings: String
        switch kind {
        case .batch, .lambda: settings = #"schedule: "0 2 * * *", per_record: 200us, workers: 4"#
        case .streaming: settings = "per_event: 20us, rescore: true"
        case .kappa: settings = "per_event: 20us"
        case .realtime: settings = "servers: 4, service_time: 2ms, timeout: 150ms"
        case .oracle, .baseline, .rerank: settings = ""
        }
        return """
            name: bench-engine-\(kind.rawValue)
            seed: \(seed)
            horizon: 1d
            warmup: 1d
            scale: \(scale)
            workload:
              kind: fraud
            engines:
              - {name: \(kind.rawValue), kind: \(kind.rawValue)\(settings.isEmpty ? "" : ", " + settings)}
            """
    }

    /// Simulated kernel events of a run of `plan`: one pull per workload item, one arrival per event.
    static func simulatedEvents(_ plan: SimulationPlan) -> Int {
        var generator = plan.workload.makeGenerator(horizon: plan.scenario.warmup + plan.scenario.horizon)
        var count = 0
        while let item = generator.next() {
            if case .event = item { count += 2 } else { count += 1 }
        }
        return count
    }

    /// Runs one scenario in a fresh directory; returns the decisions recorded.
    static func simulate(_ plan: SimulationPlan) throws -> Int {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tempo-bench-\(plan.scenario.name)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var decisions = 0
        try ScenarioSimulation(plan, directory: directory).run { _, _ in decisions += 1 }
        return decisions
    }

    /// Each engine's run is seconds long and does not warm up like a loop does:
    /// no warm-up run, and at most three timed runs per kind.
    public func run(_ sampler: Sampler) throws -> Result {
        let sampler = sampler.with(repetitions: min(sampler.repetitions, 3), warmup: false)
        var rates: [EngineRate] = []
        var simulated = 0
        for kind in kinds {
            let plan = try SimulationPlan.make(try Scenario.parse(yaml: Self.scenario(kind: kind, scale: scale, seed: seed),
                                                                 file: "bench-engine-\(kind.rawValue).yaml"))
            if simulated == 0 { simulated = Self.simulatedEvents(plan) }
            var decisions = 0
            let rate = try sampler.measure {
                decisions = try Self.simulate(plan)
                return simulated
            }
            rates.append(EngineRate(kind: kind.rawValue, eventsPerSecond: rate, secondsPerRun: Double(simulated) / rate.median,
                                    decisions: decisions))
        }
        let kernel = KernelBenchmark(customers: mmcCustomers)
        let mmc = sampler.measure { kernel.mmcEvents() }
        let missing = EngineKind.allCases.filter { !Self.kinds.contains($0) }.map(\.rawValue)
        return Result(scale: scale, simulatedEvents: simulated, engines: rates, mmcEventsPerSecond: mmc, notMeasured: missing)
    }
}

extension EnginesBenchmark: BenchSuite {
    public var name: String { "engines" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = try run(sampler)
        var lines = ["engines — each kind alone on a scale-\(format(scale)) fraud scenario (1d warm-up + 1d measured, \(r.simulatedEvents) simulated events), whole runs"]
        var figures: [Figure] = []
        for e in r.engines {
            lines.append(rateLine("\(e.kind) simulated events/s", e.eventsPerSecond) + String(format: "  %.2f s/run", e.secondsPerRun))
            figures.append(Figure("engines/\(e.kind)", unit: "simulated events/s", e.eventsPerSecond))
        }
        lines.append(rateLine("kernel's bare M/M/c events/s (\(mmcCustomers) customers)", r.mmcEventsPerSecond))
        figures.append(Figure("engines/bare_mmc", unit: "events/s", r.mmcEventsPerSecond))
        if let slowdown = r.realTimeSlowdown {
            lines.append(String(format: "  bare M/M/c / real-time %.1f× (goal ≤ %.0f×): %@", slowdown, EnginesBenchmark.goalRealTimeSlowdown,
                                slowdown <= EnginesBenchmark.goalRealTimeSlowdown ? "met" : "NOT met"))
        }
        if let floor = r.engines.first(where: { $0.kind == EngineKind.baseline.rawValue }),
           let realtime = r.engines.first(where: { $0.kind == EngineKind.realtime.rawValue }) {
            // The baseline engine does nothing: its run is the driver alone (workload, kernel, offline store, model fit).
            lines.append(String(format: "  the run loop alone (baseline engine) %.0f events/s: real-time over it %.2f×, bare M/M/c over it %.1f×",
                                floor.eventsPerSecond.median, floor.eventsPerSecond.median / realtime.eventsPerSecond.median,
                                r.mmcEventsPerSecond.median / floor.eventsPerSecond.median))
        }
        if !r.notMeasured.isEmpty {
            lines.append("  not measured here (they rank a catalogue, which the fraud workload has not): \(r.notMeasured.joined(separator: ", "))")
        }
        return SuiteReport(suite: name, figures: figures, lines: lines, details: r)
    }
}
