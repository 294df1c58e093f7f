import Testing
import Randomness
import ScenarioSpec
import SimKernel
@testable import Workloads

func recsys(_ workload: String = "", scale: Double = 0.002, horizon: String = "1d", seed: UInt64 = 1) throws -> RecsysWorkload {
    try #require(try WorkloadFactory.make(try scenario("recsys", workload, scale: scale, horizon: horizon, seed: seed)) as? RecsysWorkload)
}

@Suite struct RecsysWorkloadTests {
    @Test func ratesFollowTheSessionModelAndTheCatalogueTurnsOver() throws {
        let w = try recsys(seed: 2)
        let d = WorkloadDescription(w, horizon: .days(1))
        let p = w.parameters
        let sessions = Double(w.users) * p.sessions.perSecond * 86_400
        let actions = p.actionRate.perSecond * p.sessionLength.seconds * Foundation_exp(p.sessionLengthSigma * p.sessionLengthSigma / 2)
        let loads = sessions * (1 + p.homepageShare * actions), clicks = sessions * (1 - p.homepageShare) * actions
        // ~2000 sessions whose action counts have a CV near 1: the totals move ±3%; allow 15% (5σ).
        #expect(abs(Double(d.decisions) - loads) < 0.15 * loads, "\(d.decisions) loads vs \(loads)")
        #expect(abs(Double(d.eventsByKind["click"]!) - clicks) < 0.15 * clicks, "\(d.eventsByKind["click"]!) clicks vs \(clicks)")
        #expect(d.eventsByKind["publication"] == w.catalogue.ids(onDay: 0).count, "40 new items on day 0 at this scale")
        // Items expire: of the items live at the start, some are gone a day later.
        let startLive = (-w.catalogue.warmupDays..<0).flatMap { w.catalogue.ids(onDay: $0) }.compactMap { w.item($0) }
            .filter { $0.isLive(at: .zero) }
        #expect(startLive.contains { !$0.isLive(at: .days(1)) } && startLive.contains { $0.isLive(at: .days(1)) })
    }

    @Test func truthCarriesTodaysTasteAndIntentsFollowIt() throws {
        let w = try recsys(seed: 3)
        var loads = 0.0, onFavourite = 0.0
        for case .decision(let d) in items(w, horizon: .days(1)) {
            let taste = w.taste(of: d.request.entity, onDay: Day.index(d.request.time))
            #expect(d.truth.vector == taste, "truth.vector is the user's taste today")
            #expect((0..<16).contains(d.truth.topic))
            loads += 1
            if d.truth.topic == Int32(taste.indices.max { taste[$0] < taste[$1] }!) { onFavourite += 1 }
        }
        // Intents are drawn from taste: the favourite topic holds ~30–50% of a focused taste, against 1/16 at random.
        // Over ~13k loads (clustered in ~2000 sessions) the share is known to a few percent.
        #expect(onFavourite / loads > 0.25, "\(onFavourite / loads) of intents on the favourite topic")
    }

    @Test func tastesDriftDailyAndClicksFavourFreshRelevantItems() throws {
        let w = try recsys(horizon: "12h", seed: 4)
        var clickedAge = 0.0, liveAge = 0.0, clickedRelevance = 0.0, randomRelevance = 0.0, n = 0.0
        var rng = RandomStream(seed: 9)
        let catalogue = (-w.catalogue.warmupDays...0).flatMap { w.catalogue.ids(onDay: $0) }.compactMap { w.item($0) }
        for case .event(let e) in items(w, horizon: .hours(12)) where e.kind == .click {
            let item = try #require(w.item(e.item))
            #expect(item.isLive(at: e.eventTime), "clicks land on live items")
            let taste = w.taste(of: e.entity, onDay: 0)
            clickedAge += (e.eventTime - item.published).seconds
            clickedRelevance += item.relevance(to: taste)
            // A uniformly drawn item live at the same time.
            var other: CatalogueItem
            repeat { other = catalogue[Int(rng.next() % UInt64(catalogue.count))] } while !other.isLive(at: e.eventTime)
            liveAge += (e.eventTime - other.published).seconds
            randomRelevance += other.relevance(to: taste)
            n += 1
        }
        // Hype (5× for a new item, half-life 6h) pulls clicks towards the young end of the live set, whose ages
        // spread over days: ~20% younger here. Over ~3k clicks (clustered in sessions) each mean age is known to
        // ~3%, so 10% younger is a safe bar.
        #expect(clickedAge < 0.9 * liveAge, "clicked items are \(clickedAge / n / 3600)h old, live ones \(liveAge / n / 3600)h")
        // Taste carries half the relevance: clicked items match taste better than random live ones.
        #expect(clickedRelevance > 1.2 * randomRelevance, "\(clickedRelevance / n) vs \(randomRelevance / n)")
        var oneDay = 0.0, tenDays = 0.0
        for user in Int32(0)..<100 {
            let d0 = w.taste(of: user, onDay: 0)
            oneDay += zip(d0, w.taste(of: user, onDay: 1)).reduce(0) { $0 + Double(abs($1.0 - $1.1)) }
            tenDays += zip(d0, w.taste(of: user, onDay: 10)).reduce(0) { $0 + Double(abs($1.0 - $1.1)) }
        }
        #expect(tenDays > 2 * oneDay, "taste walks away day by day")
    }

    @Test func streamIsAPureFunctionOfScenarioAndSeed() throws {
        let a = WorkloadDescription(try recsys(horizon: "6h"), horizon: .hours(6))
        let b = WorkloadDescription(try recsys(horizon: "6h"), horizon: .hours(6))
        let c = WorkloadDescription(try recsys(horizon: "6h", seed: 2), horizon: .hours(6))
        #expect(a == b)
        #expect(a.checksum != c.checksum)
    }

    @Test func scaleShrinksEventsProportionally() throws {
        let small = WorkloadDescription(try recsys(scale: 0.001, horizon: "12h"), horizon: .hours(12))
        let large = WorkloadDescription(try recsys(scale: 0.01, horizon: "12h"), horizon: .hours(12))
        // ~340 sessions at the small scale with CV ≈ 1 actions each: ±7.7%; allow 0.1 ± 0.035 (4.5σ).
        let ratio = Double(small.events) / Double(large.events)
        #expect(abs(ratio - 0.1) < 0.035, "scale 0.001 vs 0.01 gives \(ratio)")
        #expect(small.entities * 10 == large.entities)
    }

    @Test func arrivalNeverPrecedesEventTime() throws {
        let w = try recsys(horizon: "6h")
        var last = SimTime.zero
        for item in items(w, horizon: .hours(6)) {
            #expect(item.time >= last)
            last = item.time
            if case .event(let e) = item { #expect(e.arrivalTime >= e.eventTime) }
        }
    }

    @Test func valueModelCombinesTasteTrendAndIntent() throws {
        let w = try recsys(horizon: "12h", seed: 6)
        let decision = try #require(items(w, horizon: .hours(12)).lazy.compactMap { item -> Decision? in
            if case .decision(let d) = item, d.request.time > SimTime(seconds: 36_000) { return d } else { return nil }
        }.first)
        let t = decision.request.time, taste = decision.truth.vector, intent = decision.truth.topic
        let live = (-w.catalogue.warmupDays...0).flatMap { w.catalogue.ids(onDay: $0) }.compactMap { w.item($0) }.filter { $0.isLive(at: t) }
        func byHand(_ item: CatalogueItem) -> Double {
            let relevance = 0.5 * item.relevance(to: taste) + 0.5 * Double(item.topics[Int(intent)])
            let hype = 0.2 + 0.8 * Foundation_pow(0.5, (t - item.published).seconds / 21_600)
            return min(1, 0.5 * item.quality * hype * relevance)
        }
        let best: [CatalogueItem] = Array(live.sorted { byHand($0) > byHand($1) }.prefix(10))
        var expected = 0.0
        for (position, item) in best.enumerated() { expected += byHand(item) / Foundation_log2(Double(position + 2)) }
        expected *= 0.05
        let ids: [Int32] = best.map { $0.id }
        let value = w.value(of: .ranking(ids), for: decision, answeredAt: t)
        #expect(abs(value - expected) < 1e-9)
        #expect(value > decision.truth.defaultValue && decision.truth.defaultValue > 0, "the popular feed earns less")
        let future = w.catalogue.ids(onDay: 1).lowerBound
        let withFuture = w.value(of: .ranking([future, ids[0]]), for: decision, answeredAt: t)
        #expect(withFuture == w.value(of: .ranking([ids[0]]), for: decision, answeredAt: t), "items not live are skipped")
        #expect(w.value(of: .ranking(ids), for: decision, answeredAt: t + .milliseconds(101)) == decision.truth.defaultValue)
        #expect(w.value(of: Action?.none, for: decision, answeredAt: t) == decision.truth.defaultValue)
        // The same items ranked for another intent are worth less to this session.
        let other = Decision(request: decision.request, truth: Truth(topic: (intent + 1) % 16, vector: taste))
        let otherIntent = other.truth.topic
        let forOther: [Int32] = live.sorted {
            w.clickProbability($0, taste: taste, intent: otherIntent, at: t) > w.clickProbability($1, taste: taste, intent: otherIntent, at: t)
        }.prefix(10).map { $0.id }
        #expect(w.value(of: .ranking(forOther), for: decision, answeredAt: t) < value, "request-time intent matters")
    }

    @Test(arguments: [
        ("trend_floor: 101%", 7, "trend_floor must be in 0%...100%"),
        ("items: -1/d", 7, "must not be negative"),
        ("item_lifetime: 0", 7, "item_lifetime must be in 1h...60d"),
        ("topics: 16\nsessions: 1/d\nslate_size: 0", 9, "slate_size must be in 1...1000"),
        ("sources:\n  publications: {delay: 1s, daily_dump_at: \"03:00\"}", 8, "either a daily dump or has a delay"),
        ("intent_weigth: 50%", 7, "did you mean 'intent_weight'"),
    ])
    func badParametersAreReportedWithPositions(text: String, line: Int, message: String) throws {
        try expectDiagnostic(try scenario("recsys", text, scale: 0.01, horizon: "1d"), line: line, message)
    }
}
