import Features
import SimKernel
import Workloads

/// Labelled feature rows for fitting a model, each joined point in time.
public struct TrainingSet: Sendable {
    /// Entity feature values per row (NaN = null: no event within the TTL).
    public var features: [[Float]] = []
    public var labels: [Bool] = []
    public var labelTimes: [SimTime] = []
    /// The latest event time any feature of the row used: never after the label time when the join is correct.
    public var latestEventUsed: [SimTime] = []

    public init() {}
    public var count: Int { labels.count }

    /// Rows whose features used an event from after their label time: leakage.
    public var leakedRows: Int {
        zip(latestEventUsed, labelTimes).filter { $0 > $1 }.count
    }
}

/// How label times are joined to feature values.
public enum JoinMode: Sendable {
    /// Only events that had happened *before* the label time and arrived by
    /// it: what could have been known when the decision was made. Strictly
    /// before, because a decision is served before its own event is
    /// recorded (a payment is scored before it is booked), so an event at
    /// the label time is the decision itself: with no arrival delay an
    /// inclusive bound put it in every row (a count one too high, a zero
    /// time since the last event) where no engine ever sees it.
    case pointInTime
    /// A deliberately wrong join that also sees events up to `lookahead` after
    /// the label time (the classic leak of joining on the day, not the instant).
    case leaky(lookahead: SimDuration)
}

extension OfflineStore {
    /// For each (entity, time, label): the view's entity features as of that
    /// time from the events the join allows (`JoinMode`), with the TTL honoured (an entity
    /// with no event within `ttl` of the label time gets null features).
    /// - Complexity: O(labels × events per entity in reach)
    public func trainingSet(_ view: FeatureView, labels: [(entity: Int32, time: SimTime, label: Bool)],
                            join: JoinMode = .pointInTime) throws -> TrainingSet {
        var set = TrainingSet()
        let arrivedBy: SimTime
        switch join {
        case .pointInTime: arrivedBy = labels.lazy.map(\.time).max() ?? .zero
        case .leaky: arrivedBy = .never
        }
        try withPointReads(arrivedBy: arrivedBy) { reads in
            for l in labels {
                let (upTo, arrivedBy): (SimTime, SimTime)
                switch join {
                case .pointInTime: (upTo, arrivedBy) = (l.time - SimDuration(microseconds: 1), l.time)
                case .leaky(let lookahead): (upTo, arrivedBy) = (l.time + lookahead, .never)
                }
                let events = try reads.events(for: l.entity, arrivedBy: arrivedBy, after: l.time - view.reach, upTo: upTo)
                let latest = events.map(\.eventTime).max()
                let values: [Float]
                if let latest, l.time - latest <= view.ttl || latest > l.time {
                    // The leaky join evaluates "as of" its own horizon, which is exactly the bug.
                    values = FullRecompute.values(view, events: events, asOf: max(l.time, upTo))
                } else {
                    values = Array(repeating: .nan, count: view.entityFeatureCount)
                }
                set.features.append(values)
                set.labels.append(l.label)
                set.labelTimes.append(l.time)
                set.latestEventUsed.append(latest ?? .zero)
            }
        }
        return set
    }
}
