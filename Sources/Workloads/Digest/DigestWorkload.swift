import RealModule
import Randomness
import ScenarioSpec
import SimKernel

/// A daily email digest: one email per user at 06:00 in the user's own time
/// zone, listing the items most likely to be clicked.
///
/// The latent process: each user's interests over `topics` topics drift as a
/// daily random walk on logits (`InterestWalk`: day d of user u re-derived
/// from u's split stream), read in the user's local days. Items are published
/// through the (UTC) day with a diurnal shape, each with a topic vector
/// (Dirichlet), a quality (Beta(2, 3)) and a fixed lifetime (`ItemCatalogue`).
/// Users click items on the site at `clicks` a day (diurnal in their local
/// time), choosing among live items with probability ∝ relevance × quality ×
/// freshness — the clicks are what reveal their interests. Users and items per
/// day both grow by `growth` a day, so a batch job over all users and fresh
/// items takes longer every day until it overruns the send time. Users are
/// spread evenly over `time_zones` (user u in zone u mod zones).
///
/// Decision point: one email per user and local day (kind `email`, slate size
/// `slate_size`). The email goes out at `send_at` local whatever happens, so
/// the deadline is the send time and the decision time is the send time less
/// `action_window`: the time a batch has to produce the list. Truth.vector =
/// the user's interests on the day of the send. Freshness matters because
/// interests drift daily and the freshest items are worth most: an item's
/// worth halves every `freshness_half_life` of age at the send.
///
/// Value of `.ranking(items)` answered in time: expected clicks × `click_value`,
/// expected clicks = Σ over the first `slate_size` distinct items live at the
/// send of `ctr` × relevance(interests at send, item topics) × quality ×
/// 0.5^(age at send / `freshness_half_life`). No list ready (no answer, a late
/// one, another action): the generic list of the most-clicked live items goes
/// out instead, worth `truth.defaultValue` by the same formula.
public struct DigestWorkload: Workload {
    public let parameters: DigestParameters
    /// Users on day 0; day d has users × (1 + growth)^d.
    public let users: Int
    public let seed: UInt64
    let catalogue: ItemCatalogue
    let walk: InterestWalk
    /// Per zone, the offset of local time from UTC.
    let offsets: [SimDuration]

    public init(_ parameters: DigestParameters, scale: Double, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
        users = max(1, Int((Double(parameters.users) * scale).rounded()))
        let source = RandomSource(seed: seed).source("digest")
        catalogue = ItemCatalogue(topics: parameters.topics, perDay: parameters.items.perSecond * Day.seconds * scale,
                                  growth: parameters.growth, profile: parameters.diurnal,
                                  topicAlpha: parameters.itemTopicAlpha, lifetimeMedian: parameters.itemLifetime,
                                  lifetimeSigma: 0, stream: source.stream("items"))
        walk = InterestWalk(topics: parameters.topics, concentration: parameters.interestConcentration,
                            drift: parameters.interestDrift, stream: source.stream("interests"))
        offsets = parameters.timeZones.map { SimDuration(seconds: ($0 * 3600).rounded()) }
    }

    public var kind: WorkloadKind { .digest }
    public var entityCount: Int { users }
    public var actionWindow: SimDuration { parameters.actionWindow }
    public var declaredDecay: ValueDecay { .deadline }

    public func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator {
        DigestGenerator(self, horizon: horizon, randomness: RandomSource(seed: seed).source("digest"))
    }

    /// Users who have joined by `day` (UTC): they click and get emails from then on.
    public func users(onDay day: Int) -> Int {
        let n = Double(users) * Double.pow(1 + parameters.growth, Double(max(day, 0)))
        return Int(min(n.rounded(), Double(Int32.max)))
    }

    public func zone(of user: Int32) -> Int { Int(user) % offsets.count }
    public func utcOffset(of user: Int32) -> SimDuration { offsets[zone(of: user)] }

    /// When the email of `localDay` goes out to users of `zone`.
    public func sendTime(zone: Int, localDay: Int) -> SimTime {
        Day.start(localDay) + parameters.sendAt.sinceMidnight - offsets[zone]
    }

    /// The day `t` falls on in `user`'s time zone.
    public func localDay(of user: Int32, at t: SimTime) -> Int { Day.index(t + utcOffset(of: user)) }

    /// The user's interests on a local day (sums to 1). - Complexity: O(day × topics)
    public func interests(of user: Int32, onLocalDay day: Int) -> [Float] { walk.interests(of: user, onDay: day) }

    /// The item with this id, or nil. - Complexity: O(log days + topics)
    public func item(_ id: Int32) -> CatalogueItem? { catalogue.item(id) }

    /// Expected clicks of one item in an email sent at `send` to a reader with `interests`.
    public func expectedClicks(_ item: CatalogueItem, interests: [Float], sentAt send: SimTime) -> Double {
        guard item.isLive(at: send) else { return 0 }
        let age = (send - item.published).seconds
        return parameters.ctr * item.relevance(to: interests) * item.quality
            * Double.pow(0.5, age / parameters.freshnessHalfLife.seconds)
    }

    /// What an email of `items` earns: expected clicks × click value.
    public func emailValue(_ items: [CatalogueItem], interests: [Float], sentAt send: SimTime) -> Double {
        items.reduce(0) { $0 + expectedClicks($1, interests: interests, sentAt: send) } * parameters.clickValue.dollars
    }

    public func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double {
        guard answeredAt <= decision.request.deadline, case .ranking(let ids)? = action else {
            return decision.truth.defaultValue
        }
        var seen = Set<Int32>()
        var chosen: [CatalogueItem] = []
        for id in ids where chosen.count < Int(decision.request.slateSize) && seen.insert(id).inserted {
            if let item = catalogue.item(id) { chosen.append(item) }
        }
        return emailValue(chosen, interests: decision.truth.vector, sentAt: decision.request.deadline)
    }
}

/// Everything a scenario may set under `workload:` for `kind: digest`.
public struct DigestParameters: Hashable, Sendable {
    public var users = 1_000_000
    public var topics = 8
    /// Standard deviation of the initial interest logits: larger is more focused.
    public var interestConcentration = 1.5
    /// Standard deviation of each day's step of the logits.
    public var interestDrift = 0.3
    /// Clicks per user on the site.
    public var clicks = Rate(2, per: .day)
    /// Items published on day 0 at scale 1.
    public var items = Rate(20_000, per: .day)
    /// Daily growth of users and of items per day.
    public var growth = 0.02
    public var diurnal = DiurnalProfile.consumer
    /// Dirichlet concentration of item topic vectors: small is one topic per item.
    public var itemTopicAlpha = 0.3
    public var itemLifetime = SimDuration.days(3)
    public var freshnessHalfLife = SimDuration.hours(12)
    /// Click probability of a perfectly relevant, top-quality, brand-new item.
    public var ctr = 0.05
    public var clickValue = Money(dollars: 0.05)
    public var slateSize = 10
    public var sendAt = TimeOfDay(hour: 6, minute: 0)
    public var actionWindow = SimDuration.hours(6)
    /// UTC offsets in hours; users are spread evenly over them.
    public var timeZones: [Double] = [-8, -5, -3, 0, 1, 2, 3, 5.5, 8, 9]
    public var clickDelay = ArrivalDelay.lognormal(median: .minutes(1), sigma: 1)
    public var publicationDelay = ArrivalDelay.lognormal(median: .seconds(10), sigma: 0.5)

    public init() {}

    /// Reads every key, each with its default; bad values are reported with positions.
    public static func read(_ r: inout MappingReader) -> DigestParameters {
        var p = DigestParameters()
        p.users = r.optional("users", default: p.users, in: 1...50_000_000)
        p.topics = r.optional("topics", default: p.topics, in: 2...64)
        p.interestConcentration = r.optional("interest_concentration", default: p.interestConcentration, in: 0...10)
        p.interestDrift = r.optional("interest_drift", default: p.interestDrift, in: 0...5)
        p.clicks = r.optional("clicks", default: p.clicks, .atMost(Rate(1000, per: .day)))
        p.items = r.optional("items", default: p.items, .within(Rate(1, per: .day)...Rate(10_000_000, per: .day)))
        p.growth = r.share("growth", default: p.growth, in: 0...0.2)
        p.diurnal = DiurnalProfile.read(&r, key: "diurnal", default: p.diurnal)
        p.itemTopicAlpha = r.optional("item_topic_alpha", default: p.itemTopicAlpha, in: 0.01...10)
        p.itemLifetime = r.optional("item_lifetime", default: p.itemLifetime, .within(.hours(1)...SimDuration.days(60)))
        p.freshnessHalfLife = r.optional("freshness_half_life", default: p.freshnessHalfLife, .positive)
        p.ctr = r.share("ctr", default: p.ctr)
        p.clickValue = r.optional("click_value", default: p.clickValue)
        p.slateSize = r.optional("slate_size", default: p.slateSize, in: 1...100)
        p.sendAt = r.optional("send_at", default: p.sendAt)
        p.actionWindow = r.optional("action_window", default: p.actionWindow, .within(.minutes(1)...SimDuration.days(1)))
        if let node = r.take("time_zones") {
            if case .sequence(let items) = node.content, !items.isEmpty {
                var zones: [Double] = []
                for item in items {
                    guard let zone = Double.read(item, r.diagnostics) else { continue }
                    if (-12...14).contains(zone) && (zone * 4).rounded() == zone * 4 {
                        zones.append(zone)
                    } else {
                        r.diagnostics.error("a time zone must be a UTC offset in hours from -12 to 14, in quarter hours, found \(plainNumber(zone))", at: item)
                    }
                }
                if zones.count == items.count { p.timeZones = zones }
            } else {
                r.diagnostics.error("expected a non-empty list of UTC offsets in hours for 'time_zones', like [-5, 0, 5.5], found \(node.foundDescription)", at: node)
            }
        }
        ArrivalDelay.readSources(&r, into: &p, [("clicks", \.clickDelay), ("publications", \.publicationDelay)])
        return p
    }
}

/// `5.5`, `-8`: a number as a user writes it.
func plainNumber(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
