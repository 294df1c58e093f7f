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
    /// time from the events the join allows (`JoinMode`), with the TTL
    /// honoured (an entity with no event within `ttl` of the label time gets
    /// null features; one with an event within it but none within a
    /// window's reach, that window's empty value). A sort-merge join, as a
    /// Spark or Feast point-in-time join runs one: the labels sorted by
    /// entity meet one scan of the store by entity (`forEachEntity`), and each
    /// label takes from its entity's events those its join allows. Rows come
    /// back in the labels' order.
    /// - Complexity: O(rows scanned + labels × events per entity in reach)
    public func trainingSet(_ view: FeatureView, labels: [(entity: Int32, time: SimTime, label: Bool)],
                            join: JoinMode = .pointInTime) throws -> TrainingSet {
        var set = TrainingSet()
        guard let firstTime = labels.lazy.map(\.time).min() else { return set }
        /// What label `l` may see: events that arrived by `arrivedBy`, with event time in (l.time − reach, `upTo`].
        func bounds(_ l: (entity: Int32, time: SimTime, label: Bool)) -> (arrivedBy: SimTime, upTo: SimTime) {
            switch join {
            case .pointInTime: (l.time, l.time - SimDuration(microseconds: 1))
            case .leaky(let lookahead): (.never, l.time + lookahead)
            }
        }
        let scanArrivedBy = labels.lazy.map { bounds($0).arrivedBy }.max()!
        let byEntity = labels.indices.sorted { (labels[$0].entity, $0) < (labels[$1].entity, $1) }
        var features = [[Float]](repeating: Array(repeating: .nan, count: view.entityFeatureCount), count: labels.count)
        var latestUsed = [SimTime](repeating: .zero, count: labels.count)
        // Events beyond the features' reach change no value, but one within the
        // TTL still says the entity is live (its counts are zeros, not nulls).
        let lookback = max(view.reach, view.ttl)
        var next = 0  // the first label in `byEntity` not yet joined
        var known: [DomainEvent] = []
        try forEachEntity(arrivedBy: scanArrivedBy, eventTimeAfter: firstTime - lookback,
                          only: byEntity.map { labels[$0].entity }) { entity, events in
            while next < byEntity.count && labels[byEntity[next]].entity < entity { next += 1 }
            while next < byEntity.count && labels[byEntity[next]].entity == entity {
                let i = byEntity[next]
                next += 1
                let l = labels[i], (arrivedBy, upTo) = bounds(l)
                let (after, live) = (l.time - view.reach, l.time - lookback)
                known.removeAll(keepingCapacity: true)
                var latest: SimTime?
                for e in events where e.arrivalTime <= arrivedBy && e.eventTime > live && e.eventTime <= upTo {
                    latest = max(latest ?? e.eventTime, e.eventTime)
                    if e.eventTime > after { known.append(e) }
                }
                guard let latest else { continue }
                latestUsed[i] = latest
                if l.time - latest <= view.ttl || latest > l.time {
                    // The leaky join evaluates "as of" its own horizon, which is exactly the bug.
                    features[i] = FullRecompute.values(view, events: known, asOf: max(l.time, upTo))
                }
            }
        }
        set.features = features
        set.labels = labels.map(\.label)
        set.labelTimes = labels.map(\.time)
        set.latestEventUsed = latestUsed
        return set
    }
}
