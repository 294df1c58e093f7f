import Foundation
import Testing
import Engines
import ScenarioSpec
import SimKernel
import Workloads
@testable import Simulation

@Suite(.serialized) struct RerankEngineTests {
    /// A re-ranking stage that can never answer in time (10 s of service
    /// against a 50 ms timeout) serves its candidates as they are, at the
    /// timeout: exactly the lists a batch engine on the same schedule, with
    /// lists as long as the shortlists, publishes.
    @Test func onTimeoutTheCandidatesAreServedAsTheyAre() throws {
        let yaml = scenario("ui", scale: 0.001, warmup: "8h", horizon: "2h", engines: """
              - {name: rerank, kind: rerank, cadence: 1h, startup: 1m, per_record: 10us, candidates: 20, servers: 2, service_time: 10s, service_distribution: fixed, timeout: 50ms}
              - {name: batch, kind: batch, cadence: 1h, startup: 1m, per_record: 10us, list_length: 20}
            """)
        let plan = try SimulationPlan.make(try Scenario.parse(yaml: yaml, file: "rerank-timeout.yaml"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-sim-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let simulation = try ScenarioSimulation(plan, directory: dir)
        var decisions = 0, ranked = 0
        try simulation.run { decision, answers in
            let (rerank, batch) = (answers[0], answers[1])
            decisions += 1
            #expect(rerank.fallback, "every request timed out")
            #expect(rerank.answeredAt == decision.request.time + .milliseconds(50))
            #expect(rerank.action == batch.action, "the shortlist as the candidates stage published it")
            if case .ranking(let items)? = rerank.action, !items.isEmpty { ranked += 1 }
        }
        #expect(decisions > 100)
        #expect(ranked > decisions / 2, "most requests came after the first shortlists were published")
        #expect(simulation.engines[0].counters.timeouts == decisions)
    }

    /// Fraud decides one authorization at a time: there is no shortlist to
    /// re-rank, and the scenario is refused where the engine is written.
    @Test func aRerankEngineOnFraudIsAValidationErrorAtTheEngine() throws {
        let yaml = """
            name: rerank-on-fraud
            horizon: 1d
            workload: {kind: fraud}
            engines:
              - name: nightly
                kind: batch
              - name: shortlist
                kind: rerank
                candidates: 50
            """
        #expect {
            _ = try SimulationPlan.make(try Scenario.parse(yaml: yaml, file: "rerank-fraud.yaml"))
        } throws: { error in
            guard let error = error as? ScenarioError, error.diagnostics.count == 1, let d = error.diagnostics.first else { return false }
            return d.location == ScenarioSpec.SourceLocation(file: "rerank-fraud.yaml", line: 7, column: 5)
                && d.message.contains("'rerank'") && d.message.contains("'fraud'")
        }
    }
}
