import DequeModule
import SimKernel
import Workloads

/// Evaluates a feature view incrementally, one arriving event at a time, the
/// way a stream processor does: per-entity pane accumulators for sliding and
/// tumbling windows (panes shared by every window with the same hop, filter
/// and measure, as in Flink's pane optimisation), session accumulators that merge
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

    let plan: Plan
    var entities: [EntityState] = []
    /// Entities with state that may expire, with the watermark at which to look again.
    var expiryQueue = Deque<(at: Int64, entity: Int32)>()
    /// The same, looked at once the view's shortest pane windows have passed
    /// (minutes, where the longest are days): an active entity's short-window
    /// panes go long before its long-window ones, keeping its state small.
    var shortExpiryQueue = Deque<(at: Int64, entity: Int32)>()
    /// `plan.expiredPanes(at:)` for the watermark it was last computed at: the
    /// watermark moves with most events, and an array a call adds up.
    var expired: [Int64] = []
    var expiredAt: Int64?

    public init(_ view: FeatureView, outOfOrderness: SimDuration = .zero, allowedLateness: SimDuration? = .zero) {
        self.view = view
        self.outOfOrderness = outOfOrderness
        self.allowedLateness = allowedLateness
        plan = Plan(view)
    }

    /// Approximate bytes one pane, item or session record costs, for memory accounting.
    public static let bytesPerRecord = 48

    /// Entities currently holding state, and the pane/session records they hold (for tests and benchmarks).
    public var stateSize: (entities: Int, records: Int) {
        var e = 0, r = 0
        for s in entities where !s.isEmpty {
            e += 1
            r += s.panes.count + s.sessions.count + s.items.count
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
        // An event of no entity (a catalogue publication, for a view of users) moves event time and nothing else.
        guard e.entity >= 0 else { return }
        let id = Int(e.entity)
        if id >= entities.count { entities.append(contentsOf: repeatElement(EntityState(), count: id + 1 - entities.count)) }
        let topics = plan.measuresTopics ? view.topics(of: e) : nil  // once per event, not per slot
        for (slotIndex, slot) in plan.slots.enumerated() where slot.filter.accepts(e) {
            let s = UInt8(slotIndex)
            let amount = slot.measure.value(of: e, topics: topics)
            switch slot.kind {
            case .panes(let hop):
                // A zero adds nothing to a sum: a topic the item is not about costs no pane.
                if amount == 0 && slot.sumsOnly { continue }
                let index = paneIndex(t, hop: hop)
                entities[id].addToPane(slot: s, index: index, time: t, amount: amount)
                if slot.needsItems { entities[id].addItem(slot: s, index: index, item: e.item) }
            case .sessions(let gap):
                entities[id].addToSession(slot: s, time: t, amount: amount, item: e.item, gap: gap, keepItems: slot.needsItems)
            case .latest:
                entities[id].noteLatest(slot: s, time: t)
            }
        }
        expiryQueue.append((t &+ plan.retention, e.entity))
        if let short = plan.shortRetention { shortExpiryQueue.append((t &+ short, e.entity)) }
        expire()
    }

    /// Frees state that no future read or accepted event can touch.
    mutating func expire() {
        let due = (expiryQueue.first.map { $0.at <= watermark } ?? false) || (shortExpiryQueue.first.map { $0.at <= watermark } ?? false)
        guard due else { return }
        if expiredAt != watermark {
            plan.expiredPanes(at: watermark, into: &expired)
            expiredAt = watermark
        }
        while let head = expiryQueue.first, head.at <= watermark {
            expiryQueue.removeFirst()
            entities[Int(head.entity)].evict(plan: plan, expired: expired, watermark: watermark, allowedLateness: allowedLateness)
        }
        while let head = shortExpiryQueue.first, head.at <= watermark {
            shortExpiryQueue.removeFirst()
            entities[Int(head.entity)].evict(plan: plan, expired: expired, watermark: watermark, allowedLateness: allowedLateness)
        }
    }

    /// Entity feature values over the union of this state's events and
    /// `other`'s for the entity: how a lambda architecture's serving layer
    /// merges its batch view with its speed view. Panes are mergeable
    /// summaries, and sessions that touch across the two are joined.
    public func values(for entity: Int32, asOf t: SimTime, mergedWith other: IncrementalFeatures) -> [Float] {
        precondition(other.view == view, "only views of the same features merge")
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        let id = Int(entity)
        // Read in place: copying an entity's state would retain (and, merged, reallocate) its arrays.
        entities.withUnsafeBufferPointer { mine in
            other.entities.withUnsafeBufferPointer { theirs in
                let empty = EntityState()
                EntityState.values(id < mine.count ? mine[id] : empty, mergedWith: id < theirs.count ? theirs[id] : empty,
                                   plan, asOf: t.microseconds, into: &out)
            }
        }
        view.appendRatios(to: &out)
        return out
    }

    /// Entity feature values (aggregates then ratios) as of `t`, which must be
    /// at or after the event time of every event processed for the entity
    /// (reads happen "now"). - Complexity: O(features × panes in window)
    public func values(for entity: Int32, asOf t: SimTime) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        let id = Int(entity)
        entities.withUnsafeBufferPointer { states in
            EntityState.values(id < states.count ? states[id] : EntityState(), mergedWith: nil, plan, asOf: t.microseconds, into: &out)
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
    /// Which accumulators to keep for a view: one slot per (hop, filter,
    /// measure) of its sliding and tumbling windows, per (gap, filter, measure)
    /// of its sessions, and per filter of its time-since-last features.
    struct Plan {
        enum Kind: Hashable { case panes(hop: Int64), sessions(gap: Int64), latest }
        struct Slot: Hashable {
            var kind: Kind
            var filter: EventFilter
            var measure: EventMeasure
            var needsItems = false
            /// The largest window over these panes, in microseconds.
            var maxSize: Int64 = 0
            /// Every feature over this slot is a sum.
            var sumsOnly = true
        }
        struct Feature {
            var aggregation: Aggregation
            var slot: Int
            var sizePanes: Int64 = 0
            var reach: Int64 = 0
        }
        var slots: [Slot] = []
        var features: [Feature] = []
        /// The features over each slot, by feature index: slot s's are
        /// `slotFeatures[slotFeatureStart[s]..<slotFeatureStart[s + 1]]` (flat,
        /// so the hot loop of `values` touches no nested array).
        var slotFeatures: [Int] = []
        var slotFeatureStart: [Int] = [0]
        /// How long after an event its entity should be looked at for expiry.
        var retention: Int64 = 0
        /// Some slot measures the items' topics.
        var measuresTopics = false
        /// When an entity's shortest-lived panes can go, if much sooner than `retention`.
        var shortRetention: Int64?

        /// Per slot, the highest pane index no read at or after `watermark`
        /// reaches (`Int64.min` for sessions and time-since-last, never
        /// expired this way): pane p covers ((p−1)·hop, p·hop], and the
        /// widest window over the slot as of the watermark starts at the
        /// hop boundary at or before it, less the window's size.
        func expiredPanes(at watermark: Int64) -> [Int64] {
            var out: [Int64] = []
            expiredPanes(at: watermark, into: &out)
            return out
        }

        /// `expiredPanes(at:)` written into `out`, reusing its storage.
        func expiredPanes(at watermark: Int64, into out: inout [Int64]) {
            out.removeAll(keepingCapacity: true)
            for slot in slots {
                guard case .panes(let hop) = slot.kind else { out.append(.min); continue }
                out.append(floorDiv(floorDiv(watermark, hop) &* hop &- slot.maxSize, hop))
            }
        }

        init(_ view: FeatureView) {
            measuresTopics = view.measuresTopics
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
                // Time since last reads only event times: what is measured does not matter.
                let measure = kind == .latest ? EventMeasure.amount : f.measure
                var index = slots.firstIndex { $0.kind == kind && $0.filter == f.filter && $0.measure == measure }
                if index == nil {
                    slots.append(Slot(kind: kind, filter: f.filter, measure: measure))
                    index = slots.count - 1
                }
                let i = index!
                if f.aggregation == .distinctCount { slots[i].needsItems = true }
                if f.aggregation != .sum { slots[i].sumsOnly = false }
                slots[i].maxSize = max(slots[i].maxSize, size)
                var feature = Feature(aggregation: f.aggregation, slot: i, reach: f.window.reach.microseconds)
                if case .panes(let hop) = kind { feature.sizePanes = size / hop }
                features.append(feature)
            }
            precondition(slots.count <= Int(UInt8.max), "too many feature slots")
            for s in slots.indices {
                slotFeatures += features.indices.filter { features[$0].slot == s }
                slotFeatureStart.append(slotFeatures.count)
            }
            retention = max(view.reach.microseconds, 1)
            let shortest = slots.compactMap { slot -> Int64? in
                guard case .panes(let hop) = slot.kind else { return nil }
                return slot.maxSize &+ hop
            }.min()
            // Worth a second look only when the short windows are a small fraction of the long ones.
            if let shortest, shortest &* 32 <= retention { shortRetention = shortest }
        }
    }

    // Records are declared widest field first, the slot last: 40 and 16 bytes
    // a record instead of 48 and 24 (there is one per event and window hop).

    struct PaneRecord {
        var index: Int64
        var accumulator: Accumulator
        var slot: UInt8

        init(slot: UInt8, index: Int64, accumulator: Accumulator) {
            self.index = index; self.accumulator = accumulator; self.slot = slot
        }
    }

    struct ItemRecord: Equatable {
        var index: Int64
        var item: Int32
        var slot: UInt8

        init(slot: UInt8, index: Int64, item: Int32) {
            self.index = index; self.item = item; self.slot = slot
        }
    }

    struct SessionRecord {
        var slot: UInt8
        var start: Int64
        var last: Int64
        var accumulator: Accumulator
        var items: [Int32]
    }

    /// One entity's accumulators, each kind in one array whatever the number of
    /// slots, so an idle entity costs three empty arrays.
    struct EntityState {
        var panes: [PaneRecord] = []
        var items: [ItemRecord] = []
        var sessions: [SessionRecord] = []
        /// Per slot, the position in `panes` of its newest record (−1: none),
        /// so an event finds its pane without scanning other slots' records.
        /// (The first four slots' positions inline, the rest in `newestOverflow`: a
        /// view rarely has more, and an array here would cost every entity an
        /// allocation of its own.)
        var newest: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
        var newestOverflow: [Int32] = []

        var isEmpty: Bool { panes.isEmpty && items.isEmpty && sessions.isEmpty }

        mutating func addToPane(slot: UInt8, index: Int64, time: Int64, amount: Float) {
            // Only the slot's newest record is looked at: in-order events touch
            // it or start a newer pane. A late event for an older pane starts a
            // second record for that pane, which is harmless — pane summaries
            // merge — and keeps this O(1) instead of O(records).
            if let i = newestRecord(of: slot), panes[i].index == index {
                panes[i].accumulator.add(time: time, amount: amount)
                return
            }
            var acc = Accumulator()
            acc.add(time: time, amount: amount)
            append(PaneRecord(slot: slot, index: index, accumulator: acc))
        }

        func newestRecord(of slot: UInt8) -> Int? {
            let s = Int(slot)
            let position: Int32
            switch s {
            case 0: position = newest.0
            case 1: position = newest.1
            case 2: position = newest.2
            case 3: position = newest.3
            default: position = s - 4 < newestOverflow.count ? newestOverflow[s - 4] : -1
            }
            return position >= 0 ? Int(position) : nil
        }

        mutating func append(_ record: PaneRecord) {
            let s = Int(record.slot)
            setNewest(slot: s, Int32(panes.count))
            panes.append(record)
        }

        /// Rebuilds `newest` after records were removed.
        mutating func reindex() {
            newest = (-1, -1, -1, -1)
            for s in newestOverflow.indices { newestOverflow[s] = -1 }
            for (i, p) in panes.enumerated() { setNewest(slot: Int(p.slot), Int32(i)) }
        }

        mutating func setNewest(slot s: Int, _ position: Int32) {
            switch s {
            case 0: newest.0 = position; return
            case 1: newest.1 = position; return
            case 2: newest.2 = position; return
            case 3: newest.3 = position; return
            default: break
            }
            if s - 4 >= newestOverflow.count { newestOverflow.append(contentsOf: repeatElement(-1, count: s - 3 - newestOverflow.count)) }
            newestOverflow[s - 4] = position
        }

        mutating func addItem(slot: UInt8, index: Int64, item: Int32) {
            let record = ItemRecord(slot: slot, index: index, item: item)
            if !items.contains(record) { items.append(record) }
        }

        mutating func noteLatest(slot: UInt8, time: Int64) {
            if let i = newestRecord(of: slot) {
                panes[i].accumulator.add(time: time, amount: 0)
                panes[i].accumulator.count = 1  // only the latest time matters
            } else {
                var acc = Accumulator()
                acc.add(time: time, amount: 0)
                append(PaneRecord(slot: slot, index: .max, accumulator: acc))
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

        /// Whether anything this entity holds might have expired, given each
        /// slot's last expired pane index (`Plan.expiredPanes`).
        func mayExpire(_ expired: [Int64]) -> Bool {
            for p in panes where p.index <= expired[Int(p.slot)] { return true }
            return sessions.count > 1
        }

        mutating func evict(plan: Plan, expired: [Int64], watermark: Int64, allowedLateness: SimDuration?) {
            guard mayExpire(expired) else { return }
            // No read at or after the watermark reaches back to these panes.
            let before = panes.count
            panes.removeAll { $0.index <= expired[Int($0.slot)] }
            if panes.count != before { reindex() }
            items.removeAll { $0.index <= expired[Int($0.slot)] }
            guard let lateness = allowedLateness?.microseconds, sessions.count > 1 else { return }
            // Whether a session is superseded (some session of its slot starts after its last event)
            // only needs each slot's latest start: found first, so the removal copies nothing.
            // (One slot of sessions, the usual case, needs no array.)
            let oneSlot = sessions.allSatisfy { $0.slot == sessions[0].slot }
            var latestStart: [Int64] = []
            var latestOfAll = Int64.min
            for s in sessions {
                latestOfAll = max(latestOfAll, s.start)
                guard !oneSlot else { continue }
                let i = Int(s.slot)
                if i >= latestStart.count { latestStart.append(contentsOf: repeatElement(.min, count: i + 1 - latestStart.count)) }
                latestStart[i] = max(latestStart[i], s.start)
            }
            sessions.removeAll { s in
                guard case .sessions(let gap) = plan.slots[Int(s.slot)].kind else { return false }
                // No event that can still be accepted can join it, and a newer session supersedes it.
                let superseded = (oneSlot ? latestOfAll : latestStart[Int(s.slot)]) > s.last
                return superseded && s.last &+ gap < watermark &- lateness
            }
        }

        /// Every feature's value as of `t`, appended to `out`.
        func values(_ plan: Plan, asOf t: Int64, into out: inout [Float]) {
            Self.values(self, mergedWith: nil, plan, asOf: t, into: &out)
        }

        /// Every feature's value as of `t` over `a`'s records and, when given,
        /// `b`'s (as if `b`'s panes and items were appended to `a`'s and its
        /// sessions absorbed), appended to `out`: one pass over the pane
        /// records, each merged into the features of its slot whose window
        /// holds it (per feature, in record order). Scratch space is on the
        /// stack: this runs for every decision of every engine that reads
        /// features on request.
        static func values(_ a: EntityState, mergedWith b: EntityState?, _ plan: Plan, asOf t: Int64,
                           into out: inout [Float]) {
            let slotCount = plan.slots.count, featureCount = plan.features.count
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: slotCount) { endPane in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: featureCount) { first in
            withUnsafeTemporaryAllocation(of: Accumulator.self, capacity: featureCount) { accumulators in
                for s in 0..<slotCount {
                    if case .panes(let hop) = plan.slots[s].kind { endPane[s] = floorDiv(t, hop) } else { endPane[s] = .min }  // .min: not a pane slot
                }
                for i in 0..<featureCount {
                    first[i] = endPane[plan.features[i].slot] &- plan.features[i].sizePanes &+ 1
                    accumulators.initializeElement(at: i, to: Accumulator())
                }
                plan.slotFeatures.withUnsafeBufferPointer { slotFeatures in
                    plan.slotFeatureStart.withUnsafeBufferPointer { start in
                        func fold(_ records: [PaneRecord]) {
                            records.withUnsafeBufferPointer { panes in
                                for p in panes {
                                    let s = Int(p.slot)
                                    guard endPane[s] != .min, p.index <= endPane[s] else { continue }
                                    for k in start[s]..<start[s + 1] {
                                        let i = slotFeatures[k]
                                        // Records of one pane are in processing order: a later one wins a tie on `last`.
                                        if p.index >= first[i] { accumulators[i].mergeLater(p.accumulator) }
                                    }
                                }
                            }
                        }
                        fold(a.panes)
                        if let b { fold(b.panes) }
                    }
                }
                let itemCount = a.items.count + (b?.items.count ?? 0)
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, itemCount)) { seen in
                    for (i, f) in plan.features.enumerated() {
                        let end = endPane[f.slot]
                        guard end != .min else {
                            out.append(nonPaneValue(f, a, mergedWith: b, plan: plan, asOf: t))
                            continue
                        }
                        var distinct = 0
                        if f.aggregation == .distinctCount {
                            let s = UInt8(f.slot)
                            func count(_ items: [ItemRecord]) {
                                for r in items where r.slot == s && r.index <= end && r.index >= first[i] {
                                    var known = false
                                    for j in 0..<distinct where seen[j] == r.item { known = true; break }
                                    if !known { seen[distinct] = r.item; distinct += 1 }
                                }
                            }
                            count(a.items)
                            if let b { count(b.items) }
                        }
                        out.append(accumulators[i].value(f.aggregation, distinct: distinct))
                    }
                }
            }
            }
            }
        }

        /// A time-since-last or session feature over `a` and, when given, `b` merged in.
        static func nonPaneValue(_ f: Plan.Feature, _ a: EntityState, mergedWith b: EntityState?, plan: Plan,
                                 asOf t: Int64) -> Float {
            guard let b else { return a.value(f, plan: plan, asOf: t) }
            switch plan.slots[f.slot].kind {
            case .latest:
                // The first record of the slot in a's panes followed by b's.
                let slot = UInt8(f.slot)
                let record = a.panes.first(where: { $0.slot == slot }) ?? b.panes.first(where: { $0.slot == slot })
                var only = EntityState()
                if let record { only.panes = [record] }
                return only.value(f, plan: plan, asOf: t)
            case .sessions(let gap):
                var merged = EntityState()
                merged.sessions = a.sessions
                for s in b.sessions where s.slot == UInt8(f.slot) { merged.absorb(s, gap: gap) }
                return merged.value(f, plan: plan, asOf: t)
            case .panes:
                preconditionFailure("pane features are folded in `values`")
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
