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
        // Once per call, not per feature: the events up to `t` in time order
        // (stable, so equal times keep their order for `last`), and their items' topics.
        let ordered = events.enumerated().filter { $0.element.eventTime <= t }
            .sorted { ($0.element.eventTime, $0.offset) < ($1.element.eventTime, $1.offset) }.map(\.element)
        let topics = view.measuresTopics ? ordered.map { view.topics(of: $0) } : []
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        for feature in view.aggregates { out.append(value(feature, ordered, topics: topics, asOf: t)) }
        view.appendRatios(to: &out)
        return out
    }

    /// One feature over `ordered` (events up to `t`, in time order).
    static func value(_ feature: AggregateFeature, _ ordered: [DomainEvent], topics: [ArraySlice<Float>?], asOf t: SimTime) -> Float {
        let passing = ordered.indices.filter { feature.filter.accepts(ordered[$0]) }
        if feature.aggregation == .timeSinceLast {
            let reach = feature.window.reach
            guard let last = passing.last.map({ ordered[$0].eventTime }), t - last <= reach else { return Float(reach.seconds) }
            return Float((t - last).seconds)
        }
        let inWindow: [Int]
        switch feature.window {
        case .tumbling, .sliding:
            let (start, end) = feature.window.bounds(asOf: t)
            inWindow = passing.filter { ordered[$0].eventTime.microseconds > start && ordered[$0].eventTime.microseconds <= end }
        case .session(let gap):
            inWindow = currentSession(passing, of: ordered, gap: gap, asOf: t)
        }
        var acc = Accumulator()
        for i in inWindow {
            acc.add(time: ordered[i].eventTime.microseconds,
                    amount: feature.measure.value(of: ordered[i], topics: topics.isEmpty ? nil : topics[i]))
        }
        let distinct = feature.aggregation == .distinctCount ? Set(inWindow.map { ordered[$0].item }).count : 0
        return acc.value(feature.aggregation, distinct: distinct)
    }

    /// The indices (into time-ordered `events`) of the session containing the
    /// latest of `indices`, if `t` is within `gap` of it.
    static func currentSession(_ indices: [Int], of events: [DomainEvent], gap: SimDuration, asOf t: SimTime) -> [Int] {
        guard let last = indices.last, t - events[last].eventTime <= gap else { return [] }
        var start = indices.count - 1
        while start > 0 && events[indices[start]].eventTime - events[indices[start - 1]].eventTime <= gap { start -= 1 }
        return Array(indices[start...])
    }
}
