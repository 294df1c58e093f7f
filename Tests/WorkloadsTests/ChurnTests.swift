import Testing
import Randomness
import ScenarioSpec
import SimKernel
@testable import Workloads

func churn(_ workload: String = "", scale: Double = 0.002, horizon: String = "21d", seed: UInt64 = 1) throws -> ChurnWorkload {
    try #require(try WorkloadFactory.make(try scenario("churn", workload, scale: scale, horizon: horizon, seed: seed)) as? ChurnWorkload)
}

@Suite struct ChurnWorkloadTests {
    @Test func eventRatesMatchTheLatentPopulation() throws {
        let w = try churn(seed: 3)
        let horizon = SimDuration.days(21)
        let end = SimTime.zero + horizon
        // Expected counts from each customer's own latent state: exposure healthy and at risk, times rates.
        // Whole days, so the diurnal profile averages to 1.
        let p = w.parameters
        var expected = [0.0, 0.0, 0.0]  // purchases, logins, tickets
        for id in 0..<Int32(w.customers) {
            let c = w.customer(id)
            let healthyEnd = min(max(c.onset, .zero), end), riskEnd = min(c.churn, end)
            let healthy = healthyEnd.seconds, risky = max(0, (riskEnd - healthyEnd).seconds)
            let activity = c.activity * (healthy + p.activityAfterOnset * risky)
            expected[0] += p.purchases.perSecond * activity
            expected[1] += p.logins.perSecond * activity
            expected[2] += p.tickets.perSecond * (healthy + p.ticketFactor * risky)
        }
        var counts = [0.0, 0.0, 0.0]
        for case .event(let e) in items(w, horizon: horizon) {
            counts[[EventKind.purchase: 0, .login: 1, .supportTicket: 2][e.kind]!] += 1
        }
        // Given the latent state the counts are Poisson: 5σ, about 2.5% for the ~21k logins, 25% for the ~500 tickets.
        for k in 0..<3 {
            #expect(abs(counts[k] - expected[k]) < 5 * expected[k].squareRoot(), "kind \(k): \(counts[k]) vs \(expected[k])")
        }
    }

    @Test func campaignPositivesAreTheCustomersAtRiskAndMatchTheHazard() throws {
        let w = try churn(scale: 0.005, seed: 7)
        var campaigns = 0
        var positives = 0.0
        let population = (0..<Int32(w.customers)).map { w.customer($0) }
        for case .decision(let d) in items(w, horizon: .days(21)) {
            let t = d.request.time
            #expect(d.request.kind == .campaign && d.request.entity == -1)
            #expect(d.request.slateSize == Int32(w.budget))
            #expect(d.request.deadline == t + .hours(6))
            #expect(t.microseconds % 86_400_000_000 == 9 * 3_600_000_000, "campaigns at 09:00")
            #expect(Int(d.truth.positives) == population.filter { $0.isAtRisk(at: t) }.count)
            #expect(d.request.id == Int64(campaigns), "ids in order, one decision each")
            campaigns += 1
            positives += Double(d.truth.positives)
        }
        #expect(campaigns == 21)
        // Little's law: at risk ≈ customers × hazard × mean delay (15.9d) ≈ 5000 × 0.003 × 15.9 ≈ 238. The finite
        // look-back and the shrinking population pull it ~10% lower, and one pool of ~240 moves ±√240 ≈ 6%: allow 25%.
        let p = w.parameters
        let littles = Double(w.customers) * p.riskRate.perSecond * p.churnDelay.seconds
            * Foundation_exp(p.churnDelaySigma * p.churnDelaySigma / 2)
        #expect(abs(positives / Double(campaigns) - littles) < 0.25 * littles, "\(positives / Double(campaigns)) vs \(littles)")
    }

    @Test func churnFollowsOnsetAndSilencesTheCustomerWhileTicketsRise() throws {
        let w = try churn(seed: 11)
        let population = (0..<Int32(w.customers)).map { w.customer($0) }
        for c in population {
            #expect(c.onset < c.churn, "every churn happens after a risk onset")
            #expect(c.churn > .zero, "the population is the customers still there at the start")
        }
        var ticketsHealthy = 0.0, ticketsAtRisk = 0.0, exposureHealthy = 0.0, exposureAtRisk = 0.0
        let end = SimTime.days(21)
        for c in population {
            let healthyEnd = min(max(c.onset, .zero), end)
            exposureHealthy += healthyEnd.seconds
            exposureAtRisk += max(0, (min(c.churn, end) - healthyEnd).seconds)
        }
        for case .event(let e) in items(w, horizon: .days(21)) {
            let c = population[Int(e.entity)]
            #expect(e.eventTime < c.churn, "no events after churn")
            if e.kind == .supportTicket {
                if c.isAtRisk(at: e.eventTime) { ticketsAtRisk += 1 } else { ticketsHealthy += 1 }
            }
        }
        #expect(exposureAtRisk > 0)
        // Tickets per customer-second rise about ticket_factor (5) times after onset; ~100 at-risk tickets, so 5±2.5.
        let rise = (ticketsAtRisk / exposureAtRisk) / (ticketsHealthy / exposureHealthy)
        #expect(rise > 2.5 && rise < 10, "tickets rise \(rise)×")
    }

    @Test func streamIsAPureFunctionOfScenarioAndSeed() throws {
        let a = WorkloadDescription(try churn(horizon: "3d"), horizon: .days(3))
        let b = WorkloadDescription(try churn(horizon: "3d"), horizon: .days(3))
        let c = WorkloadDescription(try churn(horizon: "3d", seed: 2), horizon: .days(3))
        #expect(a == b)
        #expect(a.checksum != c.checksum)
    }

    @Test func scaleShrinksEventsProportionally() throws {
        let small = WorkloadDescription(try churn(scale: 0.002, horizon: "2d"), horizon: .days(2))
        let large = WorkloadDescription(try churn(scale: 0.02, horizon: "2d"), horizon: .days(2))
        // ~2.4k events at the small scale: Poisson ±2% and activity spread over 2000 customers ±1.6%; 10% is ~4σ.
        let ratio = Double(small.events) / Double(large.events)
        #expect(abs(ratio - 0.1) < 0.01, "scale 0.002 vs 0.02 gives \(ratio)")
        #expect(small.entities * 10 == large.entities)
        #expect(Double(small.positivesPerDecision) < 0.2 * Double(large.positivesPerDecision), "budgets and pools scale too")
    }

    @Test func arrivalsFollowTheirSourcesAndTicketsLandAt2() throws {
        let w = try churn(horizon: "4d")
        var last = SimTime.zero
        var tickets = 0
        for item in items(w, horizon: .days(4)) {
            #expect(item.time >= last)
            last = item.time
            guard case .event(let e) = item else { continue }
            #expect(e.arrivalTime >= e.eventTime)
            if e.kind == .supportTicket {
                tickets += 1
                #expect(e.arrivalTime.microseconds % 86_400_000_000 == 2 * 3_600_000_000)
                #expect(e.arrivalTime - e.eventTime <= .days(1))
            } else {
                #expect(e.arrivalTime - e.eventTime < .minutes(10), "purchases and logins stream in within seconds")
            }
        }
        #expect(tickets > 0)
    }

    @Test func valueModelIsTheExpectedSavingLessOfferCosts() throws {
        let w = try churn()
        let population = (0..<Int32(w.customers)).map { w.customer($0) }
        let risky = try #require(population.first { $0.onset > .days(1) && $0.churn - $0.onset > .days(3) })
        let t = risky.onset + .days(1)
        let healthy = try #require(population.first { $0.onset > t + .days(1) })
        let request = DecisionRequest(id: 0, kind: .campaign, time: t, deadline: t + .hours(6), entity: -1, slateSize: 3)
        let decision = Decision(request: request, truth: Truth(positives: 1))
        let saved = 0.4 * Foundation_pow(0.5, 1.0 / 3) * risky.value
        #expect(abs(w.value(of: .contact([risky.id]), for: decision, answeredAt: t) - (saved - 5)) < 1e-9)
        #expect(abs(w.value(of: .contact([healthy.id]), for: decision, answeredAt: t) + 5) < 1e-9, "a healthy customer: cost only")
        #expect(abs(w.value(of: .contact([risky.id, risky.id, healthy.id]), for: decision, answeredAt: t) - (saved - 10)) < 1e-9,
                "a customer contacted twice counts once")
        // Three hours later the chance has decayed by 0.5^(3h/3d).
        let later = w.value(of: .contact([risky.id]), for: decision, answeredAt: t + .hours(3))
        #expect(abs(later - (saved * Foundation_pow(0.5, 1.0 / 24) - 5)) < 1e-9)
        #expect(w.value(of: .contact([risky.id]), for: decision, answeredAt: t + .hours(7)) == 0, "late: nobody contacted")
        #expect(w.value(of: nil, for: decision, answeredAt: t) == 0)
        let budgetOfOne = Decision(request: DecisionRequest(id: 0, kind: .campaign, time: t, deadline: t + .hours(6),
                                                            entity: -1, slateSize: 1), truth: Truth())
        #expect(abs(w.value(of: .contact([healthy.id, risky.id]), for: budgetOfOne, answeredAt: t) + 5) < 1e-9,
                "contacts past the budget are not made")
        let afterChurn = risky.churn + .hours(1)
        let lateDecision = Decision(request: DecisionRequest(id: 1, kind: .campaign, time: afterChurn, deadline: afterChurn + .hours(6),
                                                             entity: -1, slateSize: 1), truth: Truth())
        #expect(abs(w.value(of: .contact([risky.id]), for: lateDecision, answeredAt: afterChurn) + 5) < 1e-9, "already gone")
        #expect(w.declaredDecay == .halfLife(.days(3)))
    }

    @Test(arguments: [
        ("risk_rate: -1/d", 7, "must not be negative"),
        ("intervention_success: 150%", 7, "intervention_success must be in 0%...100%"),
        ("sources:\n  tickets: {daily_dump_at: \"25:00\"}", 8, "the hour must be 0 to 23"),
        ("customers: 0", 7, "customers must be in 1...50000000"),
        ("budgte: 10", 7, "did you mean 'budget'"),
        ("offer_cost: 5\nchurn_delay: 0", 7, "amounts start with '$'"),
        ("logins: 1/d\ncampaign_every: 10m", 8, "campaign_every must be at least 1h"),
    ])
    func badParametersAreReportedWithPositions(text: String, line: Int, message: String) throws {
        try expectDiagnostic(try scenario("churn", text, scale: 0.01, horizon: "1d"), line: line, message)
    }
}
