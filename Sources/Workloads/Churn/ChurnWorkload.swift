import RealModule
import Randomness
import ScenarioSpec
import SimKernel

/// Customer churn with risk onsets and retention campaigns.
///
/// The latent process: each of about 1M customers (at scale 1) has a base
/// activity, Gamma(`activity_shape`) with mean 1, that multiplies their
/// purchase and login rates (a diurnal, non-homogeneous Poisson process per
/// customer), and support tickets at a rate of their own. At a risk onset —
/// a per-customer hazard `risk_rate` — purchases and logins fall to
/// `activity_after_onset` of normal and tickets rise `ticket_factor`-fold,
/// so the features reveal the risk; the customer churns a lognormal
/// `churn_delay` (median 2 weeks) later, and emits nothing after. Onsets run
/// from a look-back before the start (long enough that almost every customer
/// at risk then has churned by the start, at most 3/`risk_rate`), and the
/// population is the customers still there at the start: some of them begin
/// at risk, so the at-risk pool starts near its steady state. Activity,
/// value, onset and churn time come from the customer's own split stream
/// (`customer(_:)` re-derives them in O(1)); the tickets source is a CRM
/// export landing daily at 02:00 by default.
///
/// Decision point: a retention campaign every `campaign_every` (default daily
/// at 09:00) that may contact up to `budget` customers (scaled) within the
/// action window (default 6h); truth.positives = customers at risk and not
/// yet churned then. An intervention at time t succeeds with probability
/// p₀·0.5^((t − onset)/half_life), so freshness matters because each day of
/// delay after an onset halves what a contact can save — but only a little
/// of the signal (tickets) arrives before the nightly dump.
///
/// Value of `.contact(ids)` answered at t (in time): the *expected* value,
/// Σ over the first `budget` distinct ids of (at risk and not churned at t ?
/// success probability × customer value : 0) − `offer_cost` per contact. No
/// answer, a late one or any other action is the default: contact nobody, 0.
public struct ChurnWorkload: Workload {
    public let parameters: ChurnParameters
    public let customers: Int
    /// Contacts per campaign after scaling.
    public let budget: Int
    public let seed: UInt64
    let customerStream: RandomStream
    let activity: Gamma
    let customerValue: LogNormal
    let churnDelay: LogNormal
    let onsetGap: Exponential?
    /// Seconds before the start from which onsets are drawn.
    let lookback: Double

    public init(_ parameters: ChurnParameters, scale: Double, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
        customers = max(1, Int((Double(parameters.customers) * scale).rounded()))
        budget = max(1, Int((Double(parameters.budget) * scale).rounded()))
        customerStream = RandomSource(seed: seed).source("churn").stream("customers")
        activity = Gamma(shape: parameters.activityShape, scale: 1 / parameters.activityShape)
        customerValue = LogNormal(mu: Double.log(parameters.customerValue.dollars), sigma: parameters.customerValueSigma)
        churnDelay = LogNormal(mu: Double.log(parameters.churnDelay.seconds), sigma: parameters.churnDelaySigma)
        let hazard = parameters.riskRate.perSecond
        onsetGap = hazard > 0 ? Exponential(rate: hazard) : nil
        // 3σ above the median delay, but never so far back that fewer than e⁻³ of draws land after the start.
        let longest = parameters.churnDelay.seconds * Double.exp(3 * parameters.churnDelaySigma)
        lookback = hazard > 0 ? min(longest, 3 / hazard) : 0
    }

    public var kind: WorkloadKind { .churn }
    public var entityCount: Int { customers }
    public var actionWindow: SimDuration { parameters.actionWindow }
    public var declaredDecay: ValueDecay { .halfLife(parameters.interventionHalfLife) }

    public func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator {
        ChurnGenerator(self, horizon: horizon, randomness: RandomSource(seed: seed).source("churn"))
    }

    /// A customer's latent state, re-derived from their split stream. - Complexity: O(1)
    public func customer(_ id: Int32) -> ChurnCustomer {
        var rng = customerStream.split(UInt64(UInt32(bitPattern: id)))
        let a = activity.sample(&rng)
        let value = customerValue.sample(&rng)
        guard let onsetGap else {
            return ChurnCustomer(id: id, activity: a, value: value, onset: .never, churn: .never)
        }
        // Rejection: the population is the customers who had not churned by the start.
        while true {
            let onset = -lookback + onsetGap.sample(&rng)
            let churn = SimTime(seconds: onset + churnDelay.sample(&rng))
            if churn > .zero {
                return ChurnCustomer(id: id, activity: a, value: value, onset: SimTime(seconds: onset), churn: churn)
            }
        }
    }

    /// p₀·0.5^((t − onset)/half_life) for a customer at risk at t, else 0.
    public func successProbability(_ customer: ChurnCustomer, at t: SimTime) -> Double {
        guard customer.isAtRisk(at: t) else { return 0 }
        let halfLives = (t - customer.onset).seconds / parameters.interventionHalfLife.seconds
        return parameters.interventionSuccess * Double.pow(0.5, halfLives)
    }

    public func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double {
        guard answeredAt <= decision.request.deadline, case .contact(let ids)? = action else {
            return decision.truth.defaultValue
        }
        var contacted = Set<Int32>()
        var total = 0.0
        for id in ids.prefix(Int(decision.request.slateSize)) where contacted.insert(id).inserted {
            total -= parameters.offerCost.dollars
            guard id >= 0, Int(id) < customers else { continue }
            let c = customer(id)
            total += successProbability(c, at: answeredAt) * c.value
        }
        return total
    }
}

/// One customer's latent state.
public struct ChurnCustomer: Hashable, Sendable {
    public var id: Int32
    /// Multiplies the purchase and login rates; mean 1 over the population.
    public var activity: Double
    /// Dollars kept if the customer stays.
    public var value: Double
    /// When the risk began (before the start for some); `.never` without a hazard.
    public var onset: SimTime
    /// When the customer leaves unless an intervention succeeds; after `onset`.
    public var churn: SimTime

    public func isAtRisk(at t: SimTime) -> Bool { onset <= t && t < churn }
}

/// Everything a scenario may set under `workload:` for `kind: churn`.
public struct ChurnParameters: Hashable, Sendable {
    public var customers = 1_000_000
    /// Gamma shape of per-customer activity (mean 1): smaller is more unequal.
    public var activityShape = 2.0
    /// Per customer at activity 1, before the diurnal shape.
    public var purchases = Rate(0.1, per: .day)
    public var logins = Rate(0.5, per: .day)
    public var tickets = Rate(0.01, per: .day)
    public var diurnal = DiurnalProfile.consumer
    public var purchaseMedian = Money(dollars: 40)
    public var purchaseSigma = 0.8
    /// Per-customer hazard of a risk onset.
    public var riskRate = Rate(0.003, per: .day)
    /// Share of normal purchase and login activity kept after an onset.
    public var activityAfterOnset = 0.3
    /// Tickets multiply by this after an onset.
    public var ticketFactor = 5.0
    /// Median time from onset to churn (lognormal).
    public var churnDelay = SimDuration.days(14)
    public var churnDelaySigma = 0.5
    /// Median dollars a customer who stays is worth (lognormal).
    public var customerValue = Money(dollars: 200)
    public var customerValueSigma = 0.8
    /// p₀: the chance an intervention at the onset itself succeeds.
    public var interventionSuccess = 0.4
    public var interventionHalfLife = SimDuration.days(3)
    public var offerCost = Money(dollars: 5)
    public var campaignAt = TimeOfDay(hour: 9, minute: 0)
    public var campaignEvery = SimDuration.days(1)
    /// Customers a campaign may contact, at scale 1.
    public var budget = 2_000
    public var actionWindow = SimDuration.hours(6)
    public var purchaseDelay = ArrivalDelay.lognormal(median: .seconds(5), sigma: 1)
    public var loginDelay = ArrivalDelay.lognormal(median: .seconds(2), sigma: 1)
    public var ticketDelay = ArrivalDelay.dailyDump(at: .hours(2))

    public init() {}

    /// Reads every key, each with its default; bad values are reported with positions.
    public static func read(_ r: inout MappingReader) -> ChurnParameters {
        var p = ChurnParameters()
        let perCustomer = Requirement<Rate>.atMost(Rate(1000, per: .day))
        p.customers = r.optional("customers", default: p.customers, in: 1...50_000_000)
        p.activityShape = r.optional("activity_shape", default: p.activityShape, in: 0.1...100)
        p.purchases = r.optional("purchases", default: p.purchases, perCustomer)
        p.logins = r.optional("logins", default: p.logins, perCustomer)
        p.tickets = r.optional("tickets", default: p.tickets, perCustomer)
        p.diurnal = DiurnalProfile.read(&r, key: "diurnal", default: p.diurnal)
        p.purchaseMedian = r.optional("purchase_median", default: p.purchaseMedian, .greaterThan(Money(dollars: 0)))
        p.purchaseSigma = r.optional("purchase_sigma", default: p.purchaseSigma, in: 0...3)
        p.riskRate = r.optional("risk_rate", default: p.riskRate, .atMost(Rate(0.1, per: .day)))
        p.activityAfterOnset = r.share("activity_after_onset", default: p.activityAfterOnset)
        p.ticketFactor = r.optional("ticket_factor", default: p.ticketFactor, in: 1...100)
        p.churnDelay = r.optional("churn_delay", default: p.churnDelay, .positive)
        p.churnDelaySigma = r.optional("churn_delay_sigma", default: p.churnDelaySigma, in: 0...1.5)
        p.customerValue = r.optional("customer_value", default: p.customerValue, .greaterThan(Money(dollars: 0)))
        p.customerValueSigma = r.optional("customer_value_sigma", default: p.customerValueSigma, in: 0...3)
        p.interventionSuccess = r.share("intervention_success", default: p.interventionSuccess)
        p.interventionHalfLife = r.optional("intervention_half_life", default: p.interventionHalfLife, .positive)
        p.offerCost = r.optional("offer_cost", default: p.offerCost)
        p.campaignAt = r.optional("campaign_at", default: p.campaignAt)
        p.campaignEvery = r.optional("campaign_every", default: p.campaignEvery, .atLeast(.hours(1)))
        p.budget = r.optional("budget", default: p.budget, in: 1...10_000_000)
        p.actionWindow = r.optional("action_window", default: p.actionWindow, .positive)
        ArrivalDelay.readSources(&r, into: &p, [("purchases", \.purchaseDelay), ("logins", \.loginDelay),
                                                ("tickets", \.ticketDelay)])
        return p
    }
}
