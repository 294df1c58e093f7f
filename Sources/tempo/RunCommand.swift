import ArgumentParser
import Engines
import Foundation
import Measures
import ScenarioSpec
import Simulation
import SimKernel
import Workloads

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario through its engines and report value, staleness, latency and cost.")

    @Argument(help: "A scenario file.") var file: String
    @Option(help: "Override the scenario's scale (0.001...1).") var scale: Double?
    @Option(help: "Override the scenario's seed.") var seed: UInt64?

    func run() throws {
        let plan: SimulationPlan
        do { plan = try SimulationPlan.load(path: file, scale: scale, seed: seed) } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        let s = plan.scenario
        let start = SimTime.zero + s.warmup, end = start + s.horizon
        var measures = plan.engines.map { _ in EngineMeasures(start: start, end: end) }
        let simulation = try ScenarioSimulation(plan, directory: "Reports/\(s.name)/run")
        let clock = ContinuousClock()
        let began = clock.now
        try simulation.run { decision, answers in
            for (i, answer) in answers.enumerated() {
                let v = plan.workload.value(of: answer.action, for: decision, answeredAt: answer.answeredAt)
                measures[i].add(decision, answer, value: v)
            }
        }
        let wall = clock.now - began
        let oracle = plan.engines.indices.first { plan.engines[$0].kind == .oracle }.map { measures[$0].value }
        print("\(s.file): \(s.summary), warm-up \(s.warmup); \(wall)")
        print("engine        kind        decisions   value          % oracle  on-time  stale mean   stale p99    lat p50   lat p99    AUC    fallbacks failures")
        for (i, e) in plan.engines.enumerated() {
            let m = measures[i]
            let c = simulation.engines[i].counters
            let pct = oracle.map { $0 != 0 ? String(format: "%6.1f%%", 100 * m.value / $0) : "   n/a" } ?? "   n/a"
            print(e.name.padding(toLength: 14, withPad: " ", startingAt: 0) + e.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: "%9d  %12.0f ±%-8.0f %@  %6.2f%%  %10.1fs %10.1fs %8.1fms %8.1fms  %5.3f  %8d %8d",
                           m.decisions, m.value, m.valueInterval.halfWidth, pct, 100 * Double(m.onTime) / Double(max(1, m.decisions)),
                           m.stalenessMoments.mean, Double(m.staleness.percentile(99)) / 1e6,
                           Double(m.latency.percentile(50)) / 1e3, Double(m.latency.percentile(99)) / 1e3,
                           m.quality.auc ?? .nan, m.fallbacks, c.failures))
        }
        if let models = simulation.models {
            print("models: \(models.full.version) (entity+request), \(models.entityOnly.version) (entity only), trained on \(models.trainingRows) rows, \(models.positives) positive")
        }
    }
}
