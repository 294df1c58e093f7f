import RealModule
import Randomness
import ScenarioSpec
import SimKernel

/// Homepage personalisation: rank a slate at each page load, for a session
/// whose intent shifts within minutes.
///
/// The latent process: users start sessions (`SessionProcess`: diurnal
/// Poisson starts, lognormal lengths, actions at `action_rate`, each a
/// homepage load with probability `homepage_share`, else a click). Each
/// session has an intent topic, drawn at its start from the topics'
/// popularity (Zipf(`topic_skew`)) and redrawn — to another topic — at the
/// jumps of a Poisson process at `intent_shift_rate`: a Markov jump process.
/// A click lands on a topic that is the current intent with probability
/// `intent_focus` (else a topic drawn by popularity), then on an item of that
/// topic by appeal. Items map to topics deterministically: item i is about
/// topic i mod topics and is the (i div topics)-th most appealing of it, with
/// appeal (rank + 1)^−`popularity_skew`. Only the session's last few clicks
/// reveal its intent: this is why freshness matters.
///
/// Decision point: every homepage load (kind `page_load`, slate size
/// `slate_size`, action window default 100ms). Truth: topic = the intent at
/// the load; label = the intent has shifted since the session began.
///
/// Value of `.ranking(items)` answered in time: expected clicks ×
/// `click_value`, Σ over the first `slate_size` distinct items (position p
/// from 0) of `ctr` × appeal × (item on the intent ? 1 : `off_intent_factor`)
/// / log2(p + 2). No answer, a late one or another action: the default slate
/// of globally most-clicked items, scored the same way.
public struct UIWorkload: Workload {
    public let parameters: UIParameters
    public let users: Int
    public let items: Int
    public let seed: UInt64
    let topicPopularity: Empirical
    /// Per topic, the Zipf of its items' appeal ranks (nil when `popularity_skew` is 0: uniform).
    let itemRanks: [Zipf?]
    let itemsPerTopic: [Int]
    /// The default slate: the items with the largest share of all clicks.
    public let popularSlate: [Int32]

    public init(_ parameters: UIParameters, scale: Double, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
        users = max(1, Int((Double(parameters.users) * scale).rounded()))
        let t = parameters.topics
        let items = max(max(100, t), Int((Double(parameters.items) * scale).rounded()))
        self.items = items
        let weights = (0..<t).map { Double.pow(Double($0 + 1), -parameters.topicSkew) }
        topicPopularity = Empirical(weights: weights)
        let s = parameters.popularitySkew
        let perTopic = (0..<t).map { (items - $0 + t - 1) / t }
        itemsPerTopic = perTopic
        itemRanks = perTopic.map { s > 0 ? Zipf(n: $0, exponent: s) : nil }
        // Click share of item i ∝ P(topic) × appeal / Σ appeal of the topic; the best are among each topic's top ranks.
        let totals = perTopic.map { n in (0..<n).reduce(0.0) { $0 + Double.pow(Double($1 + 1), -s) } }
        let k = parameters.slateSize
        var candidates: [(share: Double, id: Int32)] = []
        for topic in 0..<t {
            for rank in 0..<min(k, perTopic[topic]) {
                let share = topicPopularity.probabilities[topic] * Double.pow(Double(rank + 1), -s) / totals[topic]
                candidates.append((share, Int32(topic + rank * t)))
            }
        }
        popularSlate = candidates.sorted { $0.share != $1.share ? $0.share > $1.share : $0.id < $1.id }.prefix(k).map(\.id)
    }

    public var kind: WorkloadKind { .ui }
    public var entityCount: Int { users }
    public var actionWindow: SimDuration { parameters.actionWindow }
    public var declaredDecay: ValueDecay { .deadline }

    public func makeGenerator(horizon: SimDuration) -> any WorkloadGenerator {
        UIGenerator(self, horizon: horizon, randomness: RandomSource(seed: seed).source("ui"))
    }

    public func topic(of item: Int32) -> Int32 { item % Int32(parameters.topics) }

    /// (rank within its topic + 1)^−popularity_skew: 1 for each topic's best item.
    public func appeal(of item: Int32) -> Double {
        Double.pow(Double(Int(item) / parameters.topics + 1), -parameters.popularitySkew)
    }

    /// Expected clicks × click value of the first `size` distinct items of
    /// `slate` (default `slate_size`) shown to a session with `intent`.
    public func slateValue(_ slate: [Int32], intent: Int32, size: Int? = nil) -> Double {
        let size = size ?? parameters.slateSize
        var seen = Set<Int32>()
        var clicks = 0.0
        for item in slate where seen.count < size && item >= 0 && Int(item) < items && seen.insert(item).inserted {
            let match = topic(of: item) == intent ? 1 : parameters.offIntentFactor
            clicks += parameters.ctr * appeal(of: item) * match / Double.log2(Double(seen.count + 1))
        }
        return clicks * parameters.clickValue.dollars
    }

    public func value(of action: Action?, for decision: Decision, answeredAt: SimTime) -> Double {
        guard answeredAt <= decision.request.deadline, case .ranking(let slate)? = action else {
            return decision.truth.defaultValue
        }
        return slateValue(slate, intent: decision.truth.topic, size: Int(decision.request.slateSize))
    }
}

/// Everything a scenario may set under `workload:` for `kind: ui`.
public struct UIParameters: Hashable, Sendable {
    public var users = 1_000_000
    public var items = 50_000
    public var topics = 20
    /// Zipf exponent of topic popularity; 0 makes topics equally popular.
    public var topicSkew = 1.0
    /// Zipf exponent of item appeal within a topic; 0 makes items equally appealing.
    public var popularitySkew = 0.8
    /// Sessions per user.
    public var sessions = Rate(1, per: .day)
    public var diurnal = DiurnalProfile.consumer
    public var sessionLength = SimDuration.minutes(8)
    public var sessionLengthSigma = 0.8
    /// Actions (homepage loads and clicks) per unit time within a session.
    public var actionRate = Rate(2, per: .minute)
    public var homepageShare = 0.25
    public var intentShiftRate = Rate(20, per: .hour)
    /// Share of clicks on items of the current intent.
    public var intentFocus = 0.85
    public var slateSize = 10
    public var actionWindow = SimDuration.milliseconds(100)
    /// Click chance of each topic's best item, on the intent, in the first position.
    public var ctr = 0.1
    /// Click chance of an item off the intent, relative to one on it.
    public var offIntentFactor = 0.1
    public var clickValue = Money(dollars: 0.05)
    public var clickDelay = ArrivalDelay.lognormal(median: .seconds(2), sigma: 1)
    public var pageViewDelay = ArrivalDelay.lognormal(median: .seconds(2), sigma: 1)

    public init() {}

    /// Reads every key, each with its default; bad values are reported with positions.
    public static func read(_ r: inout MappingReader) -> UIParameters {
        var p = UIParameters()
        p.readSessions(&r)
        p.items = r.optional("items", default: p.items, in: 1...10_000_000)
        p.topics = r.optional("topics", default: p.topics, in: 2...1000)
        p.topicSkew = r.optional("topic_skew", default: p.topicSkew, in: 0...3)
        p.popularitySkew = r.optional("popularity_skew", default: p.popularitySkew, in: 0...3)
        p.intentFocus = r.share("intent_focus", default: p.intentFocus)
        p.ctr = r.share("ctr", default: p.ctr)
        p.offIntentFactor = r.share("off_intent_factor", default: p.offIntentFactor)
        p.clickValue = r.optional("click_value", default: p.clickValue)
        ArrivalDelay.readSources(&r, into: &p, [("clicks", \.clickDelay), ("page_views", \.pageViewDelay)])
        return p
    }
}

extension UIParameters: SessionParameters {}
