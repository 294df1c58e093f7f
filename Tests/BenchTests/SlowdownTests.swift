import Foundation
import ScenarioSpec
import Simulation
import Testing
@testable import Bench

@Suite struct SlowdownTests {
    /// The knob itself, without a clock: each timed run does its work
    /// `injectedSlowdown` times and counts its items once.
    @Test func theInjectedSlowdownRepeatsTheWorkButCountsItOnce() {
        var sampler = Sampler(repetitions: 4, counter: nil)
        sampler.injectedSlowdown = 3
        var calls = 0
        let rate = sampler.measure { calls += 1; return 10 }
        #expect(calls == 1 + 4 * 3, "one warm-up, then three rounds per timed run")
        #expect(rate.rates.count == 4)
        var prepared = 0, worked = 0
        _ = sampler.measure(prepare: { prepared += 1; return [Int]() }) { state in
            #expect(state.isEmpty, "every round starts from a fresh state")
            state.append(1)
            worked += 1
            return 1
        }
        #expect(prepared == worked && worked == 1 + 4 * 3)
    }

    /// A real suite (a small kernel run) recorded as a baseline, then run
    /// again ten times slower through the test-only knob: the comparison on
    /// reference ratios flags every figure of it, while the reference loop,
    /// which the knob never touches, stays the yardstick. What is asserted is
    /// a fall of more than half at a 10× slowdown, so timing noise cannot
    /// decide the outcome even when the tests running beside this one (in
    /// parallel, on two cores) skew one phase's ratios by 2× or more.
    @Test func aDeliberatelySlowedBenchmarkIsCaughtByTheRatioComparison() throws {
        let suite = KernelBenchmark(customers: 8_000)
        let reference = ReferenceLoop(tableWords: 1 << 16, steps: 200_000)
        let sampler = Sampler(repetitions: 3, counter: nil)
        let before = try BenchRunner(sampler: sampler, reference: reference).run([suite])
        let recorded = Baseline(figures: before.flatMap(\.figures), quick: true)
        #expect(recorded.benchmarks.keys.sorted() == ["kernel/heap_hold", "kernel/mmc_events"])

        var slowed = sampler
        slowed.injectedSlowdown = 10
        let after = try BenchRunner(sampler: slowed, reference: reference).run([suite])
        let comparison = Comparison(baseline: recorded, current: after.flatMap(\.figures), suitesRun: ["kernel"], tolerance: 0.10)
        #expect(comparison.rows.map(\.verdict) == [.regressed, .regressed])
        #expect(!comparison.passed)
        for row in comparison.rows { #expect(row.change! < -0.5, "\(row.name) changed by \(row.change!) at a 10× slowdown") }
    }

    /// Every engine kind's bench scenario is a valid scenario with that one engine.
    @Test(arguments: EnginesBenchmark.kinds)
    func engineScenariosAreValid(kind: EngineKind) throws {
        let plan = try SimulationPlan.make(try Scenario.parse(yaml: EnginesBenchmark.scenario(kind: kind, scale: 0.01, seed: 1),
                                                             file: "bench-\(kind.rawValue).yaml"))
        #expect(plan.engines.map(\.kind) == [kind])
        #expect(plan.scenario.scale == 0.01)
    }

    /// The fraud stream the features suite replays is in arrival order and spans its days.
    @Test func theFeaturesStreamIsInArrivalOrder() {
        let (events, workload) = FeaturesBenchmark.stream(scale: 0.001, days: 2, seed: 1)
        #expect(events.count > 10_000)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
        #expect(events.contains { $0.arrivalTime > $0.eventTime }, "arrivals lag their events")
        #expect(events.last!.eventTime.microseconds > 86_400_000_000)
        #expect(workload.users == 2000)
    }
}
