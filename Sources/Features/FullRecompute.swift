import SimKernel
import Workloads

/// Evaluates a feature view from an entity's raw events as of a time, the
/// way a batch job does over the offline store: every feature computed from
/// scratch, events after the as-of time ignored.
///
///     let values = FullRecompute.values(view, events: userEvents, asOf: t)
///
/// - Complexity: O(events × features)
public enum FullRecompute {
    /// Entity feature values (aggregates then ratios) as of `t`. `events` may
    /// come in any order and may include events after `t`; among events with
    /// equal times the later one in `events` counts as the latest.
    public static func values(_ view: FeatureView, events: [DomainEvent], asOf t: SimTime) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        // A store's reads come in time order already: then the events up to `t` are a prefix, read in place.
        var inOrder = true
        for i in events.indices.dropFirst() where events[i].eventTime < events[i - 1].eventTime {
            inOrder = false
            break
        }
        if inOrder {
            var upTo = events.count
            while upTo > 0 && events[upTo - 1].eventTime > t { upTo -= 1 }
            append(view, events[..<upTo], asOf: t, to: &out)
        } else {
            // Stable, so equal times keep their order for `last`.
            let ordered = events.enumerated().filter { $0.element.eventTime <= t }
                .sorted { ($0.element.eventTime, $0.offset) < ($1.element.eventTime, $1.offset) }.map(\.element)
            append(view, ordered[...], asOf: t, to: &out)
        }
        view.appendRatios(to: &out)
        return out
    }

    /// Every aggregate over `ordered` (the events up to `t`, in time order), appended to `out`.
    static func append(_ view: FeatureView, _ ordered: ArraySlice<DomainEvent>, asOf t: SimTime, to out: inout [Float]) {
        // Once per call, not per feature: the items' topics, for views that measure them.
        let topics = view.measuresTopics ? ordered.map { view.topics(of: $0) } : []
        for feature in view.aggregates { out.append(value(feature, ordered, topics: topics, asOf: t)) }
    }

    /// One feature over `ordered` (events up to `t`, in time order): one pass
    /// over the events, in time order, with nothing allocated but a distinct
    /// count's scratch list.
    static func value(_ feature: AggregateFeature, _ ordered: ArraySlice<DomainEvent>, topics: [ArraySlice<Float>?],
                      asOf t: SimTime) -> Float {
        let filter = feature.filter
        if feature.aggregation == .timeSinceLast {
            let reach = feature.window.reach
            guard let last = ordered.last(where: { filter.accepts($0) })?.eventTime, t - last <= reach else { return Float(reach.seconds) }
            return Float((t - last).seconds)
        }
        // The window as a range of `ordered`, whose passing events are in it unless `(start, end]` says otherwise.
        var first = ordered.startIndex
        var (start, end) = (Int64.min, Int64.max)
        switch feature.window {
        case .tumbling, .sliding:
            (start, end) = feature.window.bounds(asOf: t)
        case .session(let gap):
            // The session holding the latest passing event, if `t` is within `gap` of it: back from it while passing events are within `gap` of each other.
            guard let last = ordered.lastIndex(where: { filter.accepts($0) }), t - ordered[last].eventTime <= gap else {
                return Accumulator().value(feature.aggregation, distinct: 0)
            }
            first = last
            var i = last
            while i > ordered.startIndex {
                i -= 1
                guard filter.accepts(ordered[i]) else { continue }
                if ordered[first].eventTime - ordered[i].eventTime > gap { break }
                first = i
            }
        }
        var acc = Accumulator()
        var items: [Int32] = []
        for i in first..<ordered.endIndex where filter.accepts(ordered[i]) {
            let time = ordered[i].eventTime.microseconds
            guard time > start && time <= end else { continue }
            acc.add(time: time, amount: feature.measure.value(of: ordered[i], topics: topics.isEmpty ? nil : topics[i - ordered.startIndex]))
            if feature.aggregation == .distinctCount { items.append(ordered[i].item) }
        }
        var distinct = 0
        if !items.isEmpty {
            items.sort()
            distinct = 1
            for k in items.indices.dropFirst() where items[k] != items[k - 1] { distinct += 1 }
        }
        return acc.value(feature.aggregation, distinct: distinct)
    }
}
