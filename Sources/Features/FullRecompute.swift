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
        for feature in view.aggregates { out.append(value(feature, of: view, events: events, asOf: t)) }
        view.appendRatios(to: &out)
        return out
    }

    static func value(_ feature: AggregateFeature, of view: FeatureView, events: [DomainEvent], asOf t: SimTime) -> Float {
        let passing = events.filter { $0.eventTime <= t && feature.filter.accepts($0) }
        if feature.aggregation == .timeSinceLast {
            let reach = feature.window.reach
            guard let last = passing.map(\.eventTime).max(), t - last <= reach else { return Float(reach.seconds) }
            return Float((t - last).seconds)
        }
        let inWindow: [DomainEvent]
        switch feature.window {
        case .tumbling, .sliding:
            let (start, end) = feature.window.bounds(asOf: t)
            inWindow = passing.filter { $0.eventTime.microseconds > start && $0.eventTime.microseconds <= end }
        case .session(let gap):
            inWindow = currentSession(passing, gap: gap, asOf: t)
        }
        var acc = Accumulator()
        // Stable by time so equal times keep their stream order for `last`.
        for e in inWindow.enumerated().sorted(by: { ($0.element.eventTime, $0.offset) < ($1.element.eventTime, $1.offset) }) {
            acc.add(time: e.element.eventTime.microseconds, amount: view.measure(feature.measure, of: e.element))
        }
        return acc.value(feature.aggregation, distinct: Set(inWindow.map(\.item)).count)
    }

    /// The events of the session containing the latest event, if `t` is within `gap` of it.
    static func currentSession(_ events: [DomainEvent], gap: SimDuration, asOf t: SimTime) -> [DomainEvent] {
        let sorted = events.sorted { $0.eventTime < $1.eventTime }
        guard let last = sorted.last, t - last.eventTime <= gap else { return [] }
        var start = sorted.count - 1
        while start > 0 && sorted[start].eventTime - sorted[start - 1].eventTime <= gap { start -= 1 }
        return Array(sorted[start...])
    }
}
