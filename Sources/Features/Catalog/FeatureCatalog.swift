import SimKernel
import Workloads

/// The feature views each workload's engines share — the feature repository
/// every engine computes from, whichever tempo it runs at.
public enum FeatureCatalog {
    /// The view for a workload, or nil for one without entity features yet.
    public static func view(for workload: any Workload) -> FeatureView? {
        switch workload {
        case let fraud as FraudWorkload: return Self.fraud(firstRiskyMerchant: fraud.firstRiskyMerchant)
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
}
