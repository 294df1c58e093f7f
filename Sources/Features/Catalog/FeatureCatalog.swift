import SimKernel
import Workloads

/// The feature views each workload's engines share — the feature repository
/// every engine computes from, whichever tempo it runs at.
public enum FeatureCatalog {
    /// The view for a workload, or nil for one without entity features yet.
    public static func view(for workload: any Workload) -> FeatureView? {
        switch workload {
        case let fraud as FraudWorkload: return Self.fraud(firstRiskyMerchant: fraud.firstRiskyMerchant)
        case is ChurnWorkload: return Self.churn()
        case let ui as UIWorkload: return Self.ui(ItemTopics(ui))
        case let digest as DigestWorkload: return Self.digest(ItemTopics(digest))
        case let recsys as RecsysWorkload: return Self.recsys(ItemTopics(recsys))
        default: return nil
        }
    }

    /// Card fraud: per-user velocity over minutes to a day, spend, merchant
    /// spread and risky-merchant use, session burstiness, and request-time
    /// features of the authorization itself. The 5-minute and 1-hour counts
    /// are what see a compromise burst; the 24-hour mean is the baseline the
    /// request's amount is compared against.
    public static func fraud(firstRiskyMerchant: Int32) -> FeatureView {
        let minuteHop = SimDuration.seconds(1)
        let risky = EventFilter(itemAtLeast: firstRiskyMerchant)
        return FeatureView(
            name: "fraud_user",
            aggregates: [
                AggregateFeature("auth_count_5m", .count, over: .sliding(size: .minutes(5), hop: minuteHop)),
                AggregateFeature("auth_count_1h", .count, over: .sliding(size: .hours(1), hop: minuteHop)),
                AggregateFeature("amount_sum_1h", .sum, over: .sliding(size: .hours(1), hop: minuteHop)),
                AggregateFeature("amount_max_1h", .max, over: .sliding(size: .hours(1), hop: minuteHop)),
                AggregateFeature("merchants_1h", .distinctCount, over: .sliding(size: .hours(1), hop: minuteHop)),
                AggregateFeature("risky_count_1h", .count, over: .sliding(size: .hours(1), hop: minuteHop), where: risky),
                AggregateFeature("amount_mean_24h", .mean, over: .sliding(size: .hours(24), hop: minuteHop)),
                AggregateFeature("auth_count_24h", .count, over: .sliding(size: .hours(24), hop: minuteHop)),
                AggregateFeature("session_count", .count, over: .session(gap: .minutes(10))),
                AggregateFeature("seconds_since_last", .timeSinceLast, over: .sliding(size: .hours(24), hop: minuteHop)),
            ],
            ratios: [("burst_ratio_5m_24h", 0, 7)],
            requestFeatures: [.logAmount, .amountOver(feature: 6), .itemAtLeast(firstRiskyMerchant)],
            ttl: .hours(24))
    }

    /// Customer churn: activity over the last three days and week against
    /// the last four weeks — purchases, logins, support tickets — spend, and
    /// the time since the last purchase and login. A risk onset shows as
    /// recent days well below the month (the trend ratios), a rise in
    /// tickets, and a growing gap since the last visit; a churned customer
    /// as silence. Hourly hops: a campaign decides daily.
    public static func churn() -> FeatureView {
        let hop = SimDuration.hours(1)
        let days3 = Window.sliding(size: .days(3), hop: hop), week = Window.sliding(size: .days(7), hop: hop)
        let month = Window.sliding(size: .days(28), hop: hop)
        let purchases = EventFilter(kind: .purchase), logins = EventFilter(kind: .login)
        let tickets = EventFilter(kind: .supportTicket)
        return FeatureView(
            name: "churn_customer",
            aggregates: [
                AggregateFeature("purchases_3d", .count, over: days3, where: purchases),
                AggregateFeature("purchases_28d", .count, over: month, where: purchases),
                AggregateFeature("logins_3d", .count, over: days3, where: logins),
                AggregateFeature("logins_7d", .count, over: week, where: logins),
                AggregateFeature("logins_28d", .count, over: month, where: logins),
                AggregateFeature("tickets_7d", .count, over: week, where: tickets),
                AggregateFeature("tickets_28d", .count, over: month, where: tickets),
                AggregateFeature("spend_28d", .sum, over: month, where: purchases),
                AggregateFeature("seconds_since_purchase", .timeSinceLast, over: month, where: purchases),
                AggregateFeature("seconds_since_login", .timeSinceLast, over: month, where: logins),
            ],
            ratios: [("purchase_trend_3d_28d", 0, 1), ("login_trend_3d_28d", 2, 4), ("login_trend_7d_28d", 3, 4),
                     ("ticket_trend_7d_28d", 5, 6)],
            ttl: .days(28))
    }

    /// The item features every ranking view shares, by name (`RankingModel` reads them by these names).
    public enum ItemFeatureName {
        public static let clicks1h = "item_clicks_1h"
        public static let clicks24h = "item_clicks_24h"
        public static let age = "item_age_seconds"
    }

    /// What a ranker knows of each item: how often it was clicked in the
    /// last hour (trending now) and day, and how long ago it was published
    /// (capped at a week; items published before the run, or a catalogue
    /// without publications, read as a week old). Five-minute hops: trends
    /// move over hours, and engines re-read the catalogue once per hop.
    public static func catalogueFeatures() -> [AggregateFeature] {
        let clicks = EventFilter(kind: .click)
        return [
            AggregateFeature(ItemFeatureName.clicks1h, .count, over: .sliding(size: .hours(1), hop: .minutes(5)), where: clicks),
            AggregateFeature(ItemFeatureName.clicks24h, .count, over: .sliding(size: .hours(24), hop: .hours(1)), where: clicks),
            AggregateFeature(ItemFeatureName.age, .timeSinceLast, over: .sliding(size: .days(7), hop: .hours(1)),
                             where: EventFilter(kind: .publication)),
        ]
    }

    /// The names of the topic profiles ranking views carry.
    public enum ProfileName {
        /// The topics of the user's clicks in the last few minutes: the session's intent.
        public static let intent = "intent"
        /// The topics of the user's clicks over days: their taste.
        public static let taste = "taste"
    }

    /// Per-topic sums of the clicked items' topic vectors over `window`, as
    /// aggregates appended after `existing` of them, and the profile naming them.
    static func topicProfile(_ name: String, topics: Int, over window: Window, after existing: Int)
        -> ([AggregateFeature], TopicProfile)
    {
        let features = (0..<topics).map {
            AggregateFeature("\(name)_topic_\($0)", .sum, over: window, where: EventFilter(kind: .click), of: .itemTopic($0))
        }
        return (features, TopicProfile(name: name, features: existing..<(existing + topics)))
    }

    /// Homepage personalisation: the user's clicks and page loads in the
    /// last hour, and the topics of their clicks in the last 5 minutes —
    /// the session's intent, which shifts every few minutes. No taste
    /// profile: here a session's intent does not depend on the user.
    public static func ui(_ topics: ItemTopics) -> FeatureView {
        let hour = Window.sliding(size: .hours(1), hop: .minutes(1))
        var aggregates = [
            AggregateFeature("clicks_1h", .count, over: hour, where: EventFilter(kind: .click)),
            AggregateFeature("page_views_1h", .count, over: hour, where: EventFilter(kind: .pageView)),
        ]
        let (intent, profile) = topicProfile(ProfileName.intent, topics: topics.count,
                                             over: .sliding(size: .minutes(5), hop: .seconds(10)), after: aggregates.count)
        aggregates += intent
        return FeatureView(name: "ui_user", aggregates: aggregates, ttl: .hours(1), itemAggregates: catalogueFeatures(),
                           itemTopics: topics, topicProfiles: [profile])
    }

    /// The feed: the ui's session intent (5 minutes) and a taste profile,
    /// the topics of three days of clicks (tastes drift daily), with the
    /// catalogue's trends in the item features.
    public static func recsys(_ topics: ItemTopics) -> FeatureView {
        let hour = Window.sliding(size: .hours(1), hop: .minutes(1))
        var aggregates = [
            AggregateFeature("clicks_1h", .count, over: hour, where: EventFilter(kind: .click)),
            AggregateFeature("page_views_1h", .count, over: hour, where: EventFilter(kind: .pageView)),
        ]
        let (intent, intentProfile) = topicProfile(ProfileName.intent, topics: topics.count,
                                                   over: .sliding(size: .minutes(5), hop: .seconds(10)), after: aggregates.count)
        aggregates += intent
        let (taste, tasteProfile) = topicProfile(ProfileName.taste, topics: topics.count,
                                                 over: .sliding(size: .days(3), hop: .hours(6)), after: aggregates.count)
        aggregates += taste
        return FeatureView(name: "recsys_user", aggregates: aggregates, ttl: .hours(24), itemAggregates: catalogueFeatures(),
                           itemTopics: topics, topicProfiles: [intentProfile, tasteProfile])
    }

    /// The digest: a reader's clicks in the last day and the topics of a
    /// week of clicks (interests drift daily, and a reader clicks a couple
    /// of times a day), with the items' freshness in the item features.
    public static func digest(_ topics: ItemTopics) -> FeatureView {
        var aggregates = [
            AggregateFeature("clicks_24h", .count, over: .sliding(size: .hours(24), hop: .hours(1)), where: EventFilter(kind: .click)),
        ]
        let (taste, profile) = topicProfile(ProfileName.taste, topics: topics.count,
                                            over: .sliding(size: .days(7), hop: .hours(6)), after: aggregates.count)
        aggregates += taste
        return FeatureView(name: "digest_user", aggregates: aggregates, ttl: .days(2), itemAggregates: catalogueFeatures(),
                           itemTopics: topics, topicProfiles: [profile])
    }
}
