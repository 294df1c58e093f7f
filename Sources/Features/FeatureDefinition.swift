import SimKernel
import Workloads

/// How the events in a window are folded into one number.
public enum Aggregation: String, Hashable, Sendable, CaseIterable {
    case count, sum, mean, min, max
    /// Exact count of distinct `item`s (merchants, items) in the window; not a sketch.
    case distinctCount = "distinct_count"
    /// The `amount` of the latest event in the window.
    case last
    /// Seconds from the latest event (any window) to the as-of time.
    case timeSinceLast = "time_since_last"
}

/// The event-time window a feature aggregates over, in Flink's terms.
///
/// As of time t a window covers (end − size, end], where `end` is the last
/// hop boundary at or before t. A tumbling window is a sliding one whose hop
/// equals its size. A session window covers the current session (events
/// separated by less than `gap`) while t is within `gap` of its last event,
/// and nothing after.
public enum Window: Hashable, Sendable {
    case tumbling(SimDuration)
    case sliding(size: SimDuration, hop: SimDuration)
    case session(gap: SimDuration)

    /// The (exclusive start, inclusive end) of the window as of `t`, for tumbling and sliding.
    @inlinable func bounds(asOf t: SimTime) -> (start: Int64, end: Int64) {
        let (size, hop): (Int64, Int64)
        switch self {
        case .tumbling(let s): (size, hop) = (s.microseconds, s.microseconds)
        case .sliding(let s, let h): (size, hop) = (s.microseconds, h.microseconds)
        case .session: preconditionFailure("a session window has no fixed bounds")
        }
        let end = t.microseconds >= 0 ? t.microseconds / hop * hop : ((t.microseconds + 1) / hop - 1) * hop
        return (end - size, end)
    }

    /// How far back in event time this window can reach from its as-of time.
    public var reach: SimDuration {
        switch self {
        case .tumbling(let s): s
        case .sliding(let s, let h): s + h
        case .session(let gap): gap
        }
    }
}

/// Which events a feature counts.
public struct EventFilter: Hashable, Sendable {
    public var kind: EventKind?
    /// Only events whose `item` is at least this (fraud: the risky tail of merchants).
    public var itemAtLeast: Int32?

    public init(kind: EventKind? = nil, itemAtLeast: Int32? = nil) {
        self.kind = kind; self.itemAtLeast = itemAtLeast
    }

    @inlinable public func accepts(_ e: DomainEvent) -> Bool {
        (kind == nil || e.kind == kind!) && (itemAtLeast == nil || e.item >= itemAtLeast!)
    }
}

/// The number an event contributes to an aggregate.
public enum EventMeasure: Hashable, Sendable {
    /// The event's `amount` (money, magnitude).
    case amount
    /// The weight of the event's item on topic k, from the view's item
    /// content (0 for an item it does not know): summed over a user's
    /// clicks, the topics those clicks were about.
    case itemTopic(Int)

    /// What `event` contributes, given its item's topic vector (looked up
    /// once per event by the caller; nil when unknown).
    @inlinable public func value(of event: DomainEvent, topics: ArraySlice<Float>?) -> Float {
        switch self {
        case .amount: Float(event.amount)
        case .itemTopic(let k): topics.map { $0[$0.startIndex + k] } ?? 0
        }
    }
}

/// One aggregate feature of an entity: `aggregation` of the events passing
/// `filter` over `window`, each event counting as its `measure`. Written
/// once; evaluated either by full recompute (`FullRecompute`) or
/// incrementally (`IncrementalFeatures`).
public struct AggregateFeature: Hashable, Sendable {
    public var name: String
    public var aggregation: Aggregation
    public var window: Window
    public var filter: EventFilter
    public var measure: EventMeasure

    public init(_ name: String, _ aggregation: Aggregation, over window: Window, where filter: EventFilter = EventFilter(),
                of measure: EventMeasure = .amount) {
        self.name = name; self.aggregation = aggregation; self.window = window; self.filter = filter; self.measure = measure
    }
}

/// A run of consecutive aggregates that together form one vector: the
/// per-topic sums of what a user clicked over a window (their recent
/// intent, their longer taste).
public struct TopicProfile: Hashable, Sendable {
    public var name: String
    /// Indices of the profile's aggregates in the view, topic k at `features.lowerBound + k`.
    public var features: Range<Int>
}

/// A feature computed from the decision's own payload, at request time.
public enum RequestFeature: Hashable, Sendable {
    /// log(1 + amount) of the request.
    case logAmount
    /// The request's amount over an entity feature (its typical amount): how unusual this one is.
    case amountOver(feature: Int)
    /// 1 when the request's item is at least the threshold (a risky merchant), else 0.
    case itemAtLeast(Int32)
    /// Hour of day of the request, scaled to [0, 1).
    case hourOfDay

    public var name: String {
        switch self {
        case .logAmount: "log_amount"
        case .amountOver(let f): "amount_over_f\(f)"
        case .itemAtLeast(let t): "item_at_least_\(t)"
        case .hourOfDay: "hour_of_day"
        }
    }
}

/// A named group of entity features with one time-to-live, in Feast's sense:
/// the unit an engine materialises into the online store and joins point in
/// time for training.
///
///     let view = FeatureCatalog.fraud(firstRiskyMerchant: 98_000)
///     view.aggregates.map(\.name)   // ["auth_count_5m", …]
///
/// A view over a catalogue (ranking workloads) also has item features: the
/// same kind of aggregates, over the events keyed by their item instead of
/// their user (`itemView`, evaluated by `CatalogueFeatures`), and the item
/// content that topic measures read.
public struct FeatureView: Hashable, Sendable {
    public var name: String
    public var aggregates: [AggregateFeature]
    /// Ratios of two aggregates (numerator index, denominator index), computed after them; 0 when the denominator is 0.
    public var ratios: [(name: String, numerator: Int, denominator: Int)]
    public var requestFeatures: [RequestFeature]
    /// A value older than this (read time − as-of) is missing when read online, and null in training sets.
    public var ttl: SimDuration
    /// Features of each item, over the events that name it (clicks on it, its publication).
    public var itemAggregates: [AggregateFeature]
    /// What items are about, for `.itemTopic` measures; nil when no feature needs it.
    public var itemTopics: ItemTopics?
    /// Named vectors among the aggregates (per-topic sums).
    public var topicProfiles: [TopicProfile]

    public init(name: String, aggregates: [AggregateFeature], ratios: [(String, Int, Int)] = [],
                requestFeatures: [RequestFeature] = [], ttl: SimDuration, itemAggregates: [AggregateFeature] = [],
                itemTopics: ItemTopics? = nil, topicProfiles: [TopicProfile] = []) {
        self.name = name; self.aggregates = aggregates
        self.ratios = ratios.map { (name: $0.0, numerator: $0.1, denominator: $0.2) }
        self.requestFeatures = requestFeatures; self.ttl = ttl
        self.itemAggregates = itemAggregates; self.itemTopics = itemTopics; self.topicProfiles = topicProfiles
        precondition(itemTopics != nil || !(aggregates + itemAggregates).contains { $0.measure != .amount },
                     "a view with topic measures needs the items' content")
    }

    /// The item features as a view of their own, keyed by item: what `CatalogueFeatures` evaluates.
    public var itemView: FeatureView {
        FeatureView(name: name + "_items", aggregates: itemAggregates, ttl: ttl, itemTopics: itemTopics)
    }

    /// The profile with this name, if the view has one.
    public func topicProfile(named profile: String) -> TopicProfile? { topicProfiles.first { $0.name == profile } }

    /// What `event` contributes to a feature with this measure. - Complexity: O(1) once the item's content is cached
    public func measure(_ measure: EventMeasure, of event: DomainEvent) -> Float {
        measure.value(of: event, topics: topics(of: event))
    }

    /// Whether any feature measures the items' topics.
    public var measuresTopics: Bool { aggregates.contains { $0.measure != .amount } || itemAggregates.contains { $0.measure != .amount } }

    /// The topic vector of the event's item, when the view has item content.
    public func topics(of event: DomainEvent) -> ArraySlice<Float>? { itemTopics?.topics(of: event.item) }

    /// Entity features: the aggregates, then the ratios.
    public var entityFeatureCount: Int { aggregates.count + ratios.count }
    /// Entity features, then request features: the model's input width.
    public var width: Int { entityFeatureCount + requestFeatures.count }
    public var featureNames: [String] { aggregates.map(\.name) + ratios.map(\.name) + requestFeatures.map(\.name) }
    /// How far back any feature, of an entity or of an item, reaches: events
    /// older than this before the as-of time never matter.
    public var reach: SimDuration { (aggregates + itemAggregates).map(\.window.reach).max() ?? .zero }

    public static func == (a: FeatureView, b: FeatureView) -> Bool {
        a.name == b.name && a.aggregates == b.aggregates && a.requestFeatures == b.requestFeatures && a.ttl == b.ttl
            && a.ratios.map(\.name) == b.ratios.map(\.name) && a.ratios.map(\.numerator) == b.ratios.map(\.numerator)
            && a.ratios.map(\.denominator) == b.ratios.map(\.denominator)
            && a.itemAggregates == b.itemAggregates && a.itemTopics === b.itemTopics && a.topicProfiles == b.topicProfiles
    }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(aggregates) }

    /// Appends the ratio features to `values` (which holds the aggregates).
    @inlinable public func appendRatios(to values: inout [Float]) {
        for r in ratios {
            let d = values[r.denominator]
            values.append(d == 0 || d.isNaN ? 0 : values[r.numerator] / d)
        }
    }

    /// The request-time features of `request`, given the entity features.
    public func requestValues(_ request: DecisionRequest, entity: [Float], into out: inout [Float]) {
        for f in requestFeatures {
            switch f {
            case .logAmount: out.append(Float(log1pf(Float(request.amount))))
            case .amountOver(let i):
                let d = entity.indices.contains(i) ? entity[i] : 0
                out.append(d > 0 && !d.isNaN ? Float(request.amount) / d : 1)
            case .itemAtLeast(let t): out.append(request.item >= t ? 1 : 0)
            case .hourOfDay:
                out.append(Float(request.time.microseconds % 86_400_000_000) / 86_400_000_000)
            }
        }
    }
}

import Foundation
