import Foundation
import Testing
import ScenarioSpec
@testable import Decide

@Suite struct ClaimsTests {
    @Test func aClaimSectionIsReadWithPositions() throws {
        let text = smallFraud + """

            claim:
              statement: Batch is cheaper
              measure: cost_ratio
              engine: nightly
              versus: rtt
              holds: [5, 20]
            """
        let scenario = try Scenario.load(path: try scenarioFile(text))
        let section = try #require(scenario.claim)
        do {
            _ = try Claim.read(section, engines: scenario.engines.map(\.name))
            Issue.record("an unknown engine must be reported")
        } catch {
            #expect(error.diagnostics.first?.message.contains("claim versus 'rtt' is not an engine") == true)
        }
        let good = try Scenario.load(path: try scenarioFile(text.replacingOccurrences(of: "versus: rtt", with: "versus: rt")))
        let claim = try Claim.read(try #require(good.claim), engines: good.engines.map(\.name))
        #expect(claim.measure == .costRatio)
        #expect(claim.holds == 5...20)
    }

    @Test func aClaimWhoseWorkloadCannotRunSaysWhy() throws {
        let churn = """
            name: churn-claim
            horizon: 1d
            scale: 0.001
            workload: {kind: churn}
            engines:
              - {name: nightly, kind: batch}
              - {name: rt, kind: realtime}
            claim:
              statement: Batch gets 95% of the value for 20% of the cost
              measure: value_and_cost_share
              engine: nightly
              versus: rt
            """
        let outcome = try #require(ClaimsRun().evaluate(try scenarioFile(churn)))
        #expect(outcome.held == nil)
        if outcome.breaks.contains("could not run") {
            #expect(outcome.breaks.contains("churn"))
        }
        #expect(ClaimsRun.markdown([outcome]).contains("| Batch gets 95% of the value for 20% of the cost |"))
    }

    @Test func theScoringClaimMeasuresBothPaths() throws {
        let scoring = """
            name: scoring-claim
            horizon: 1h
            scale: 0.001
            workload: {kind: fraud}
            engines:
              - {name: nightly, kind: batch}
            claim:
              statement: Vectorised scoring is 10–100× faster
              measure: scoring_speedup
              holds: [10, 100]
              batch_sizes: [1, 100]
            """
        let outcome = try #require(ClaimsRun().evaluate(try scenarioFile(scoring)))
        #expect(outcome.held != nil)
        #expect(outcome.table?.rows.map { $0[0] } == ["1", "100", "2000"])
        #expect(outcome.figure.contains("on 2000 rows"))
    }
}
