import Testing
import Randomness
import ScenarioSpec
import SimKernel
@testable import Workloads

func digest(_ workload: String = "", scale: Double = 0.001, horizon: String = "3d", seed: UInt64 = 1) throws -> DigestWorkload {
    try #require(try WorkloadFactory.make(try scenario("digest", workload, scale: scale, horizon: horizon, seed: seed)) as? DigestWorkload)
}

@Suite struct DigestWorkloadTests {
    @Test func ratesFollowTheParametersAndGrow() throws {
        let w = try digest(seed: 4)
        var clicks = 0.0, publications = 0, decisionsByDay = [0, 0, 0]
        for item in items(w, horizon: .days(3)) {
            switch item {
            case .event(let e) where e.kind == .click: clicks += 1
            case .event: publications += 1
            case .decision(let d): decisionsByDay[Day.index(d.request.time)] += 1
            }
        }
        // Items per day are deterministic: round(20 × 1.02^d).
        #expect(publications == (0..<3).map { w.catalogue.ids(onDay: $0).count }.reduce(0, +))
        #expect(w.catalogue.ids(onDay: 2).count == Int((20 * 1.0404).rounded()))
        // Clicks are Poisson with mean users × 2/d summed over the days' user counts: ~6.1k, 5σ ≈ 6.4%.
        let expected = (0..<3).map { Double(w.users(onDay: $0)) * 2 }.reduce(0, +)
        #expect(abs(clicks - expected) < 5 * expected.squareRoot(), "\(clicks) clicks vs \(expected)")
        // Every user active on a day gets that day's email; east zones' first emails fall before the start.
        #expect(decisionsByDay[1] == w.users(onDay: 1) && decisionsByDay[1] > decisionsByDay[0])
        #expect(w.users(onDay: 10) == Int((1000 * Foundation_pow(1.02, 10)).rounded()), "users grow 2% a day")
    }

    @Test func emailsGoOutAt6LocalWithTheInterestsOfTheDay() throws {
        let w = try digest(horizon: "3d")
        var seen = Set<[Int]>()
        var zones = Set<Int>()
        for case .decision(let d) in items(w, horizon: .days(3)) {
            let r = d.request, user = r.entity
            #expect(r.kind == .email && r.slateSize == 10)
            let local = r.deadline + w.utcOffset(of: user)
            #expect(Day.secondsSinceMidnight(local) == 6 * 3600, "sent at 06:00 local")
            #expect(r.deadline - r.time == .hours(6))
            let day = Day.index(local)
            #expect(seen.insert([Int(user), day]).inserted, "one email per user and local day")
            zones.insert(w.zone(of: user))
            #expect(d.truth.vector == w.interests(of: user, onLocalDay: day), "truth is the interests at the send")
            #expect(abs(d.truth.vector.reduce(0, +) - 1) < 1e-5)
        }
        #expect(zones.count == 10)
        let offsets = Set((0..<10).map { w.utcOffset(of: Int32($0)) })
        #expect(offsets.contains(.minutes(330)) && offsets.contains(.hours(-8)), "users spread over UTC offsets")
    }

    @Test func interestsDriftDayByDay() throws {
        let w = try digest()
        // Total variation between days grows with the gap: a random walk, not noise around a fixed point.
        func distance(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double(abs($1.0 - $1.1)) } / 2 }
        var oneDay = 0.0, tenDays = 0.0
        for user in Int32(0)..<200 {
            let d0 = w.interests(of: user, onLocalDay: 0)
            oneDay += distance(d0, w.interests(of: user, onLocalDay: 1))
            tenDays += distance(d0, w.interests(of: user, onLocalDay: 10))
        }
        #expect(tenDays > 2 * oneDay, "\(tenDays) vs \(oneDay)")
        var table = InterestTable(w.walk)
        for day in [0, 1, 4, 9] { #expect(table.interests(of: 7, onDay: day) == w.interests(of: 7, onLocalDay: day)) }
    }

    @Test func clicksRevealInterests() throws {
        let w = try digest(seed: 9)
        var clicked = 0.0, random = 0.0, n = 0.0
        var rng = RandomStream(seed: 1)
        for case .event(let e) in items(w, horizon: .days(3)) where e.kind == .click {
            let interests = w.interests(of: e.entity, onLocalDay: w.localDay(of: e.entity, at: e.eventTime))
            clicked += w.item(e.item)!.relevance(to: interests)
            // A random item published on the same day as the clicked one.
            let ids = w.catalogue.ids(onDay: w.catalogue.day(of: e.item)!)
            let other = ids.lowerBound + Int32(rng.next() % UInt64(ids.count))
            random += w.item(other)!.relevance(to: interests)
            n += 1
        }
        // Random relevance averages ~1/8; clicks select on it (and on quality and freshness), lifting it ~1.4×.
        // Over ~6k clicks each mean has a standard error under 0.003 (sd < 0.2), so 1.25× is a safe floor.
        #expect(clicked / n > 1.25 * random / n, "clicked \(clicked / n) vs random \(random / n)")
    }

    @Test func streamIsAPureFunctionOfScenarioAndSeed() throws {
        let a = WorkloadDescription(try digest(horizon: "2d"), horizon: .days(2))
        let b = WorkloadDescription(try digest(horizon: "2d"), horizon: .days(2))
        let c = WorkloadDescription(try digest(horizon: "2d", seed: 2), horizon: .days(2))
        #expect(a == b)
        #expect(a.checksum != c.checksum)
    }

    @Test func scaleShrinksEventsProportionally() throws {
        let small = WorkloadDescription(try digest(scale: 0.001, horizon: "12h"), horizon: .hours(12))
        let large = WorkloadDescription(try digest(scale: 0.01, horizon: "12h"), horizon: .hours(12))
        // ~800 events at the small scale: Poisson ±3.5%; 15% is ~4σ.
        let ratio = Double(small.events) / Double(large.events)
        #expect(abs(ratio - 0.1) < 0.015, "scale 0.001 vs 0.01 gives \(ratio)")
        #expect(small.entities * 10 == large.entities)
        #expect(abs(Double(small.decisions) / Double(large.decisions) - 0.1) < 0.002)
    }

    @Test func arrivalNeverPrecedesEventTime() throws {
        let w = try digest()
        var last = SimTime.zero
        for item in items(w, horizon: .days(3)) {
            #expect(item.time >= last)
            last = item.time
            if case .event(let e) = item {
                #expect(e.arrivalTime >= e.eventTime)
                if e.kind == .publication { #expect(w.item(e.item)!.published == e.eventTime) }
                if e.kind == .click { #expect(w.item(e.item)!.isLive(at: e.eventTime), "clicks land on live items") }
            }
        }
    }

    @Test func valueModelScoresTheSentListAndFallsBackToThePopularOne() throws {
        let w = try digest(seed: 5)
        let all = items(w, horizon: .days(3))
        let decision = try #require(all.lazy.compactMap { item -> Decision? in
            if case .decision(let d) = item, d.request.time > .days(2) { return d } else { return nil }
        }.first)
        let send = decision.request.deadline, interests = decision.truth.vector
        // The best list: the live items with the most expected clicks at the send.
        let today = Day.index(send)
        let live = ((today - 4)...today).flatMap { w.catalogue.ids(onDay: $0) }.map { w.item($0)! }.filter { $0.isLive(at: send) }
        let ranked = live.sorted { w.expectedClicks($0, interests: interests, sentAt: send) > w.expectedClicks($1, interests: interests, sentAt: send) }
        let best = ranked.prefix(10).map(\.id)
        let bestValue = w.value(of: .ranking(best), for: decision, answeredAt: decision.request.time)
        let byHand = ranked.prefix(10).reduce(0.0) { total, item in
            total + 0.05 * item.relevance(to: interests) * item.quality
                * Foundation_pow(0.5, (send - item.published).seconds / 43_200) * 0.05
        }
        #expect(abs(bestValue - byHand) < 1e-12)
        #expect(bestValue > decision.truth.defaultValue, "the generic popular list earns less")
        #expect(decision.truth.defaultValue > 0)
        #expect(w.value(of: nil, for: decision, answeredAt: decision.request.time) == decision.truth.defaultValue)
        #expect(w.value(of: .ranking(best), for: decision, answeredAt: send + .seconds(1)) == decision.truth.defaultValue,
                "late: the generic list goes out")
        #expect(w.value(of: .ranking(best + best), for: decision, answeredAt: send) == bestValue, "only the first 10 distinct")
        let unpublished = w.catalogue.ids(onDay: today + 1).lowerBound
        #expect(w.value(of: .ranking([unpublished, -3]), for: decision, answeredAt: send) == 0, "nothing to send yet")
    }

    @Test(arguments: [
        ("time_zones: [0, 25]", 7, "found 25"),
        ("growth: 150%", 7, "growth must be in 0%...20%"),
        ("items: -5/d", 7, "must not be negative"),
        ("slate_size: 0", 7, "slate_size must be in 1...100"),
        ("topics: 8\nsend_at: \"6am\"", 8, "expected a time of day"),
        ("sources:\n  clicks: {daily_dump_at: \"24:00\"}", 8, "the hour must be 0 to 23"),
        ("sned_at: \"06:00\"", 7, "did you mean 'send_at'"),
    ])
    func badParametersAreReportedWithPositions(text: String, line: Int, message: String) throws {
        try expectDiagnostic(try scenario("digest", text, scale: 0.01, horizon: "1d"), line: line, message)
    }
}
