import RealModule
import Randomness
import SimKernel

/// Streams a churn workload in time order: every customer's purchases,
/// logins and tickets, their risk onsets and churns (silent: only their
/// effect on the events shows), and the campaigns, merged.
///
/// Each customer's events are a Poisson process whose rates change at two
/// boundaries, the onset and the churn; the generator keeps one entry per
/// customer in a heap — the next candidate event, or the next boundary if
/// the candidate would fall past it (memorylessness lets the draw restart
/// there) — and thins candidates by the diurnal profile. Memory is O(live
/// customers): the population is the active state of this workload.
struct ChurnGenerator: WorkloadGenerator {
    struct Customer {
        /// The next onset (while healthy) or churn (while at risk).
        var boundary: SimTime
        var id: Int32
        var activity: Float
        var atRisk: Bool
    }

    let workload: ChurnWorkload
    let horizon: SimTime
    let profile: DiurnalProfile
    let purchaseRate, loginRate, ticketRate: Double
    let keep, ticketFactor: Double
    let amount: LogNormal
    let unitGap = Exponential(rate: 1)

    var customers = EventQueue<Customer>()
    var sequence: UInt64 = 0
    /// Customers at risk and not yet churned, as of the last entry processed.
    private(set) var atRisk: Int32 = 0
    var nextCampaign: SimTime
    var nextDecisionID: Int64 = 0
    var gaps, thinning, amounts, delays: RandomStream

    init(_ workload: ChurnWorkload, horizon: SimDuration, randomness: RandomSource) {
        self.workload = workload
        self.horizon = SimTime.zero + horizon
        let p = workload.parameters
        profile = p.diurnal
        purchaseRate = p.purchases.perSecond
        loginRate = p.logins.perSecond
        ticketRate = p.tickets.perSecond
        keep = p.activityAfterOnset
        ticketFactor = p.ticketFactor
        amount = LogNormal(mu: Double.log(p.purchaseMedian.dollars), sigma: p.purchaseSigma)
        gaps = randomness.stream("event-gaps")
        thinning = randomness.stream("thinning")
        amounts = randomness.stream("amounts")
        delays = randomness.stream("arrival-delays")
        nextCampaign = SimTime.zero + p.campaignAt.sinceMidnight
        customers = EventQueue(capacity: workload.customers)
        for id in 0..<Int32(workload.customers) {
            let c = workload.customer(id)
            let risky = c.isAtRisk(at: .zero)
            if risky { atRisk += 1 }
            schedule(Customer(boundary: risky ? c.churn : c.onset, id: id, activity: Float(c.activity), atRisk: risky),
                     after: .zero)
        }
    }

    /// Purchase, login and ticket rates per second, before the diurnal shape.
    func rates(_ c: Customer) -> (purchase: Double, login: Double, ticket: Double) {
        let a = Double(c.activity) * (c.atRisk ? keep : 1)
        return (purchaseRate * a, loginRate * a, ticketRate * (c.atRisk ? ticketFactor : 1))
    }

    /// Pushes the customer's next candidate event after `time` at the peak rate, or its boundary.
    mutating func schedule(_ c: Customer, after time: SimTime) {
        let r = rates(c)
        let total = (r.purchase + r.login + r.ticket) * profile.peak
        var at = c.boundary
        if total > 0 {
            let candidate = time + SimDuration(seconds: unitGap.sample(&gaps) / total)
            if candidate < c.boundary { at = candidate }
        }
        guard at != .never else { return }
        customers.push(ScheduledEvent(time: at, sequence: sequence, payload: c))
        sequence &+= 1
    }

    mutating func next() -> WorkloadItem? {
        while true {
            let t = customers.min?.time ?? .never
            // Entries at the campaign's own time go first: positives count onsets and churns up to it.
            if nextCampaign < t {
                guard nextCampaign < horizon else { return nil }
                return campaign()
            }
            guard t < horizon else { return nil }
            let entry = customers.popMin()!
            var c = entry.payload
            if entry.time == c.boundary {
                if c.atRisk {
                    atRisk -= 1  // churned: no more events
                } else {
                    atRisk += 1
                    c.atRisk = true
                    c.boundary = workload.customer(c.id).churn
                    schedule(c, after: entry.time)
                }
                continue
            }
            schedule(c, after: entry.time)
            // Thinning: candidates come at the peak rate, kept in proportion to the hour's factor.
            guard thinning.nextUniform() * profile.peak < profile.factor(at: entry.time.seconds) else { continue }
            return .event(event(for: c, at: entry.time))
        }
    }

    mutating func event(for c: Customer, at time: SimTime) -> DomainEvent {
        let r = rates(c)
        let u = thinning.nextUniform() * (r.purchase + r.login + r.ticket)
        let p = workload.parameters
        if u < r.purchase {
            let value = (amount.sample(&amounts) * 100).rounded() / 100
            return DomainEvent(kind: .purchase, eventTime: time, arrivalTime: p.purchaseDelay.arrival(for: time, &delays),
                               entity: c.id, amount: value)
        } else if u < r.purchase + r.login {
            return DomainEvent(kind: .login, eventTime: time, arrivalTime: p.loginDelay.arrival(for: time, &delays), entity: c.id)
        }
        return DomainEvent(kind: .supportTicket, eventTime: time, arrivalTime: p.ticketDelay.arrival(for: time, &delays),
                           entity: c.id)
    }

    mutating func campaign() -> WorkloadItem {
        let time = nextCampaign
        nextCampaign = time + workload.parameters.campaignEvery
        let request = DecisionRequest(id: nextDecisionID, kind: .campaign, time: time, deadline: time + workload.actionWindow,
                                      entity: -1, slateSize: Int32(workload.budget))
        nextDecisionID += 1
        return .decision(Decision(request: request, truth: Truth(positives: atRisk)))
    }
}
