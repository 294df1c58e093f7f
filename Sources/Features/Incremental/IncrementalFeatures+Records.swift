import Workloads

extension IncrementalFeatures {
    /// One pane, item, session or time-since-last record of an entity, or a
    /// run of single-event panes: 36 bytes, all kinds in one block per entity
    /// (`EntityRecords`), each kind's records in processing order among
    /// themselves. Nothing in it is 8-byte aligned: the key, slot and kind
    /// share two 4-byte words (keys are within ±2⁵², about 142 years of
    /// microseconds), so a record takes 36 bytes instead of the 40 that two
    /// 8-byte fields round 38 up to — the records are most of a feature
    /// state's memory.
    struct Record {
        /// `singles`: up to three panes of one event each, as (event time,
        /// amount) — the pane's index follows from the time. With 1-second
        /// hops over a day (fraud) nearly every pane holds one event, and
        /// three of them in one record take a third of the memory.
        enum Kind: UInt8 { case pane, item, session, latest, singles }
        /// Bits 0–31 of the key.
        private var keyLow: UInt32
        /// Bits 0–20: the key's bits 32–52 (two's complement); 21–28: the slot; 29–31: the kind.
        private var tag: UInt32
        /// The events' summary (a session's last event time is its
        /// `lastTime`). An item record has none: its count holds the item.
        /// Singles keep their panes' times and amounts in its bytes.
        var accumulator: Accumulator

        static let keyLimit: Int64 = 1 << 52

        init(_ kind: Kind, slot: UInt8, key: Int64, accumulator: Accumulator) {
            keyLow = 0
            tag = UInt32(slot) << 21 | UInt32(kind.rawValue) << 29
            self.accumulator = accumulator
            self.key = key
        }

        /// Pane: its index. Item: its pane's index (pane slots) or its event's
        /// time (session slots, whose sessions are disjoint time ranges, so the
        /// range says whose it is). Session: its first event time. Singles: the
        /// first pane's event time. Latest: unused.
        var key: Int64 {
            @inline(__always) get {
                // Shifted up and back down to extend the sign of the key's 21 high bits.
                Int64(Int32(bitPattern: tag << 11) >> 11) << 32 | Int64(keyLow)
            }
            @inline(__always) set {
                precondition(newValue > -Self.keyLimit && newValue < Self.keyLimit, "a feature record's key is beyond ±2⁵²")
                keyLow = UInt32(truncatingIfNeeded: newValue)
                tag = tag & ~0x1F_FFFF | UInt32(truncatingIfNeeded: newValue >> 32) & 0x1F_FFFF
            }
        }
        var slot: UInt8 { @inline(__always) get { UInt8(truncatingIfNeeded: tag >> 21) } }
        var kind: Kind { @inline(__always) get { Kind(rawValue: UInt8(tag >> 29)).unsafelyUnwrapped } }

        static func item(_ item: Int32, slot: UInt8, key: Int64) -> Record {
            var r = Record(.item, slot: slot, key: key, accumulator: Accumulator())
            r.accumulator.count = item
            return r
        }

        var item: Int32 { accumulator.count }

        // MARK: Singles

        static let singlesCapacity = 3

        /// Singles holding one pane. The accumulator's seven words hold the
        /// first amount, then (time, amount) of the second and third panes;
        /// an absent pane's time is `.min`.
        static func singles(slot: UInt8, time: Int64, amount: Float) -> Record {
            var r = Record(.singles, slot: slot, key: time, accumulator: Accumulator())
            r.setSingle(0, time: time, amount: amount)
            r.setSingle(1, time: .min, amount: 0)
            r.setSingle(2, time: .min, amount: 0)
            return r
        }

        /// The panes a singles record holds, 1 to 3.
        var singleCount: Int {
            @inline(__always) get { single(1).time == .min ? 1 : single(2).time == .min ? 2 : 3 }
        }

        /// The newest of a singles record's panes.
        var newestSingle: (time: Int64, amount: Float) { @inline(__always) get { single(singleCount - 1) } }

        /// The `k`th single-event pane's event time and amount, in pane order.
        /// Read field by field, not through a byte view of the accumulator,
        /// which makes the compiler copy the record to the stack first.
        @inline(__always) func single(_ k: Int) -> (time: Int64, amount: Float) {
            let a = accumulator
            switch k {
            case 0: return (key, Float(bitPattern: UInt32(bitPattern: a.count)))
            case 1: return (Int64(Int32(bitPattern: a.min.bitPattern)) << 32 | Int64(a.sum.bitPattern), a.max)
            default: return (Int64(Int32(bitPattern: a.lastTimeLow)) << 32 | Int64(a.lastAmount.bitPattern),
                             Float(bitPattern: UInt32(bitPattern: a.lastTimeHigh)))
            }
        }

        /// The accumulator's seven 4-byte words, in order: the first amount;
        /// the second time (low, high) and amount; the third time and amount.
        @inline(__always) mutating func setSingle(_ k: Int, time: Int64, amount: Float) {
            let low = UInt32(truncatingIfNeeded: time), high = UInt32(truncatingIfNeeded: time >> 32)
            switch k {
            case 0:
                key = time
                accumulator.count = Int32(bitPattern: amount.bitPattern)
            case 1:
                accumulator.sum = Float(bitPattern: low)
                accumulator.min = Float(bitPattern: high)
                accumulator.max = amount
            default:
                accumulator.lastAmount = Float(bitPattern: low)
                accumulator.lastTimeLow = high
                accumulator.lastTimeHigh = Int32(bitPattern: amount.bitPattern)
            }
        }
    }
}

extension EntityRecords {
    typealias Plan = IncrementalFeatures.Plan

    /// Applies one accepted event to its entity (whose header exists):
    /// first drops what has expired, if anything may have, then updates each
    /// slot the event passes. - Complexity: O(slots × the entity's records)
    mutating func apply(_ e: DomainEvent, time t: Int64, topics: ArraySlice<Float>?, plan: Plan, watermark: Int64,
                        lateness: Int64?) {
        let id = Int(e.entity)
        var h = headers[id]
        h.prefetch()
        if h.dueAt <= watermark { evict(&h, plan: plan, watermark: watermark, lateness: lateness) }
        plan.slots.withUnsafeBufferPointer { slots in
            for s in slots.indices where slots[s].filter.accepts(e) {
                let slot = UInt8(s)
                let amount = slots[s].measure.value(of: e, topics: topics)
                if slots[s].hop > 0 {
                    // A zero adds nothing to a sum: a topic the item is not about costs no pane.
                    if amount == 0 && slots[s].sumsOnly { continue }
                    let hop = slots[s].hop
                    let index = paneIndex(t, hop: hop)
                    addToPane(&h, slot: slot, hop: hop, plan: plan, index: index, time: t, amount: amount)
                    h.dueAt = min(h.dueAt, index &* hop &+ slots[s].maxSize)
                    if slots[s].needsItems && addItem(&h, slot: slot, key: index, item: e.item) {
                        h.dueAt = min(h.dueAt, index &* hop &+ slots[s].itemMaxSize)
                    }
                } else if slots[s].gap > 0 {
                    addToSession(&h, slot: slot, time: t, amount: amount, item: e.item, gap: slots[s].gap,
                                 keepItems: slots[s].needsItems, lateness: lateness)
                } else if slots[s].latestFrom < 0 {
                    noteLatest(&h, slot: slot, time: t, reach: slots[s].maxSize)
                }
            }
        }
        headers[id] = h
    }

    /// Only the slot's newest pane record (a pane or singles) is looked at:
    /// in-order events touch its newest pane or start a newer one. A pane's
    /// first event goes into singles; its second makes it a full pane. A late
    /// event for an older pane starts a second record for that pane, which is
    /// harmless — pane summaries merge — and keeps this O(1) in the usual
    /// case instead of O(records).
    @inline(__always) mutating func addToPane(_ h: inout Header, slot: UInt8, hop: Int64, plan: Plan, index: Int64,
                                              time: Int64, amount: Float) {
        let records = h.records
        var i = records.count - 1
        while i >= 0 {
            if records[i].slot == slot {
                if records[i].kind == .pane {
                    if records[i].key == index {
                        records[i].accumulator.add(time: time, amount: amount)
                        return
                    }
                    break
                }
                if records[i].kind == .singles {
                    let n = records[i].singleCount
                    let newest = records[i].newestSingle
                    let newestIndex = paneIndex(newest.time, hop: hop)
                    if newestIndex == index {
                        // The pane's second event: it takes a summary of its own.
                        var acc = Accumulator()
                        acc.add(time: newest.time, amount: newest.amount)
                        acc.add(time: time, amount: amount)
                        let pane = Record(.pane, slot: slot, key: index, accumulator: acc)
                        if n == 1 {
                            records[i] = pane
                        } else {
                            // The singles' newest is now an older pane, due sooner.
                            records[i].setSingle(n - 1, time: .min, amount: 0)
                            h.dueAt = min(h.dueAt, plan.evictableAt(records[i], lateness: nil))
                            append(pane, to: &h)
                        }
                        return
                    }
                    if newestIndex < index && n < Record.singlesCapacity {
                        records[i].setSingle(n, time: time, amount: amount)
                        return
                    }
                    break
                }
            }
            i -= 1
        }
        append(.singles(slot: slot, time: time, amount: amount), to: &h)
    }

    /// Notes `item` in pane `key` of the slot unless already there; whether it was new.
    @inline(__always) mutating func addItem(_ h: inout Header, slot: UInt8, key: Int64, item: Int32) -> Bool {
        for r in h.records where r.kind == .item && r.slot == slot && r.key == key && r.item == item { return false }
        append(.item(item, slot: slot, key: key), to: &h)
        return true
    }

    /// (A later time only moves the record's eviction later: `dueAt` stays a lower bound.)
    mutating func noteLatest(_ h: inout Header, slot: UInt8, time: Int64, reach: Int64) {
        let records = h.records
        for i in records.indices where records[i].kind == .latest && records[i].slot == slot {
            records[i].accumulator.add(time: time, amount: 0)
            records[i].accumulator.count = 1  // only the latest time matters
            return
        }
        var acc = Accumulator()
        acc.add(time: time, amount: 0)
        append(Record(.latest, slot: slot, key: 0, accumulator: acc), to: &h)
        h.dueAt = min(h.dueAt, time &+ reach)
    }

    /// Adds an event to its session, merging every session it bridges, in
    /// place. A new session's eviction time joins the entity's `dueAt`; a
    /// session that grows or absorbs another is only evicted later.
    mutating func addToSession(_ h: inout Header, slot: UInt8, time: Int64, amount: Float, item: Int32, gap: Int64,
                               keepItems: Bool, lateness: Int64?) {
        var target = -1
        var i = Int(h.count) - 1
        while i >= 0 {
            let r = h.block![i]
            if r.kind == .session && r.slot == slot && r.key &- gap <= time && time <= r.accumulator.lastTime &+ gap {
                if target < 0 {
                    target = i
                } else {
                    // The event bridges two sessions: fold the later-found one into the target.
                    // (Their items are already in the merged range.)
                    remove(at: i, from: &h)
                    target -= 1
                    let block = h.block!
                    block[target].key = min(block[target].key, r.key)
                    // The target holds the newer events, so it keeps ties on the last time.
                    var merged = block[target].accumulator
                    var older = r.accumulator
                    if older.lastTime > merged.lastTime { swap(&merged, &older) }
                    merged.merge(older)
                    block[target].accumulator = merged
                }
            }
            i -= 1
        }
        if target < 0 {
            if let lateness { h.dueAt = min(h.dueAt, time &+ gap &+ lateness &+ 1) }
            var acc = Accumulator()
            acc.add(time: time, amount: amount)
            append(Record(.session, slot: slot, key: time, accumulator: acc), to: &h)
            if keepItems { append(.item(item, slot: slot, key: time), to: &h) }
            return
        }
        let block = h.block!
        block[target].key = min(block[target].key, time)
        block[target].accumulator.add(time: time, amount: amount)
        guard keepItems else { return }
        let (start, last) = (block[target].key, block[target].accumulator.lastTime)
        for r in h.records where r.kind == .item && r.slot == slot && r.item == item && r.key >= start && r.key <= last { return }
        append(.item(item, slot: slot, key: time), to: &h)
    }

    /// Drops every record of the entity that no read at or after the
    /// watermark, and no event still accepted, can need, and sets its `dueAt`
    /// to the earliest watermark at which another can go.
    /// - Complexity: O(records), O(records²) when session items go
    mutating func evict(_ h: inout Header, plan: Plan, watermark: Int64, lateness: Int64?) {
        let records = h.records
        var due = Int64.max
        var kept = 0
        var sessionItemsGo = false
        for r in records {
            let at = plan.evictableAt(r, lateness: lateness)
            if at <= watermark {
                if r.kind == .session && plan.slots[Int(r.slot)].needsItems { sessionItemsGo = true }
                continue
            }
            due = min(due, at)
            records[kept] = r
            kept += 1
        }
        if sessionItemsGo {
            // A session slot's item stays while a session of its slot still covers its time.
            let left = UnsafeMutableBufferPointer(rebasing: records[..<kept])
            var n = 0
            for r in left {
                let covered = r.kind != .item || plan.slots[Int(r.slot)].hop > 0 || left.contains {
                    $0.kind == .session && $0.slot == r.slot && $0.key <= r.key && r.key <= $0.accumulator.lastTime
                }
                if covered { left[n] = r; n += 1 }
            }
            kept = n
        }
        truncate(&h, to: kept)
        h.dueAt = due
    }
}

extension IncrementalFeatures {
    /// Every feature's value as of `t` over `a`'s records and, when given,
    /// `b`'s (as if `b`'s panes and items were appended to `a`'s and its
    /// sessions absorbed), appended to `out`: one pass over the pane
    /// records, each merged into the windows of its slot that hold it (one
    /// accumulator per window, shared by the features over it; in record
    /// order). Scratch space is on the stack: this runs for every decision
    /// of every engine that reads features on request.
    static func values(_ a: UnsafeBufferPointer<Record>, mergedWith b: UnsafeBufferPointer<Record>?, _ plan: Plan,
                       asOf t: Int64, into out: inout [Float]) {
        let slotCount = plan.slots.count, windowCount = plan.windows.count
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: slotCount) { endPane in
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, windowCount)) { first in
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, windowCount)) { after in
        withUnsafeTemporaryAllocation(of: Accumulator.self, capacity: max(1, windowCount)) { accumulators in
            for s in 0..<slotCount {
                let hop = plan.slots[s].hop
                endPane[s] = hop > 0 ? floorDiv(t, hop) : .min  // .min: not a pane slot
            }
            for w in 0..<windowCount {
                first[w] = endPane[plan.windows[w].slot] &- plan.windows[w].sizePanes &+ 1
                // The window holds event times after this: its first pane starts there.
                after[w] = (first[w] &- 1) &* plan.slots[plan.windows[w].slot].hop
                accumulators.initializeElement(at: w, to: Accumulator())
            }
            plan.slotWindows.withUnsafeBufferPointer { slotWindows in
                plan.slotWindowStart.withUnsafeBufferPointer { start in
                    func fold(_ records: UnsafeBufferPointer<Record>) {
                        for p in records {
                            let s = Int(p.slot)
                            if p.kind == .pane {
                                guard p.index <= endPane[s] else { continue }
                                for k in start[s]..<start[s + 1] {
                                    let w = slotWindows[k]
                                    // Records of one pane are in processing order: a later one wins a tie on `last`.
                                    if p.index >= first[w] { accumulators[w].mergeLater(p.accumulator) }
                                }
                            } else if p.kind == .singles {
                                // Pane p holds times ((p−1)·hop, p·hop]: bounds on times, no division per pane.
                                let hop = plan.slots[s].hop
                                let latest = endPane[s] &* hop
                                for n in 0..<p.singleCount {
                                    let (time, amount) = p.single(n)
                                    guard time <= latest else { continue }
                                    for k in start[s]..<start[s + 1] where time > after[slotWindows[k]] {
                                        // One event: adding it is merging its pane's summary.
                                        accumulators[slotWindows[k]].add(time: time, amount: amount)
                                    }
                                }
                            }
                        }
                    }
                    fold(a)
                    if let b { fold(b) }
                }
            }
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, a.count + (b?.count ?? 0))) { seen in
                for f in plan.features {
                    let end = endPane[f.slot]
                    guard end != .min else {
                        out.append(nonPaneValue(f, a, mergedWith: b, plan: plan, asOf: t))
                        continue
                    }
                    var distinct = 0
                    if f.aggregation == .distinctCount {
                        let s = UInt8(f.slot)
                        func count(_ records: UnsafeBufferPointer<Record>) {
                            for r in records where r.kind == .item && r.slot == s && r.key <= end && r.key >= first[f.window] {
                                var known = false
                                for j in 0..<distinct where seen[j] == r.item { known = true; break }
                                if !known { seen[distinct] = r.item; distinct += 1 }
                            }
                        }
                        count(a)
                        if let b { count(b) }
                    }
                    out.append(accumulators[f.window].value(f.aggregation, distinct: distinct))
                }
            }
        }
        }
        }
        }
    }

    /// A time-since-last or session feature over `a` and, when given, `b` merged in.
    static func nonPaneValue(_ f: Plan.Feature, _ a: UnsafeBufferPointer<Record>, mergedWith b: UnsafeBufferPointer<Record>?,
                             plan: Plan, asOf t: Int64) -> Float {
        let slot = UInt8(f.slot)
        if plan.slots[f.slot].gap == 0 {
            // Time since last: the later of a's and b's last events (a lambda's
            // speed view is newer than its batch view, unless the entity went quiet).
            let last: Int64
            let from = plan.slots[f.slot].latestFrom
            if from >= 0 {
                // The latest of the pane slot's panes (each pane's lastTime is its latest event's).
                let panes = UInt8(from)
                var latest = Int64.min
                func newest(_ r: Record) -> Int64 {
                    guard r.slot == panes else { return .min }
                    switch r.kind {
                    case .pane: return r.accumulator.lastTime
                    case .singles: return r.newestSingle.time
                    default: return .min
                    }
                }
                for r in a { latest = max(latest, newest(r)) }
                for r in b ?? UnsafeBufferPointer(start: nil, count: 0) { latest = max(latest, newest(r)) }
                last = latest
            } else {
                let mine = a.first { $0.kind == .latest && $0.slot == slot }?.accumulator.lastTime
                let theirs = b?.first { $0.kind == .latest && $0.slot == slot }?.accumulator.lastTime
                last = max(mine ?? .min, theirs ?? .min)
            }
            guard last != .min, t &- last <= f.reach else {
                return Float(Double(f.reach) / 1e6)
            }
            return Float(Double(t &- last) / 1e6)
        }
        let gap = plan.slots[f.slot].gap
        // The newest session: of `a` alone (whose sessions are disjoint, so
        // the one with the latest event), or of both merged as one state over
        // both events would hold them (`a`'s sessions, then each of `b`'s
        // absorbing every one within the gap of it). On the stack: a lambda
        // engine reads this for every decision, and room for only the
        // sessions keeps it there (room for every record took `malloc` for an
        // entity with a few dozen).
        func isSession(_ r: Record) -> Bool { r.kind == .session && r.slot == slot }
        var sessionCount = 0
        for r in a where isSession(r) { sessionCount += 1 }
        for r in b ?? UnsafeBufferPointer(start: nil, count: 0) where isSession(r) { sessionCount += 1 }
        let newest: (start: Int64, accumulator: Accumulator)? = withUnsafeTemporaryAllocation(
            of: (start: Int64, accumulator: Accumulator).self, capacity: max(1, sessionCount)) { sessions in
            var n = 0
            for r in a where isSession(r) {
                sessions.initializeElement(at: n, to: (r.key, r.accumulator)); n += 1
            }
            for r in b ?? UnsafeBufferPointer(start: nil, count: 0) where isSession(r) {
                var joined = (start: r.key, accumulator: r.accumulator)
                var kept = 0
                for k in 0..<n {
                    let s = sessions[k]
                    if s.start &- gap <= joined.accumulator.lastTime && joined.start <= s.accumulator.lastTime &+ gap {
                        joined.start = min(joined.start, s.start)
                        joined.accumulator.merge(s.accumulator)
                    } else {
                        sessions[kept] = s; kept += 1
                    }
                }
                if kept == n { sessions.initializeElement(at: n, to: joined) } else { sessions[kept] = joined }
                n = kept + 1
            }
            var newest = -1
            for k in 0..<n where newest < 0 || sessions[k].accumulator.lastTime > sessions[newest].accumulator.lastTime { newest = k }
            return newest < 0 ? nil : sessions[newest]
        }
        guard let (start, accumulator) = newest, t &- accumulator.lastTime <= gap else {
            return Accumulator().value(f.aggregation, distinct: 0)
        }
        var distinct = 0
        if f.aggregation == .distinctCount {
            // A session slot's items are keyed by their event time: the session's are those in its range.
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, a.count + (b?.count ?? 0))) { seen in
                func count(_ records: UnsafeBufferPointer<Record>) {
                    for r in records where r.kind == .item && r.slot == slot && r.key >= start && r.key <= accumulator.lastTime {
                        var known = false
                        for j in 0..<distinct where seen[j] == r.item { known = true; break }
                        if !known { seen[distinct] = r.item; distinct += 1 }
                    }
                }
                count(a)
                if let b { count(b) }
            }
        }
        return accumulator.value(f.aggregation, distinct: distinct)
    }
}

extension IncrementalFeatures.Record {
    /// A pane record's index.
    var index: Int64 { key }
}

extension IncrementalFeatures {
    /// Drops this state's sessions that no later read merged with `speed`
    /// can see — for a lambda engine's batch view, which takes no more events
    /// and is read merged with its speed layer. A session goes when no event
    /// `speed` will still accept can join it (its last event is more than the
    /// gap before `speed`'s watermark less its allowed lateness) and none of
    /// `speed`'s sessions joins it now: it is over at every read from now on
    /// and, joined to nothing, cannot lengthen a later one. Nothing goes while
    /// `speed` accepts any lateness, nor from a slot that counts distinct items
    /// (whose items would have to go too). `entity`: that entity's only.
    /// - Complexity: O(records × sessions of their entity in `speed`)
    public mutating func dropSessions(of entity: Int32? = nil, unreachableBy speed: IncrementalFeatures) {
        guard let lateness = speed.allowedLateness?.microseconds, speed.watermark != .min else { return }
        let horizon = speed.watermark &- lateness  // no event older than this is accepted any more
        let theirStore = speed.store.records
        let ids = entity.map { Int($0)..<Int($0) + 1 } ?? 0..<store.records.pointee.entityCount
        for id in ids where id >= 0 && id < store.records.pointee.entityCount {
            let theirs = theirStore.pointee.header(id).records
            func goes(_ r: Record) -> Bool {
                guard r.kind == .session else { return false }
                let slot = plan.slots[Int(r.slot)]
                guard !slot.needsItems, r.accumulator.lastTime &+ slot.gap < horizon else { return false }
                // The merge's rule for two sessions of a slot joining (`nonPaneValue`).
                return !theirs.contains {
                    $0.kind == .session && $0.slot == r.slot
                        && $0.key &- slot.gap <= r.accumulator.lastTime && r.key <= $0.accumulator.lastTime &+ slot.gap
                }
            }
            guard store.records.pointee.header(id).records.contains(where: goes) else { continue }
            let h = uniqueRecords().pointee.headers + id
            let mine = h.pointee.records
            var kept = 0
            for r in mine where !goes(r) {
                mine[kept] = r
                kept += 1
            }
            store.records.pointee.truncate(&h.pointee, to: kept)
        }
    }
}
