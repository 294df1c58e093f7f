import RealModule
import Randomness
import ScenarioSpec
import SimKernel

/// A feed recommender with three tempos: daily tastes, a catalogue and
/// trends that move by the minute, and a session intent that moves within
/// minutes.
///
/// The latent process: the ui workload's sessions (`SessionProcess`), for
/// users whose long-term taste over `topics` topics drifts daily (an
/// `InterestWalk` on UTC days, like the digest's interests). A session's
/// intent is drawn from the user's taste of the day at its start and
/// redrawn, to another topic by taste, at the jumps of a Poisson process at
/// `intent_shift_rate`. The catalogue changes continuously (`ItemCatalogue`):
/// `items` a day are published through the day, each with a topic vector, a
/// quality, and a lognormal lifetime after which it expires; an item's hype
/// fades from 1 at publication towards `trend_floor` with half-life
/// `trend_half_life`, so what is trending changes by the hour. A click
/// lands on a live item with probability ∝ its click probability (below,
/// without the position discount).
///
/// So each tempo matters: a daily embedding tracks taste, minute-level
/// updates track the catalogue and its trends, and request-time re-ranking
/// tracks the session's intent.
///
/// Decision point: every homepage (feed) load (kind `page_load`, slate size
/// `slate_size`, action window default 100ms). Truth: topic = the intent;
/// vector = the user's taste today; label = the intent has shifted since
/// the session began.
///
/// Value of `.ranking(items)` answered in time: expected clicks ×
/// `click_value`, Σ over the first `slate_size` distinct items live at the
/// request (position p from 0) of min(1, `ctr` × quality × hype(age) ×
/// relevance) / log2(p + 2), relevance = (1 − `intent_weight`)·taste·topics
/// + `intent_weight`·topics[intent]. No answer, a late one or another action:
/// the default slate — the live items with the most clicks so far, refreshed
/// every `popular_refresh` — scored the same way.
public struct RecsysWorkload: Workload {
    public let parameters: RecsysParameters
    public let users: Int
    public let seed: UInt64
    let catalogue: ItemCatalogue
    let walk: InterestWalk

    public init(_ parameters: RecsysParameters, scale: Double, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
        users = max(1, Int((Double(parameters.users) * scale).rounded()))
        let source = RandomSource(seed: seed).source("recsys")
        catalogue = ItemCatalogue(topics: parameters.topics, perDay: parameters.items.perSecond * Day.seconds * scale,
                                  growth: 0, profile: parameters.diurnal, topicAlpha: parameters.itemTopicAlpha,
                                  lifetimeMedian: parameters.itemLifetime, lifetimeSigma: parameters.itemLifetimeSigma,
                                  stream: source.stream("items"))
        walk = InterestWalk(topics: parameters.topics, concentration: parameters.tasteConcentration,
                            drift: parameters.tasteDrift, stream: source.stream("tastes"))
    }

    public var kind: WorkloadKind { .recsys }
    public var entityCount: Int { users }
    public var actionWindow: SimDuration { parameters.actionWindow }
    public var declaredDecay: ValueDecay { .deadline }

    public func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator {
        RecsysGenerator(self, horizon: horizon, randomness: RandomSource(seed: seed).source("recsys"))
    }

    /// The user's taste on a UTC day (sums to 1). - Complexity: O(day × topics)
    public func taste(of user: Int32, onDay day: Int) -> [Float] { walk.interests(of: user, onDay: day) }

    /// The item with this id, or nil. - Complexity: O(log days + topics)
    public func item(_ id: Int32) -> CatalogueItem? { catalogue.item(id) }

    /// From 1 at publication towards `trend_floor`, halving the difference every `trend_half_life`.
    public func hype(ageSeconds age: Double) -> Double {
        let floor = parameters.trendFloor
        return floor + (1 - floor) * Double.exp2(-age / parameters.trendHalfLife.seconds)
    }

    /// (1 − intent_weight)·taste·topics + intent_weight·topics[intent], in 0...1.
    func relevance(_ topics: UnsafeBufferPointer<Float>, taste: UnsafeBufferPointer<Float>, intent: Int32) -> Double {
        let w = parameters.intentWeight
        return (1 - w) * dot(taste, topics) + w * Double(topics[Int(intent)])
    }

    /// The chance a live item is clicked at the first position, for this taste and intent at `t`.
    public func clickProbability(_ item: CatalogueItem, taste: [Float], intent: Int32, at t: SimTime) -> Double {
        guard item.isLive(at: t) else { return 0 }
        let rel = taste.withUnsafeBufferPointer { tp in
            item.topics.withUnsafeBufferPointer { relevance($0, taste: tp, intent: intent) }
        }
        return min(1, parameters.ctr * item.quality * hype(ageSeconds: (t - item.published).seconds) * rel)
    }

    /// Expected clicks × click value of the first `size` distinct live items of `slate`.
    public func slateValue(_ slate: [CatalogueItem], taste: [Float], intent: Int32, at t: SimTime, size: Int) -> Double {
        var seen = Set<Int32>()
        var clicks = 0.0
        for item in slate where seen.count < size && item.isLive(at: t) && seen.insert(item.id).inserted {
            clicks += clickProbability(item, taste: taste, intent: intent, at: t) / Double.log2(Double(seen.count + 1))
        }
        return clicks * parameters.clickValue.dollars
    }

    public func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double {
        guard answeredAt <= decision.request.deadline, case .ranking(let ids)? = action else {
            return decision.truth.defaultValue
        }
        return slateValue(ids.compactMap { catalogue.item($0) }, taste: decision.truth.vector, intent: decision.truth.topic,
                          at: decision.request.time, size: Int(decision.request.slateSize))
    }
}

/// Everything a scenario may set under `workload:` for `kind: recsys`.
public struct RecsysParameters: Hashable, Sendable, SessionParameters {
    public var users = 1_000_000
    public var sessions = Rate(1, per: .day)
    public var diurnal = DiurnalProfile.consumer
    public var sessionLength = SimDuration.minutes(8)
    public var sessionLengthSigma = 0.8
    public var actionRate = Rate(2, per: .minute)
    public var homepageShare = 0.25
    public var intentShiftRate = Rate(20, per: .hour)
    public var slateSize = 10
    public var actionWindow = SimDuration.milliseconds(100)
    public var topics = 16
    public var tasteConcentration = 1.5
    /// Standard deviation of each day's step of the taste logits.
    public var tasteDrift = 0.3
    /// Items published per day at scale 1.
    public var items = Rate(20_000, per: .day)
    public var itemLifetime = SimDuration.days(3)
    public var itemLifetimeSigma = 0.5
    public var itemTopicAlpha = 0.3
    public var trendHalfLife = SimDuration.hours(6)
    /// The hype an old item keeps, as a share of a new one's.
    public var trendFloor = 0.2
    /// Weight of the session intent against the long-term taste in relevance.
    public var intentWeight = 0.5
    /// Click chance of a top-quality, brand-new item matching taste and intent perfectly, first in the slate.
    public var ctr = 0.5
    public var clickValue = Money(dollars: 0.05)
    public var popularRefresh = SimDuration.hours(1)
    public var clickDelay = ArrivalDelay.lognormal(median: .seconds(2), sigma: 1)
    public var pageViewDelay = ArrivalDelay.lognormal(median: .seconds(2), sigma: 1)
    public var publicationDelay = ArrivalDelay.lognormal(median: .seconds(10), sigma: 0.5)

    public init() {}

    /// Reads every key, each with its default; bad values are reported with positions.
    public static func read(_ r: inout MappingReader) -> RecsysParameters {
        var p = RecsysParameters()
        p.readSessions(&r)
        p.topics = r.optional("topics", default: p.topics, in: 2...64)
        p.tasteConcentration = r.optional("taste_concentration", default: p.tasteConcentration, in: 0...10)
        p.tasteDrift = r.optional("taste_drift", default: p.tasteDrift, in: 0...5)
        p.items = r.optional("items", default: p.items, .within(Rate(1, per: .day)...Rate(10_000_000, per: .day)))
        p.itemLifetime = r.optional("item_lifetime", default: p.itemLifetime, .within(.hours(1)...SimDuration.days(60)))
        p.itemLifetimeSigma = r.optional("item_lifetime_sigma", default: p.itemLifetimeSigma, in: 0...1)
        p.itemTopicAlpha = r.optional("item_topic_alpha", default: p.itemTopicAlpha, in: 0.01...10)
        p.trendHalfLife = r.optional("trend_half_life", default: p.trendHalfLife, .positive)
        p.trendFloor = r.share("trend_floor", default: p.trendFloor)
        p.intentWeight = r.share("intent_weight", default: p.intentWeight)
        p.ctr = r.share("ctr", default: p.ctr)
        p.clickValue = r.optional("click_value", default: p.clickValue)
        p.popularRefresh = r.optional("popular_refresh", default: p.popularRefresh, .atLeast(.seconds(1)))
        ArrivalDelay.readSources(&r, into: &p, [("clicks", \.clickDelay), ("page_views", \.pageViewDelay),
                                                ("publications", \.publicationDelay)])
        return p
    }
}
