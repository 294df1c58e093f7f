import Testing
import Randomness
import ScenarioSpec
import SimKernel
@testable import Workloads

func fraudScenario(_ workload: String = "", scale: Double = 0.01, horizon: String = "1d", seed: UInt64 = 1) throws -> Scenario {
    try Scenario.parse(yaml: """
        name: t
        seed: \(seed)
        horizon: \(horizon)
        scale: \(scale)
        workload:
          kind: fraud
        \(workload.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        engines:
          - {name: rt, kind: realtime}
        """, file: "t.yaml")
}

func items(_ workload: any Workload, horizon: SimDuration) -> [WorkloadItem] {
    var g = workload.makeGenerator(horizon: horizon)
    var out: [WorkloadItem] = []
    while let item = g.next() { out.append(item) }
    return out
}

@Suite struct FraudWorkloadTests {
    @Test func ratesAndPrevalenceMatchTheParameters() throws {
        let scenario = try fraudScenario(scale: 0.02, seed: 5)
        let w = try #require(try WorkloadFactory.make(scenario) as? FraudWorkload)
        let d = WorkloadDescription(w, horizon: .days(1))
        // Legitimate authorizations: Poisson with mean 10M × 0.02 = 200k a day; fraud adds ~0.6%.
        let legit = 200_000.0
        #expect(abs(Double(d.decisions) * (1 - d.labelRate) - legit) < 5 * legit.squareRoot() + 0.002 * legit)
        #expect(d.events == d.decisions, "every authorization is an event and a decision point")
        // Expected labelled share: episodes/day × mean episode length × burst rate, over all authorizations.
        let p = w.parameters
        let episodes = p.compromiseRate.perSecond * 86_400 * Double(w.users)
        let meanDuration = p.compromiseDuration.seconds * Foundation_exp(p.compromiseDurationSigma * p.compromiseDurationSigma / 2)
        let fraudPerDay = episodes * meanDuration * p.burstRate.perSecond
        let expected = fraudPerDay / (fraudPerDay + legit)
        // ~20 episodes at this scale, each a cluster: the episode count is the noise (±1/√20 ≈ 22%), so allow 60%.
        #expect(abs(d.labelRate - expected) < 0.6 * expected, "label rate \(d.labelRate) vs \(expected)")
    }

    @Test func diurnalShapeFollowsTheProfile() throws {
        let w = try WorkloadFactory.make(try fraudScenario(scale: 0.02, horizon: "2d"))
        var perHour = [Int](repeating: 0, count: 24)
        for case .decision(let d) in items(w, horizon: .days(2)) {
            perHour[Int(d.request.time.microseconds / 3_600_000_000) % 24] += 1
        }
        let total = Double(perHour.reduce(0, +))
        let profile = DiurnalProfile.consumer
        for hour in [3, 12, 19] {  // night trough, midday, evening peak
            let share = Double(perHour[hour]) / total
            let expected = profile.hourly[hour] / 24
            #expect(abs(share - expected) < 0.1 * expected, "hour \(hour): \(share) vs \(expected)")
        }
        #expect(perHour[19] > 5 * perHour[3], "evening peak far above the night")
    }

    @Test func everyLabelLiesInsideACompromiseEpisodeAndBurstsAreReal() throws {
        let w = try #require(try WorkloadFactory.make(try fraudScenario(scale: 0.02, seed: 11)) as? FraudWorkload)
        let all = items(w, horizon: .days(1))
        // Rebuild the episodes from the generator's own streams and check every
        // labelled authorization of a user falls within one.
        var labelled: [Int32: [SimTime]] = [:]
        var perUserAll: [Int32: Int] = [:]
        for case .decision(let d) in all {
            perUserAll[d.request.entity, default: 0] += 1
            if d.truth.label { labelled[d.request.entity, default: []].append(d.request.time) }
        }
        #expect(!labelled.isEmpty)
        // Bursts: labelled users transact far more than the typical user in one day.
        let meanAll = Double(perUserAll.values.reduce(0, +)) / Double(perUserAll.count)
        let meanLabelled = Double(labelled.keys.map { perUserAll[$0]! }.reduce(0, +)) / Double(labelled.count)
        #expect(meanLabelled > 5 * meanAll)
        // Labels of one user come in one or few tight clusters (an episode lasts minutes, not a day).
        for (_, times) in labelled where times.count > 3 {
            let span = times.last! - times.first!
            #expect(span < .hours(12))
        }
    }

    @Test func labelsAgreeWithTheGeneratorsEpisodes() throws {
        // White-box: drive the generator and check each label against its episode table.
        let w = try #require(try WorkloadFactory.make(try fraudScenario(scale: 0.01)) as? FraudWorkload)
        var g = FraudGenerator(w, horizon: .days(1), randomness: RandomSource(seed: 3).source("fraud"))
        var checked = 0
        while let item = g.next() {
            guard case .decision(let d) = item else { continue }
            let inside = g.compromisedUntil[d.request.entity].map { d.request.time <= $0 } ?? false
            #expect(d.truth.label == inside)
            if d.truth.label { checked += 1 }
        }
        #expect(checked > 0)
    }

    @Test func streamIsAPureFunctionOfScenarioAndSeed() throws {
        let w = try WorkloadFactory.make(try fraudScenario(scale: 0.01))
        let a = WorkloadDescription(w, horizon: .hours(6))
        let b = WorkloadDescription(try WorkloadFactory.make(try fraudScenario(scale: 0.01)), horizon: .hours(6))
        let c = WorkloadDescription(try WorkloadFactory.make(try fraudScenario(scale: 0.01, seed: 2)), horizon: .hours(6))
        #expect(a == b)
        #expect(a.checksum != c.checksum)
    }

    @Test func scaleShrinksEventsProportionally() throws {
        let small = WorkloadDescription(try WorkloadFactory.make(try fraudScenario(scale: 0.01)), horizon: .days(1))
        let large = WorkloadDescription(try WorkloadFactory.make(try fraudScenario(scale: 0.1)), horizon: .days(1))
        let ratio = Double(small.events) / Double(large.events)
        #expect(abs(ratio - 0.1) < 0.005, "scale 0.01 vs 0.1 gives \(ratio)")
        #expect(small.entities * 10 == large.entities)
    }

    @Test func arrivalNeverPrecedesEventTimeAndItemsAreInTimeOrder() throws {
        let w = try WorkloadFactory.make(try fraudScenario(scale: 0.01, horizon: "6h"))
        var last = SimTime.zero
        var late = 0
        for item in items(w, horizon: .hours(6)) {
            #expect(item.time >= last)
            last = item.time
            if case .event(let e) = item {
                #expect(e.arrivalTime >= e.eventTime)
                if e.arrivalTime - e.eventTime > .seconds(2) { late += 1 }
            }
        }
        #expect(late > 0, "the lognormal delay makes some events seconds late")
    }

    @Test func dailyDumpArrivesOnlyAtItsLandingTime() throws {
        let w = try WorkloadFactory.make(try fraudScenario("sources:\n  authorizations: {daily_dump_at: \"03:00\"}", scale: 0.01, horizon: "2d"))
        var count = 0
        for case .event(let e) in items(w, horizon: .days(2)) {
            #expect(e.arrivalTime.microseconds % 86_400_000_000 == 3 * 3_600_000_000)
            #expect(e.arrivalTime >= e.eventTime && e.arrivalTime - e.eventTime <= .days(1))
            count += 1
        }
        #expect(count > 0)
    }

    @Test func valueModelScoresBlocksInTime() throws {
        let w = try WorkloadFactory.make(try fraudScenario())
        let request = DecisionRequest(id: 0, kind: .authorization, time: SimTime(microseconds: 1_000_000),
                                      deadline: SimTime(microseconds: 1_200_000), entity: 1, item: 2, amount: 80)
        let fraud = Decision(request: request, truth: Truth(label: true))
        let legit = Decision(request: request, truth: Truth(label: false))
        #expect(w.value(of: .block, for: fraud, answeredAt: SimTime(microseconds: 1_100_000)) == 80)
        #expect(w.value(of: .block, for: fraud, answeredAt: SimTime(microseconds: 1_300_000)) == 0, "too late: approved by default")
        #expect(w.value(of: .approve, for: fraud, answeredAt: SimTime(microseconds: 1_100_000)) == 0)
        #expect(w.value(of: .block, for: legit, answeredAt: SimTime(microseconds: 1_100_000)) == -5)
        #expect(w.value(of: nil, for: fraud, answeredAt: SimTime(microseconds: 1_100_000)) == 0)
    }

    @Test(arguments: [
        ("authorizations: -5/s", 7, "must not be negative"),
        ("risky_merchant_share: 150%", 7, "risky_merchant_share must be in 0.1%...50%"),
        ("sources:\n  authorizations: {daily_dump_at: \"25:00\"}", 8, "the hour must be 0 to 23"),
        ("users: 0", 7, "users must be in 1...50000000"),
        ("burst_rat: 2/m", 7, "did you mean 'burst_rate'"),
    ])
    func badParametersAreReportedWithPositions(text: String, line: Int, message: String) throws {
        let scenario = try fraudScenario(text)
        #expect(throws: ScenarioError.self) { try WorkloadFactory.make(scenario) }
        do { _ = try WorkloadFactory.make(scenario) } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.location.line == line, "\(d)")
            #expect(d.message.contains(message), "\(d)")
        }
    }
}

import Foundation
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }
