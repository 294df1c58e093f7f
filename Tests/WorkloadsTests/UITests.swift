import Testing
import Randomness
import ScenarioSpec
import SimKernel
@testable import Workloads

func ui(_ workload: String = "", scale: Double = 0.002, horizon: String = "1d", seed: UInt64 = 1) throws -> UIWorkload {
    try #require(try WorkloadFactory.make(try scenario("ui", workload, scale: scale, horizon: horizon, seed: seed)) as? UIWorkload)
}

@Suite struct UIWorkloadTests {
    @Test func ratesFollowTheSessionModel() throws {
        let w = try ui(seed: 2)
        let d = WorkloadDescription(w, horizon: .days(1))
        let p = w.parameters
        // Per session: one opening load, then actions at 2/m over a lognormal length (mean 8m·e^0.32 ≈ 11m).
        let sessions = Double(w.users) * p.sessions.perSecond * 86_400
        let actions = p.actionRate.perSecond * p.sessionLength.seconds * Foundation_exp(p.sessionLengthSigma * p.sessionLengthSigma / 2)
        let loads = sessions * (1 + p.homepageShare * actions), clicks = sessions * (1 - p.homepageShare) * actions
        // ~2000 sessions whose action counts have a CV near 1: the totals move ±3%; allow 15% (5σ).
        #expect(abs(Double(d.decisions) - loads) < 0.15 * loads, "\(d.decisions) loads vs \(loads)")
        #expect(abs(Double(d.eventsByKind["click"]!) - clicks) < 0.15 * clicks, "\(d.eventsByKind["click"]!) clicks vs \(clicks)")
        #expect(d.eventsByKind["page_view"] == d.decisions, "every load is a page view and a decision")
    }

    @Test func clicksFollowTheSessionsCurrentIntent() throws {
        let w = try ui(seed: 3)
        var g = UIGenerator(w, horizon: .days(1), randomness: RandomSource(seed: 3).source("ui"))
        var onIntent = 0.0, clicks = 0.0
        while let item = g.next() {
            switch item {
            case .event(let e) where e.kind == .click:
                clicks += 1
                if w.topic(of: e.item) == g.lastIntent { onIntent += 1 }
            case .decision(let d):
                #expect(d.truth.topic == g.lastIntent, "truth is the session's intent at the load")
                #expect((0..<20).contains(d.truth.topic))
            default: break
            }
        }
        // 85% aim at the intent, and the other 15% hit it by chance with P(popular topic = intent) ≈ 0.1–0.2;
        // over ~35k clicks the share has a standard error of 0.2%.
        let share = onIntent / clicks
        #expect(share > 0.85 && share < 0.85 + 0.15 * 0.3, "\(share) of clicks on the intent")
    }

    @Test func intentShiftsWithinMinutes() throws {
        let w = try ui(seed: 4)
        var loads = 0.0, shifted = 0.0
        for case .decision(let d) in items(w, horizon: .days(1)) {
            loads += 1
            if d.truth.label { shifted += 1 }
        }
        // At 20 shifts an hour a session of ~11 minutes has usually shifted by its later loads: more than a third of
        // all loads, though every opening load (~1/6.5 of loads) is unshifted.
        #expect(shifted / loads > 0.35 && shifted / loads < 1 - 1 / 8.0, "\(shifted / loads) of loads after a shift")
        let still = WorkloadDescription(try ui("intent_shift_rate: 0/h"), horizon: .days(1))
        #expect(still.labelRate == 0, "no shifts without a shift rate")
    }

    @Test func streamIsAPureFunctionOfScenarioAndSeed() throws {
        let a = WorkloadDescription(try ui(horizon: "12h"), horizon: .hours(12))
        let b = WorkloadDescription(try ui(horizon: "12h"), horizon: .hours(12))
        let c = WorkloadDescription(try ui(horizon: "12h", seed: 2), horizon: .hours(12))
        #expect(a == b)
        #expect(a.checksum != c.checksum)
    }

    @Test func scaleShrinksEventsProportionally() throws {
        let small = WorkloadDescription(try ui(scale: 0.001, horizon: "12h"), horizon: .hours(12))
        let large = WorkloadDescription(try ui(scale: 0.01, horizon: "12h"), horizon: .hours(12))
        // ~340 sessions at the small scale with CV ≈ 1 actions each: ±7.7%; allow 0.1 ± 0.035 (4.5σ).
        let ratio = Double(small.events) / Double(large.events)
        #expect(abs(ratio - 0.1) < 0.035, "scale 0.001 vs 0.01 gives \(ratio)")
        #expect(small.entities * 10 == large.entities)
    }

    @Test func arrivalNeverPrecedesEventTimeAndLoadsComeWithTheirPageView() throws {
        let w = try ui(horizon: "6h")
        var last = SimTime.zero
        var pendingLoad: DecisionRequest?
        for item in items(w, horizon: .hours(6)) {
            #expect(item.time >= last)
            last = item.time
            switch item {
            case .decision(let d):
                #expect(pendingLoad == nil)
                #expect(d.request.deadline - d.request.time == .milliseconds(100) && d.request.slateSize == 10)
                pendingLoad = d.request
            case .event(let e):
                #expect(e.arrivalTime >= e.eventTime)
                if let load = pendingLoad {
                    #expect(e.kind == .pageView && e.entity == load.entity && e.eventTime == load.time)
                    pendingLoad = nil
                }
            }
        }
    }

    @Test func valueModelScoresTheSlateAgainstTheTrueIntent() throws {
        let w = try ui()
        let t = SimTime(seconds: 100)
        let request = DecisionRequest(id: 0, kind: .pageLoad, time: t, deadline: t + .milliseconds(100), entity: 1, slateSize: 3)
        let fallback = w.slateValue(w.popularSlate, intent: 3)
        let decision = Decision(request: request, truth: Truth(topic: 3, defaultValue: fallback))
        // Item 3: topic 3's best (appeal 1); item 23: its second (2^-0.8); item 4: topic 4's best, off the intent.
        let expected = 0.05 * (0.1 * 1 / 1 + 0.1 * Foundation_pow(2, -0.8) / Foundation_log2(3) + 0.1 * 0.1 / 2)
        let slate: [Int32] = [3, 23, 3, 4, 43]
        #expect(abs(w.value(of: .ranking(slate), for: decision, answeredAt: t) - expected) < 1e-12,
                "duplicates skipped, only the first 3 distinct shown")
        #expect(w.value(of: .ranking(slate), for: decision, answeredAt: t + .milliseconds(101)) == fallback, "late: default slate")
        #expect(w.value(of: nil, for: decision, answeredAt: t) == fallback)
        #expect(w.popularSlate.first == 0 && w.popularSlate.count == 10, "the most popular topic's best item leads")
        let onIntent = (0..<10).map { Int32(3 + 20 * $0) }
        #expect(w.slateValue(onIntent, intent: 3) > 2 * w.slateValue(w.popularSlate, intent: 3), "knowing the intent pays")
    }

    @Test(arguments: [
        ("intent_focus: 120%", 7, "intent_focus must be in 0%...100%"),
        ("sessions: -1/d", 7, "must not be negative"),
        ("topics: 1", 7, "topics must be in 2...1000"),
        ("items: 10\naction_rate: 0/m", 8, "action_rate must be in 1/h...10/s"),
        ("popularity_skw: 1", 7, "did you mean 'popularity_skew'"),
    ])
    func badParametersAreReportedWithPositions(text: String, line: Int, message: String) throws {
        try expectDiagnostic(try scenario("ui", text, scale: 0.01, horizon: "1d"), line: line, message)
    }
}
