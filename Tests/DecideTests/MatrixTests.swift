import Foundation
import Testing
import Measures
@testable import Decide

/// Hand-written scenarios at both ends of every axis.
@Suite struct MatrixTests {
    /// Every axis at its real-time extreme: seconds-long bursts, a 100 ms window, events
    /// that land at once, a budget far above an always-on pool, a 1 ms model that batching barely helps.
    let realTimeExtreme = """
        name: rt-extreme
        horizon: 1h
        budget: $500/d
        workload:
          kind: fraud
          compromise_duration: 30s
          action_window: 100ms
          sources:
            authorizations: {delay: 0}
        engines:
          - {name: nightly, kind: batch, per_record: 1ms}
          - {name: rt, kind: realtime, service_time: 1ms}
        """

    /// Every axis at its batch extreme: a two-day shelf life, a two-hour window, a daily dump,
    /// a budget below an always-on pool, a 2 s model that batching makes 20 000× cheaper per record.
    let batchExtreme = """
        name: batch-extreme
        horizon: 1h
        budget: $1/d
        workload:
          kind: fraud
          compromise_duration: 2d
          action_window: 2h
          sources:
            authorizations: {daily_dump_at: "02:00"}
        engines:
          - {name: nightly, kind: batch, per_record: 100us}
          - {name: rt, kind: realtime, service_time: 2s}
        """

    func scores(_ text: String) throws -> [Axis: Double] {
        let matrix = try DecisionMatrix(path: try scenarioFile(text))
        return Dictionary(uniqueKeysWithValues: matrix.axes.map { ($0.axis, $0.score) })
    }

    @Test func everyAxisAtItsRealTimeExtreme() throws {
        let s = try scores(realTimeExtreme)
        for axis in Axis.allCases { #expect(s[axis] == 1, "\(axis.title)") }
        #expect(try DecisionMatrix(path: try scenarioFile(realTimeExtreme)).recommendation == .realTime)
    }

    @Test func everyAxisAtItsBatchExtreme() throws {
        let s = try scores(batchExtreme)
        for axis in Axis.allCases { #expect(s[axis] == -1, "\(axis.title)") }
        #expect(try DecisionMatrix(path: try scenarioFile(batchExtreme)).recommendation == .batch)
    }

    @Test func theRulesBetweenTheAnchorsAreLogLinear() {
        // Halfway in log between 1 min and 1 day is √1440 min ≈ 37.9 min: score 0.
        #expect(abs(DecisionMatrix.valueDecay(.init(.seconds(2277), because: "")).score) < 0.001)
        // A tenfold step between the 1 s and 1 h anchors of the window moves the score by 2/log10(3600) ≈ 0.562.
        let a = DecisionMatrix.actionability(.seconds(10)).score, b = DecisionMatrix.actionability(.seconds(100)).score
        #expect(abs((a - b) - 2 / log10(3600)) < 1e-9)
        // Budget exactly what always-on costs: −1; twice: 0; four times: +1.
        let cost = [DecisionMatrix.AlwaysOnCost(engine: "rt", perDay: 10, declared: true)]
        #expect(DecisionMatrix.costTolerance(budget: .init(10, per: .day), alwaysOn: cost).score == -1)
        #expect(abs(DecisionMatrix.costTolerance(budget: .init(20, per: .day), alwaysOn: cost).score) < 1e-9)
        #expect(DecisionMatrix.costTolerance(budget: .init(40, per: .day), alwaysOn: cost).score == 1)
        #expect(DecisionMatrix.costTolerance(budget: nil, alwaysOn: cost).score == 0)
        #expect(DecisionMatrix.refresh([]).score == 0)
    }

    @Test func churnScoresBatchFromItsOwnParameters() throws {
        // Churn cannot run through the engines on every branch yet; the matrix reads parameters only.
        let churn = """
            name: churn-matrix
            horizon: 7d
            workload:
              kind: churn
              intervention_half_life: 3d
            engines:
              - {name: nightly, kind: batch}
            """
        let matrix = try DecisionMatrix(path: try scenarioFile(churn))
        let s = Dictionary(uniqueKeysWithValues: matrix.axes.map { ($0.axis, $0) })
        #expect(s[.valueDecay]?.score == -1)
        #expect(s[.actionability]?.score == -1)
        #expect(s[.refresh]?.score == -1)
        #expect(s[.refresh]?.reason.contains("tickets lands as a daily dump at 02:00") == true)
        #expect(s[.cost]?.score == 0)
        #expect(matrix.recommendation == .batch)
    }

    @Test func theSimulationVerdictNamesTheAxisThatMisled() {
        let matrix = DecisionMatrix(axes: [
            AxisScore(axis: .valueDecay, score: 0.2, quantity: nil, reason: "r1"),
            AxisScore(axis: .actionability, score: 1, quantity: nil, reason: "r2"),
            AxisScore(axis: .refresh, score: 0.9, quantity: nil, reason: "r3"),
            AxisScore(axis: .cost, score: -0.5, quantity: nil, reason: "r4"),
            AxisScore(axis: .compute, score: 0.6, quantity: nil, reason: "r5"),
        ])
        #expect(matrix.recommendation == .realTime)
        func engine(_ name: String, _ kind: String, value: Double, cost: Double) -> EngineResult {
            var e = EngineResult(name: name, kind: kind)
            e.decisions = 100; e.value = value; e.costPerDay = cost; e.valuePerDollar = value / cost
            return e
        }
        var results = RunResults(scenario: "s", scenarioFile: "s.yaml", scenarioSHA256: "", description: nil, workload: "fraud", seed: 1,
                                 scale: 1, replications: 1, horizonSeconds: 86_400, warmupSeconds: 0, costProfile: "", codeVersion: "",
                                 engines: [engine("nightly", "batch", value: 90, cost: 1), engine("rt", "realtime", value: 100, cost: 10),
                                           engine("oracle", "oracle", value: 100, cost: 0)],
                                 declaredDecay: [], findings: [], timing: .init(wallSeconds: 0, startedAt: ""))
        let disagree = Recommendation(matrix: matrix, results: results, budgetPerDay: nil)
        #expect(disagree.simulationBest?.engine == "nightly")
        #expect(disagree.agrees == false)
        #expect(disagree.misledBy == .actionability)
        // Within a budget of $0.50 a day nothing qualifies; within $20 the best per dollar is still nightly.
        #expect(Recommendation(matrix: matrix, results: results, budgetPerDay: 0.5).simulationBest == nil)
        results.engines[0].valuePerDollar = 5
        let agree = Recommendation(matrix: matrix, results: results, budgetPerDay: 20)
        #expect(agree.simulationBest?.engine == "rt")
        #expect(agree.agrees == true)
        #expect(agree.misledBy == nil)
    }
}
