import Randomness
import ScenarioSpec
import SimKernel

/// Card authorizations with account-compromise episodes.
///
/// The latent process: legitimate authorizations arrive as a non-homogeneous
/// Poisson process with a diurnal profile (about 10M a day at scale 1), each
/// for a user (heavy users are more active: user = ⌊U·u^skew⌋), a merchant
/// (Zipf popularity) and a lognormal amount. Compromise episodes start as a
/// Poisson process (per-user hazard × users) on a random user and last a
/// lognormal time; during one, a fraudster bursts authorizations on the card
/// at `burst_rate`, at risky merchants (the least popular tail of the
/// catalogue) and with amounts `burst_amount_factor` times larger.
///
/// Label: the authorization happened inside a compromise episode. Only fresh
/// per-user counts see a burst, which lasts minutes: this is why freshness
/// matters here. Decision point: every authorization, answered within the
/// action window (default 200ms). Value: the amount saved when a labelled
/// authorization is blocked in time; `friction_cost` lost when a legitimate
/// one is blocked; nothing for an approval or a late answer (the default is
/// to approve).
public struct FraudWorkload: Workload {
    public let parameters: FraudParameters
    public let users: Int
    public let merchants: Int
    public let authorizationsPerSecond: Double
    public let seed: UInt64

    public init(_ parameters: FraudParameters, scale: Double, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
        users = max(1, Int((Double(parameters.users) * scale).rounded()))
        merchants = max(10, Int((Double(parameters.merchants) * scale).rounded()))
        authorizationsPerSecond = parameters.authorizations.perSecond * scale
    }

    public var kind: WorkloadKind { .fraud }
    public var entityCount: Int { users }
    public var actionWindow: SimDuration { parameters.actionWindow }
    public var declaredDecay: ValueDecay { .deadline }

    /// Merchants at or above this id are the risky tail.
    public var firstRiskyMerchant: Int32 {
        Int32(max(0, min(merchants - 1, Int(Double(merchants) * (1 - parameters.riskyMerchantShare)))))
    }

    public func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator {
        FraudGenerator(self, horizon: horizon, randomness: RandomSource(seed: seed).source("fraud"))
    }

    public func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double {
        guard answeredAt <= decision.request.deadline, action == .block else { return 0 }
        return decision.truth.label ? decision.request.amount : -parameters.frictionCost.dollars
    }
}

/// Everything a scenario may set under `workload:` for `kind: fraud`.
public struct FraudParameters: Hashable, Sendable {
    public var users = 2_000_000
    public var merchants = 100_000
    public var authorizations = Rate(10_000_000, per: .day)
    public var diurnal = DiurnalProfile.consumer
    /// Skew of activity across users: 1 is uniform, larger concentrates on heavy users.
    public var activitySkew = 1.5
    /// Per-user hazard of a compromise starting.
    public var compromiseRate = Rate(0.0005, per: .day)
    public var compromiseDuration = SimDuration.minutes(20)
    public var compromiseDurationSigma = 1.0
    /// Fraudulent authorizations per second during an episode.
    public var burstRate = Rate(2, per: .minute)
    public var burstAmountFactor = 1.5
    public var riskyMerchantShare = 0.02
    /// Share of fraudulent authorizations at risky merchants.
    public var fraudAtRiskyMerchants = 0.3
    public var amountMedian = Money(dollars: 40)
    public var amountSigma = 1.0
    public var actionWindow = SimDuration.milliseconds(200)
    public var frictionCost = Money(dollars: 5)
    public var authorizationDelay = ArrivalDelay.lognormal(median: .milliseconds(500), sigma: 1)

    public init() {}

    /// Reads every key, each with its default; bad values are reported with positions.
    public static func read(_ r: inout MappingReader) -> FraudParameters {
        var p = FraudParameters()
        p.users = r.optional("users", default: p.users, in: 1...50_000_000)
        p.merchants = r.optional("merchants", default: p.merchants, in: 10...10_000_000)
        p.authorizations = r.optional("authorizations", default: p.authorizations, .greaterThan(Rate(perSecond: 0)))
        p.diurnal = DiurnalProfile.read(&r, key: "diurnal", default: p.diurnal)
        p.activitySkew = r.optional("activity_skew", default: p.activitySkew, in: 1...5)
        p.compromiseRate = r.optional("compromise_rate", default: p.compromiseRate, .atMost(Rate(1, per: .hour)))
        p.compromiseDuration = r.optional("compromise_duration", default: p.compromiseDuration, .positive)
        p.compromiseDurationSigma = r.optional("compromise_duration_sigma", default: p.compromiseDurationSigma, in: 0...3)
        p.burstRate = r.optional("burst_rate", default: p.burstRate, .greaterThan(Rate(perSecond: 0)))
        p.burstAmountFactor = r.optional("burst_amount_factor", default: p.burstAmountFactor, in: 0.01...100)
        p.riskyMerchantShare = r.optional("risky_merchant_share", default: Percentage(fraction: p.riskyMerchantShare),
                                          in: Percentage(fraction: 0.001)...Percentage(fraction: 0.5)).fraction
        p.fraudAtRiskyMerchants = r.optional("fraud_at_risky_merchants", default: Percentage(fraction: p.fraudAtRiskyMerchants),
                                             in: Percentage(fraction: 0)...Percentage(fraction: 1)).fraction
        p.amountMedian = r.optional("amount_median", default: p.amountMedian, .greaterThan(Money(dollars: 0)))
        p.amountSigma = r.optional("amount_sigma", default: p.amountSigma, in: 0...3)
        p.actionWindow = r.optional("action_window", default: p.actionWindow, .positive)
        p.frictionCost = r.optional("friction_cost", default: p.frictionCost, .atLeast(Money(dollars: 0)))
        ArrivalDelay.readSources(&r, into: &p, [("authorizations", \.authorizationDelay)])
        return p
    }
}
