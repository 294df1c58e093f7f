import SimKernel
import Workloads

/// The catalogue as one engine has seen it: each item's features (clicks on
/// it over recent windows, time since its publication) computed from the
/// events that name it, and which items are candidates to rank — those named
/// by an event within `candidateWindow` (a live item is clicked or was just
/// published; an expired one falls silent and drops out).
///
///     var catalogue = CatalogueFeatures(view)!             // nil for a view without item features
///     catalogue.process(event)                            // every event, in arrival order
///     let snapshot = catalogue.snapshot(at: now)          // the candidates and their features
///
/// The item features are the view's `itemAggregates`, evaluated by the same
/// `IncrementalFeatures` as a user's, over the events keyed by their item
/// (`keyedByItem`): one definition, whichever engine keeps it. A batch job
/// builds one from its snapshot of the offline store, a stream keeps one
/// behind its consumer, the oracle one fed at event time.
public struct CatalogueFeatures {
    /// An item with no event for this long is no longer a candidate.
    public static let candidateWindow = SimDuration.hours(24)

    public private(set) var features: IncrementalFeatures
    /// Latest event time per item id; `Int64.min` for an item never seen.
    var lastEvent: [Int64] = []
    /// Items seen and not yet pruned, in first-seen order.
    var known: [Int32] = []
    var isKnown: [Bool] = []
    var pruneAt = 1024

    /// Nil for a view without item features (fraud, churn).
    public init?(_ view: FeatureView, outOfOrderness: SimDuration = .zero, allowedLateness: SimDuration? = .zero) {
        guard !view.itemAggregates.isEmpty else { return nil }
        features = IncrementalFeatures(view.itemView, outOfOrderness: outOfOrderness, allowedLateness: allowedLateness)
    }

    /// The event as its item's: entity and item swapped; nil for an event naming no item.
    public static func keyedByItem(_ e: DomainEvent) -> DomainEvent? {
        guard e.item >= 0 else { return nil }
        var keyed = e
        keyed.entity = e.item
        keyed.item = e.entity
        return keyed
    }

    /// Applies one event (in arrival order); events naming no item are ignored.
    /// - Complexity: amortised O(item feature slots + the item's panes)
    public mutating func process(_ e: DomainEvent) {
        guard let keyed = Self.keyedByItem(e) else { return }
        features.process(keyed)
        let i = Int(e.item)
        if i >= lastEvent.count {
            let grown = max(i + 1, lastEvent.count * 2)
            lastEvent.append(contentsOf: repeatElement(.min, count: grown - lastEvent.count))
            isKnown.append(contentsOf: repeatElement(false, count: grown - isKnown.count))
        }
        lastEvent[i] = max(lastEvent[i], e.eventTime.microseconds)
        if !isKnown[i] {
            isKnown[i] = true
            known.append(e.item)
        }
        if known.count >= pruneAt { prune() }
    }

    /// Forgets items silent for longer than the candidate window before the
    /// latest event time: no read from now on can make them candidates.
    mutating func prune() {
        let horizon = features.maxEventTime &- Self.candidateWindow.microseconds
        known.removeAll { item in
            let stale = lastEvent[Int(item)] < horizon
            if stale { isKnown[Int(item)] = false }
            return stale
        }
        pruneAt = max(1024, known.count * 2)
    }

    /// Whether `item` is a candidate at `t`: named by an event within the window before it.
    public func isCandidate(_ item: Int32, at t: SimTime) -> Bool {
        let i = Int(item)
        return i >= 0 && i < lastEvent.count && lastEvent[i] > t.microseconds &- Self.candidateWindow.microseconds
    }

    /// The candidates at `t`, in first-seen order. - Complexity: O(items seen in the window)
    public func candidates(at t: SimTime) -> [Int32] { known.filter { isCandidate($0, at: t) } }

    /// One item's features as of `t`. - Complexity: O(item features × panes)
    public func values(for item: Int32, asOf t: SimTime) -> [Float] { features.values(for: item, asOf: t) }

    /// Every candidate at `t` with its features.
    /// - Complexity: O(candidates × item features × panes)
    public func snapshot(at t: SimTime) -> CatalogueSnapshot {
        var snapshot = CatalogueSnapshot(width: features.view.entityFeatureCount, asOf: t)
        for item in candidates(at: t) { snapshot.append(item, features.values(for: item, asOf: t)) }
        return snapshot
    }

    /// The snapshot of this state and `other` together (a lambda
    /// architecture's batch and speed views): candidates of either, each
    /// item's panes merged.
    public func snapshot(at t: SimTime, mergedWith other: CatalogueFeatures) -> CatalogueSnapshot {
        var snapshot = CatalogueSnapshot(width: features.view.entityFeatureCount, asOf: t)
        var seen = Set<Int32>()
        for item in candidates(at: t) + other.candidates(at: t) where seen.insert(item).inserted {
            snapshot.append(item, features.values(for: item, asOf: t, mergedWith: other.features))
        }
        return snapshot
    }
}

/// The candidate items at one moment and their features, row by row.
public struct CatalogueSnapshot: Sendable {
    public private(set) var items: [Int32] = []
    /// `width` item features per item, in `items` order.
    public private(set) var values: [Float] = []
    public let width: Int
    /// The time the features were read as of.
    public let asOf: SimTime

    public init(width: Int, asOf: SimTime) {
        self.width = width
        self.asOf = asOf
    }

    public mutating func append(_ item: Int32, _ row: [Float]) {
        precondition(row.count == width, "item feature row of \(row.count) values, expected \(width)")
        items.append(item)
        values.append(contentsOf: row)
    }

    public var count: Int { items.count }

    /// Item `i`'s features (its position in `items`, not its id).
    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * width)..<((i + 1) * width)] }
}
