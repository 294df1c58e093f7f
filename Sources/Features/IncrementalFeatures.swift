import DequeModule
import SimKernel
import Workloads

/// Evaluates a feature view incrementally, one arriving event at a time, the
/// way a stream processor does: per-entity pane accumulators for sliding and
/// tumbling windows (panes shared by every window with the same hop and
/// filter, as in Flink's pane optimisation), session accumulators that merge
/// when an event bridges them, event-time watermarks with bounded
/// out-of-orderness, and allowed lateness.
///
///     var stream = IncrementalFeatures(view, outOfOrderness: .seconds(2), allowedLateness: .seconds(30))
///     stream.process(event)                       // in arrival order
///     let values = stream.values(for: user, asOf: now)
///
/// Late events (event time before the watermark) within the allowed lateness
/// update their windows; later ones are counted in `droppedLate` and never
/// merged. A pane's state is freed once no read at or after the watermark can
/// include it, and a session's once no accepted event can join it.
public struct IncrementalFeatures {
    public let view: FeatureView
    public let outOfOrderness: SimDuration
    /// `nil` allows any lateness.
    public let allowedLateness: SimDuration?

    /// The current event-time watermark: max event time seen − out-of-orderness.
    public private(set) var watermark: Int64 = .min
    public private(set) var maxEventTime: Int64 = .min
    public private(set) var processed = 0
    /// Events behind the watermark but within the allowed lateness: applied.
    public private(set) var acceptedLate = 0
    /// Events beyond the allowed lateness: counted, never merged.
    public private(set) var droppedLate = 0

    var plan: Plan
    var entities: [EntityState] = []
    /// Entities with state that may expire, with the watermark at which to look again.
    var expiryQueue = Deque<(at: Int64, entity: Int32)>()

    public init(_ view: FeatureView, outOfOrderness: SimDuration = .zero, allowedLateness: SimDuration? = .zero) {
        self.view = view
        self.outOfOrderness = outOfOrderness
        self.allowedLateness = allowedLateness
        plan = Plan(view)
    }

    /// Entities currently holding state, and the pane/session records they hold (for tests and benchmarks).
    public var stateSize: (entities: Int, records: Int) {
        var e = 0, r = 0
        for s in entities where !s.isEmpty {
            e += 1
            r += s.panes.count + s.sessions.count + s.items.count
            // A pane of a distinct-count slot holds its first item inline; count it as the item record it replaces.
            for p in s.panes where plan.slots[Int(p.slot)].needsItems { r += 1 }
        }
        return (e, r)
    }

    /// Applies one event, in arrival order. - Complexity: amortised O(slots + panes of the entity)
    public mutating func process(_ e: DomainEvent) {
        processed += 1
        let t = e.eventTime.microseconds
        if t < watermark {
            if let lateness = allowedLateness, t < watermark &- lateness.microseconds {
                droppedLate += 1
                return
            }
            acceptedLate += 1
        }
        if t > maxEventTime {
            maxEventTime = t
            watermark = t &- outOfOrderness.microseconds
        }
        let id = Int(e.entity)
        if id >= entities.count { entities.append(contentsOf: repeatElement(EntityState(), count: id + 1 - entities.count)) }
        let amount = Float(e.amount)
        for (slotIndex, slot) in plan.slots.enumerated() where slot.filter.accepts(e) {
            let s = UInt8(slotIndex)
            switch slot.kind {
            case .panes(let hop):
                let key = PaneRecord.key(slot: s, index: paneIndex(t, hop: hop))
                entities[id].addToPane(key: key, time: t, amount: amount, item: e.item, keepItems: slot.needsItems)
            case .sessions(let gap):
                entities[id].addToSession(slot: s, time: t, amount: amount, item: e.item, gap: gap, keepItems: slot.needsItems)
            case .latest:
                entities[id].noteLatest(slot: s, time: t)
            }
        }
        expiryQueue.append((t &+ plan.retention, e.entity))
        expire()
    }

    /// Frees state that no future read or accepted event can touch.
    mutating func expire() {
        guard let first = expiryQueue.first, first.at <= watermark else { return }
        plan.setCutoffs(watermark: watermark)
        while let head = expiryQueue.first, head.at <= watermark {
            expiryQueue.removeFirst()
            entities[Int(head.entity)].evict(plan: plan, watermark: watermark, allowedLateness: allowedLateness)
        }
    }

    /// Entity feature values over the union of this state's events and
    /// `other`'s for the entity: how a lambda architecture's serving layer
    /// merges its batch view with its speed view. Panes are mergeable
    /// summaries, and sessions that touch across the two are joined.
    public func values(for entity: Int32, asOf t: SimTime, mergedWith other: IncrementalFeatures) -> [Float] {
        precondition(other.view == view, "only views of the same features merge")
        let empty = EntityState()
        let a = Int(entity) < entities.count ? entities[Int(entity)] : empty
        let b = Int(entity) < other.entities.count ? other.entities[Int(entity)] : empty
        var merged = a
        merged.panes += b.panes
        merged.items += b.items
        for s in b.sessions {
            guard case .sessions(let gap) = plan.slots[Int(s.slot)].kind else { continue }
            merged.absorb(s, gap: gap)
        }
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        merged.values(plan, asOf: t.microseconds, into: &out)
        view.appendRatios(to: &out)
        return out
    }

    /// Entity feature values (aggregates then ratios) as of `t`, which must be
    /// at or after the event time of every event processed for the entity
    /// (reads happen "now"). - Complexity: O(features × panes in window)
    public func values(for entity: Int32, asOf t: SimTime) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        if Int(entity) < entities.count {
            entities[Int(entity)].values(plan, asOf: t.microseconds, into: &out)
        } else {
            EntityState().values(plan, asOf: t.microseconds, into: &out)
        }
        view.appendRatios(to: &out)
        return out
    }
}

@inline(__always) func paneIndex(_ t: Int64, hop: Int64) -> Int64 {
    // Pane p covers event times ((p−1)·hop, p·hop]: a ceiling division that is
    // also right for negative times.
    t > 0 ? (t &- 1) / hop &+ 1 : -((-t) / hop)
}

@inline(__always) func floorDiv(_ t: Int64, _ d: Int64) -> Int64 {
    t >= 0 ? t / d : -(((-t) &+ d &- 1) / d)
}

extension IncrementalFeatures {
    /// Which accumulators to keep for a view: one slot per (hop, filter) of its
    /// sliding and tumbling windows, per (gap, filter) of its sessions, and per
    /// filter of its time-since-last features.
    struct Plan {
        enum Kind: Hashable { case panes(hop: Int64), sessions(gap: Int64), latest }
        struct Slot: Hashable {
            var kind: Kind
            var filter: EventFilter
            var needsItems = false
            /// The largest window over these panes, in microseconds.
            var maxSize: Int64 = 0
        }
        struct Feature {
            var aggregation: Aggregation
            var slot: Int
            var sizePanes: Int64 = 0
            var reach: Int64 = 0
        }
        var slots: [Slot] = []
        var features: [Feature] = []
        /// How long after an event its entity should be looked at for expiry.
        var retention: Int64 = 0
        /// Per slot: panes with an index at or below this have expired at the
        /// watermark of the last `setCutoffs` (Int64.min for slots without panes).
        /// One division per slot per watermark instead of one per pane record.
        var cutoffs: [Int64] = []
        /// Per slot: the session gap, or nil for slots without sessions.
        var gaps: [Int64?] = []

        /// Sets `cutoffs` for `watermark`: a pane p of a slot with hop h and
        /// largest window m is read by no read at or after the watermark when
        /// p·h ≤ ⌊w/h⌋·h − m, and as m is a multiple of h, when p ≤ ⌊w/h⌋ − m/h.
        mutating func setCutoffs(watermark: Int64) {
            for i in slots.indices {
                guard case .panes(let hop) = slots[i].kind else { continue }
                cutoffs[i] = floorDiv(watermark, hop) &- slots[i].maxSize / hop
            }
        }

        init(_ view: FeatureView) {
            for f in view.aggregates {
                let kind: Kind
                var size: Int64 = 0
                if f.aggregation == .timeSinceLast {
                    kind = .latest
                } else {
                    switch f.window {
                    case .tumbling(let s):
                        kind = .panes(hop: s.microseconds); size = s.microseconds
                    case .sliding(let s, let h):
                        precondition(s.microseconds % h.microseconds == 0, "a sliding window's size must be a multiple of its hop")
                        kind = .panes(hop: h.microseconds); size = s.microseconds
                    case .session(let gap):
                        kind = .sessions(gap: gap.microseconds)
                    }
                }
                var index = slots.firstIndex { $0.kind == kind && $0.filter == f.filter }
                if index == nil {
                    slots.append(Slot(kind: kind, filter: f.filter))
                    index = slots.count - 1
                }
                let i = index!
                if f.aggregation == .distinctCount { slots[i].needsItems = true }
                slots[i].maxSize = max(slots[i].maxSize, size)
                var feature = Feature(aggregation: f.aggregation, slot: i, reach: f.window.reach.microseconds)
                if case .panes(let hop) = kind { feature.sizePanes = size / hop }
                features.append(feature)
            }
            precondition(slots.count <= Int(UInt8.max), "too many feature slots")
            retention = max(view.reach.microseconds, 1)
            cutoffs = Array(repeating: .min, count: slots.count)
            gaps = slots.map { if case .sessions(let gap) = $0.kind { gap } else { nil } }
        }
    }

    /// A pane's accumulator, keyed by slot and pane index packed into one
    /// word (one comparison per record when searching), with the item of the
    /// event that opened it inline: most panes of a one-second hop hold a
    /// single event, so distinct counts rarely need an `ItemRecord`. 40 bytes.
    struct PaneRecord {
        /// index << 8 | slot.
        var key: Int64
        var accumulator: Accumulator
        /// The first item seen in this pane; meaningful only in slots that keep items.
        var item: Int32

        init(slot: UInt8, index: Int64, accumulator: Accumulator, item: Int32 = -1) {
            self.key = Self.key(slot: slot, index: index)
            self.accumulator = accumulator
            self.item = item
        }

        init(key: Int64, accumulator: Accumulator, item: Int32) {
            self.key = key; self.accumulator = accumulator; self.item = item
        }

        /// Pane indices fit in 56 bits: a one-microsecond hop reaches a thousand years.
        @inline(__always) static func key(slot: UInt8, index: Int64) -> Int64 {
            precondition(index >= -(1 << 55) && index < 1 << 55, "pane index \(index) out of range")
            return index << 8 | Int64(slot)
        }
        var slot: UInt8 { UInt8(truncatingIfNeeded: key) }
        var index: Int64 { key >> 8 }
        /// The index of the one record a `latest` slot keeps (never read as an index).
        static let latestIndex: Int64 = (1 << 55) - 1
    }

    /// A distinct item of a pane beyond the one its `PaneRecord` holds inline.
    struct ItemRecord: Equatable {
        /// index << 8 | slot, as in `PaneRecord`.
        var key: Int64
        var item: Int32

        var slot: UInt8 { UInt8(truncatingIfNeeded: key) }
        var index: Int64 { key >> 8 }
    }

    struct SessionRecord {
        // Fields ordered so the record packs into 56 bytes.
        var start: Int64
        var last: Int64
        var accumulator: Accumulator
        var slot: UInt8
        var items: [Int32]

        init(slot: UInt8, start: Int64, last: Int64, accumulator: Accumulator, items: [Int32]) {
            self.start = start; self.last = last; self.accumulator = accumulator; self.slot = slot; self.items = items
        }
    }

    /// One entity's accumulators, each kind in one array whatever the number of
    /// slots, so an idle entity costs three empty arrays.
    struct EntityState {
        var panes: [PaneRecord] = []
        var items: [ItemRecord] = []
        var sessions: [SessionRecord] = []

        var isEmpty: Bool { panes.isEmpty && items.isEmpty && sessions.isEmpty }

        /// Adds an event to the pane `key`, and its item to the pane's distinct
        /// items when the slot keeps them.
        mutating func addToPane(key: Int64, time: Int64, amount: Float, item: Int32, keepItems: Bool) {
            // In-order events touch the newest pane: search from the end.
            var i = panes.count - 1
            while i >= 0 {
                if panes[i].key == key {
                    panes[i].accumulator.add(time: time, amount: amount)
                    if keepItems && panes[i].item != item {
                        let record = ItemRecord(key: key, item: item)
                        if !items.contains(record) { items.append(record) }
                    }
                    return
                }
                i -= 1
            }
            var acc = Accumulator()
            acc.add(time: time, amount: amount)
            panes.append(PaneRecord(key: key, accumulator: acc, item: item))
        }

        mutating func noteLatest(slot: UInt8, time: Int64) {
            if let i = panes.firstIndex(where: { $0.slot == slot }) {
                panes[i].accumulator.add(time: time, amount: 0)
                panes[i].accumulator.count = 1  // only the latest time matters
            } else {
                var acc = Accumulator()
                acc.add(time: time, amount: 0)
                panes.append(PaneRecord(slot: slot, index: PaneRecord.latestIndex, accumulator: acc))
            }
        }

        /// Adds an event to its session, merging every session it bridges. In
        /// place: an in-order event extends the newest session without copying.
        mutating func addToSession(slot: UInt8, time: Int64, amount: Float, item: Int32, gap: Int64, keepItems: Bool) {
            var target = -1
            var i = sessions.count - 1
            while i >= 0 {
                if sessions[i].slot == slot && sessions[i].start &- gap <= time && time <= sessions[i].last &+ gap {
                    if target < 0 {
                        target = i
                    } else {
                        // The event bridges two sessions: fold the later-found one into the target.
                        let other = sessions.remove(at: i)
                        target -= 1
                        sessions[target].start = min(sessions[target].start, other.start)
                        sessions[target].last = max(sessions[target].last, other.last)
                        // The target holds the newer events, so it keeps ties on `last`.
                        var merged = sessions[target].accumulator
                        var older = other.accumulator
                        if other.accumulator.lastTime > merged.lastTime { swap(&merged, &older) }
                        merged.merge(older)
                        sessions[target].accumulator = merged
                        for x in other.items where !sessions[target].items.contains(x) { sessions[target].items.append(x) }
                    }
                }
                i -= 1
            }
            if target < 0 {
                var acc = Accumulator()
                acc.add(time: time, amount: amount)
                sessions.append(SessionRecord(slot: slot, start: time, last: time, accumulator: acc, items: keepItems ? [item] : []))
                return
            }
            sessions[target].start = min(sessions[target].start, time)
            sessions[target].last = max(sessions[target].last, time)
            sessions[target].accumulator.add(time: time, amount: amount)
            if keepItems && !sessions[target].items.contains(item) { sessions[target].items.append(item) }
        }

        /// Joins a whole session from elsewhere, merging every session within `gap` of it.
        mutating func absorb(_ incoming: SessionRecord, gap: Int64) {
            var joined = incoming
            var kept: [SessionRecord] = []
            for s in sessions {
                if s.slot == joined.slot && s.start &- gap <= joined.last && joined.start <= s.last &+ gap {
                    joined.start = min(joined.start, s.start)
                    joined.last = max(joined.last, s.last)
                    joined.accumulator.merge(s.accumulator)
                    for x in s.items where !joined.items.contains(x) { joined.items.append(x) }
                } else {
                    kept.append(s)
                }
            }
            kept.append(joined)
            sessions = kept
        }

        /// Whether anything this entity holds might have expired at the watermark of `plan.cutoffs`.
        func mayExpire(_ plan: Plan) -> Bool {
            for p in panes where p.index <= plan.cutoffs[Int(p.slot)] { return true }
            return sessions.count > 1
        }

        /// Frees panes no read at or after the watermark reaches back to (by
        /// `plan.cutoffs`, set for `watermark`), and sessions no accepted event
        /// can join that a newer session of the same slot supersedes.
        mutating func evict(plan: Plan, watermark: Int64, allowedLateness: SimDuration?) {
            guard mayExpire(plan) else { return }
            panes.removeAll { $0.index <= plan.cutoffs[Int($0.slot)] }
            items.removeAll { $0.index <= plan.cutoffs[Int($0.slot)] }
            guard let lateness = allowedLateness?.microseconds, sessions.count > 1 else { return }
            // Stable compaction in place. Swaps keep every record in the array
            // until the end, so "superseded" is judged against all of them.
            let n = sessions.count
            var kept = 0
            for i in 0..<n {
                let slot = sessions[i].slot, last = sessions[i].last
                var expired = false
                if let gap = plan.gaps[Int(slot)], last &+ gap < watermark &- lateness {
                    for j in 0..<n where sessions[j].slot == slot && sessions[j].start > last {
                        expired = true
                        break
                    }
                }
                if !expired {
                    if kept != i { sessions.swapAt(kept, i) }
                    kept += 1
                }
            }
            if kept < n { sessions.removeLast(n - kept) }
        }

        /// Every feature's value as of `t`, appended to `out`: one pass over the
        /// entity's records per slot, features accumulated side by side.
        func values(_ plan: Plan, asOf t: Int64, into out: inout [Float]) {
            let base = out.count
            for f in plan.features {
                if plan.slots[f.slot].kind == .latest || { if case .sessions = plan.slots[f.slot].kind { return true }; return false }() {
                    out.append(value(f, plan: plan, asOf: t))
                } else {
                    out.append(0)  // filled below
                }
            }
            for (slotIndex, slot) in plan.slots.enumerated() {
                guard case .panes(let hop) = slot.kind else { continue }
                let endPane = floorDiv(t, hop)
                var accumulators: [(feature: Int, first: Int64, acc: Accumulator, seen: [Int32])] = []
                for (i, f) in plan.features.enumerated() where f.slot == slotIndex {
                    accumulators.append((i, endPane &- f.sizePanes &+ 1, Accumulator(), []))
                }
                for p in panes where p.slot == UInt8(slotIndex) && p.index <= endPane {
                    for k in accumulators.indices where p.index >= accumulators[k].first {
                        accumulators[k].acc.merge(p.accumulator)
                    }
                }
                if slot.needsItems {
                    for p in panes where p.slot == UInt8(slotIndex) && p.index <= endPane {
                        for k in accumulators.indices where plan.features[accumulators[k].feature].aggregation == .distinctCount
                            && p.index >= accumulators[k].first && !accumulators[k].seen.contains(p.item) {
                            accumulators[k].seen.append(p.item)
                        }
                    }
                    for r in items where r.slot == UInt8(slotIndex) && r.index <= endPane {
                        for k in accumulators.indices where plan.features[accumulators[k].feature].aggregation == .distinctCount
                            && r.index >= accumulators[k].first && !accumulators[k].seen.contains(r.item) {
                            accumulators[k].seen.append(r.item)
                        }
                    }
                }
                for a in accumulators {
                    out[base + a.feature] = a.acc.value(plan.features[a.feature].aggregation, distinct: a.seen.count)
                }
            }
        }

        func value(_ f: Plan.Feature, plan: Plan, asOf t: Int64) -> Float {
            let slot = plan.slots[f.slot]
            switch slot.kind {
            case .latest:
                guard let p = panes.first(where: { $0.slot == UInt8(f.slot) }), t &- p.accumulator.lastTime <= f.reach else {
                    return Float(Double(f.reach) / 1e6)
                }
                return Float(Double(t &- p.accumulator.lastTime) / 1e6)
            case .sessions(let gap):
                var newest = -1
                for (i, s) in sessions.enumerated() where s.slot == UInt8(f.slot) && (newest < 0 || s.last > sessions[newest].last) {
                    newest = i
                }
                guard newest >= 0, t &- sessions[newest].last <= gap else { return Accumulator().value(f.aggregation, distinct: 0) }
                return sessions[newest].accumulator.value(f.aggregation, distinct: sessions[newest].items.count)
            case .panes(let hop):
                let endPane = floorDiv(t, hop)
                let firstPane = endPane &- f.sizePanes &+ 1
                var acc = Accumulator()
                for p in panes where p.slot == UInt8(f.slot) && p.index >= firstPane && p.index <= endPane {
                    acc.merge(p.accumulator)
                }
                var distinct = 0
                if f.aggregation == .distinctCount {
                    var seen: [Int32] = []
                    for p in panes where p.slot == UInt8(f.slot) && p.index >= firstPane && p.index <= endPane && !seen.contains(p.item) {
                        seen.append(p.item)
                    }
                    for r in items where r.slot == UInt8(f.slot) && r.index >= firstPane && r.index <= endPane && !seen.contains(r.item) {
                        seen.append(r.item)
                    }
                    distinct = seen.count
                }
                return acc.value(f.aggregation, distinct: distinct)
            }
        }
    }
}
