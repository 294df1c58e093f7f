import Foundation
import Testing
import Engines
import Measures
import ScenarioSpec
import SimKernel
import Workloads
@testable import Simulation

/// One engine of every kind, with cadences short enough for a short run:
/// what each workload is driven through below. `lateness` lets the stream
/// processors keep a source that lands as a daily dump (churn's tickets).
func everyEngineKind(cadence: String = "2h", lateness: String = "5m") -> String {
    """
      - {name: batch, kind: batch, cadence: \(cadence), startup: 1m, per_record: 10us}
      - {name: streaming, kind: streaming, rescore: true, allowed_lateness: \(lateness)}
      - {name: realtime, kind: realtime, servers: 4, service_time: 2ms, timeout: 1h, allowed_lateness: \(lateness), fallback: batch, fallback_engine: batch}
      - {name: lambda, kind: lambda, cadence: \(cadence), startup: 1m, per_record: 10us}
      - {name: kappa, kind: kappa, allowed_lateness: \(lateness)}
      - {name: rerank, kind: rerank, cadence: \(cadence), startup: 1m, per_record: 10us, candidates: 30, servers: 4, service_time: 1ms, timeout: 1h, allowed_lateness: \(lateness)}
      - {name: oracle, kind: oracle}
      - {name: baseline, kind: baseline}
    """
}

/// A small scenario of `workload` (its extra keys indented under it).
func scenario(_ workload: String, seed: UInt64 = 7, scale: Double, warmup: String, horizon: String,
              parameters: String = "", engines: String) -> String {
    """
    name: \(workload)-engines
    seed: \(seed)
    horizon: \(horizon)
    warmup: \(warmup)
    scale: \(scale)
    workload:
      kind: \(workload)
      diurnal: flat
    \(parameters.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    engines:
    \(engines)
    """
}

/// Runs a scenario text and returns every engine's value at each decision,
/// in engine order, with the decisions' times.
func decisionValues(_ yaml: String, _ tag: String = #function) throws
    -> (values: [[Double]], times: [SimTime], simulation: ScenarioSimulation) {
    let plan = try SimulationPlan.make(try Scenario.parse(yaml: yaml, file: "\(tag).yaml"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-sim-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let simulation = try ScenarioSimulation(plan, directory: dir)
    var values = plan.engines.map { _ in [Double]() }
    var times: [SimTime] = []
    try simulation.run { decision, answers in
        times.append(decision.request.time)
        for (i, a) in answers.enumerated() {
            values[i].append(plan.workload.value(of: a.action, for: decision, answeredAt: a.answeredAt))
        }
    }
    return (values, times, simulation)
}

/// Every engine answered every decision; the oracle captured at least what
/// any other engine did, and the baseline at most — "at least" within a
/// stated tolerance: `z` standard errors of the total paired difference.
/// The engines answer the same decisions, so a paired difference is far
/// less noisy than either total. Decisions close in time share items and
/// sessions, so the error comes from batch means over `batches` equal
/// slices of the horizon (or per decision time, when there are fewer),
/// not from decisions as if independent. A fixed seed keeps the check
/// deterministic; z = 3 makes it a one-sided test at about 1% even with
/// ten batches — what a small run cannot tell apart passes, a systematic
/// inversion fails.
func expectBounds(_ run: (values: [[Double]], times: [SimTime], simulation: ScenarioSimulation), z: Double = 3,
                  batches: Int = 24, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let names = run.simulation.plan.engines.map(\.name)
    let column = Dictionary(uniqueKeysWithValues: zip(names, run.values))
    let oracle = column["oracle"]!, baseline = column["baseline"]!
    let first = run.times.min() ?? .zero, span = max(1, ((run.times.max() ?? .zero) - first).microseconds + 1)
    let distinctTimes = Set(run.times).sorted()
    func batch(_ i: Int) -> Int {
        distinctTimes.count <= batches ? distinctTimes.firstIndex(of: run.times[i])!
            : Int((run.times[i] - first).microseconds * Int64(batches) / span)
    }
    /// The total of a − b, and its standard error from the batch sums.
    func paired(_ a: [Double], _ b: [Double]) -> (total: Double, error: Double) {
        var sums: [Int: Double] = [:]
        for i in a.indices { sums[batch(i), default: 0] += a[i] - b[i] }
        let x = Array(sums.values), n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(1, n - 1)
        return (x.reduce(0, +), (n * variance).squareRoot())
    }
    #expect(run.values.allSatisfy { $0.count == run.times.count } && !run.times.isEmpty, "every engine answers every decision",
            sourceLocation: sourceLocation)
    let gap = paired(oracle, baseline)
    #expect(gap.total > z * gap.error, "the oracle beats the default by \(gap.total) ± \(gap.error)", sourceLocation: sourceLocation)
    for name in names where name != "oracle" && name != "baseline" {
        let below = paired(oracle, column[name]!), above = paired(column[name]!, baseline)
        #expect(below.total >= -z * below.error, "\(name) beats the oracle by \(-below.total) ± \(below.error)",
                sourceLocation: sourceLocation)
        #expect(above.total >= -z * above.error, "\(name) trails the baseline by \(-above.total) ± \(above.error)",
                sourceLocation: sourceLocation)
    }
    print(names.map { "\($0) \(String(format: "%.2f", column[$0]!.reduce(0, +)))" }.joined(separator: ", "))
}

@Suite(.serialized) struct WorkloadEngineTests {
    @Test func churnRunsThroughEveryEngineKind() throws {
        // A daily campaign of 40 contacts at $1 an offer: enough contacts for the engines' picks to be compared.
        let run = try decisionValues(scenario("churn", scale: 0.002, warmup: "10d", horizon: "7d",
                                              parameters: "budget: 20000\noffer_cost: $1",
                                              engines: everyEngineKind(cadence: "1d", lateness: "2d")))
        expectBounds(run)
    }

    @Test func digestRunsThroughEveryEngineKind() throws {
        let run = try decisionValues(scenario("digest", scale: 0.001, warmup: "1d", horizon: "1d",
                                              engines: everyEngineKind(cadence: "6h")))
        expectBounds(run)
    }

    @Test func uiRunsThroughEveryEngineKind() throws {
        let run = try decisionValues(scenario("ui", scale: 0.001, warmup: "8h", horizon: "4h",
                                              engines: everyEngineKind(cadence: "3h")))
        expectBounds(run)
    }

    @Test func recsysRunsThroughEveryEngineKind() throws {
        let run = try decisionValues(scenario("recsys", scale: 0.001, warmup: "8h", horizon: "3h",
                                              engines: everyEngineKind(cadence: "3h")))
        expectBounds(run)
    }
}
