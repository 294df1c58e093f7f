import Testing
import Randomness
import SimKernel
import Workloads
@testable import Features

/// Three topics for items 0…8, soft for some and one-hot for others; item 9
/// is outside the catalogue (its topic weights read 0).
struct SmallCatalogue: ItemContent {
    var topicCount: Int { 3 }
    func topics(of item: Int32) -> [Float]? {
        guard item >= 0, item < 9 else { return nil }
        return item % 2 == 0 ? [0.5, 0.25, 0.25].rotated(Int(item) / 2) : [0, 0, 1].rotated(Int(item) / 2)
    }
}

extension Array {
    func rotated(_ by: Int) -> [Element] { indices.map { self[($0 + by) % count] } }
}

/// A view exercising every aggregation over every window kind, with filters,
/// and every aggregation of a topic measure.
func everyKindView() -> FeatureView {
    var aggregates: [AggregateFeature] = []
    let windows: [Window] = [.tumbling(.minutes(10)), .sliding(size: .minutes(30), hop: .minutes(5)),
                             .sliding(size: .minutes(2), hop: .seconds(1)), .session(gap: .minutes(3))]
    for (w, window) in windows.enumerated() {
        for aggregation in Aggregation.allCases where aggregation != .timeSinceLast {
            aggregates.append(AggregateFeature("\(aggregation.rawValue)_w\(w)", aggregation, over: window))
            aggregates.append(AggregateFeature("topic\(w % 3)_\(aggregation.rawValue)_w\(w)", aggregation, over: window,
                                               of: .itemTopic(w % 3)))
        }
        aggregates.append(AggregateFeature("risky_count_w\(w)", .count, over: window, where: EventFilter(itemAtLeast: 7)))
        aggregates.append(AggregateFeature("risky_topic1_sum_w\(w)", .sum, over: window, where: EventFilter(itemAtLeast: 7),
                                           of: .itemTopic(1)))
    }
    // Narrower windows over the 30-minute window's panes: one slot, three window sizes.
    for aggregation in [Aggregation.count, .max, .distinctCount] {
        aggregates.append(AggregateFeature("\(aggregation.rawValue)_15m", aggregation, over: .sliding(size: .minutes(15), hop: .minutes(5))))
    }
    aggregates.append(AggregateFeature("since_last", .timeSinceLast, over: .sliding(size: .hours(1), hop: .minutes(1))))
    aggregates.append(AggregateFeature("since_last_risky", .timeSinceLast, over: .tumbling(.minutes(20)), where: EventFilter(itemAtLeast: 7)))
    return FeatureView(name: "every-kind", aggregates: aggregates, ratios: [("sum_over_count", 1, 0)], ttl: .hours(1),
                       itemTopics: ItemTopics(SmallCatalogue()))
}

/// Random events for a few entities: bursts and lulls, small item ids (so
/// distinct counts repeat), and repeated timestamps (so ties are exercised).
func randomEvents(seed: UInt64, count: Int, entities: Int32 = 4) -> [DomainEvent] {
    var rng = RandomSource(seed: seed).stream("events")
    var t: Int64 = 0
    var out: [DomainEvent] = []
    for _ in 0..<count {
        let gap = rng.nextUniform() < 0.2 ? Int64(rng.next() % 900_000_000) : Int64(rng.next() % 20_000_000)
        if rng.nextUniform() > 0.1 { t += gap }  // 10% share the previous timestamp
        out.append(DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: t), arrivalTime: SimTime(microseconds: t),
                               entity: Int32(rng.next() % UInt64(entities)), item: Int32(rng.next() % 10),
                               amount: Double(rng.next() % 10_000) / 100))
    }
    return out
}

func expectSame(_ a: [Float], _ b: [Float], _ names: [String], _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for i in a.indices {
        let same = (a[i].isNaN && b[i].isNaN) || abs(a[i] - b[i]) <= 1e-3 * max(1, abs(b[i]))
        #expect(same, "\(names[i]) \(context): incremental \(a[i]) vs full \(b[i])", sourceLocation: sourceLocation)
    }
}

@Suite struct FullVersusIncrementalTests {
    /// Property: over random in-order streams, the incremental path equals
    /// full recompute for every feature kind and window kind, read at random
    /// moments between events.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func incrementalEqualsFullRecomputeOnInOrderData(seed: UInt64) {
        let view = everyKindView()
        let events = randomEvents(seed: seed, count: 600)
        var stream = IncrementalFeatures(view)
        var seen: [Int32: [DomainEvent]] = [:]
        var rng = RandomSource(seed: seed).stream("reads")
        for (i, e) in events.enumerated() {
            stream.process(e)
            seen[e.entity, default: []].append(e)
            let next = i + 1 < events.count ? events[i + 1].eventTime.microseconds : e.eventTime.microseconds + 3_600_000_000
            guard rng.nextUniform() < 0.2 else { continue }
            // Any moment from this event up to (not including) the next one.
            let t = SimTime(microseconds: e.eventTime.microseconds + Int64(rng.next() % UInt64(max(1, next - e.eventTime.microseconds))))
            for entity: Int32 in 0..<4 {
                expectSame(stream.values(for: entity, asOf: t), FullRecompute.values(view, events: seen[entity] ?? [], asOf: t),
                           view.featureNames, "entity \(entity) at \(t)")
            }
        }
        #expect(stream.droppedLate == 0 && stream.acceptedLate == 0)
    }

    @Test func stateIsFreedOnceWindowsHavePassed() {
        let view = FeatureView(name: "v", aggregates: [AggregateFeature("c", .count, over: .sliding(size: .minutes(5), hop: .minutes(1)))], ttl: .hours(1))
        var stream = IncrementalFeatures(view)
        for i in 0..<100 {
            stream.process(DomainEvent(kind: .click, eventTime: SimTime(microseconds: Int64(i) * 1_000_000), arrivalTime: .zero, entity: Int32(i)))
        }
        #expect(stream.stateSize.records == 100)
        // An event an hour later moves the watermark past every earlier window.
        stream.process(DomainEvent(kind: .click, eventTime: SimTime(microseconds: 3_600_000_000), arrivalTime: .zero, entity: 0))
        #expect(stream.stateSize.records == 1, "only the newest pane survives")
    }
}

@Suite struct LatenessTests {
    @Test func unlimitedLatenessReproducesTheInOrderResultOnShuffledData() {
        let view = everyKindView()
        let events = randomEvents(seed: 9, count: 500)
        var rng = RandomSource(seed: 9).stream("shuffle")
        var shuffled = events
        shuffled.shuffle(using: &rng)
        var stream = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        for e in shuffled { stream.process(e) }
        #expect(stream.droppedLate == 0)
        #expect(stream.acceptedLate > 100, "a shuffle makes many events late")
        // Every event has the same time only in ties; ties make `last` order-dependent, so compare orders consistently.
        let end = SimTime(microseconds: events.last!.eventTime.microseconds + 60_000_000)
        for entity: Int32 in 0..<4 {
            let mine = shuffled.filter { $0.entity == entity }
            let full = FullRecompute.values(view, events: mine, asOf: end)
            expectSame(stream.values(for: entity, asOf: end), full, view.featureNames, "entity \(entity)")
        }
    }

    @Test func eventsBeyondTheAllowedLatenessAreCountedNotMerged() {
        let view = FeatureView(name: "v", aggregates: [AggregateFeature("count_1h", .count, over: .sliding(size: .hours(1), hop: .minutes(1)))], ttl: .hours(1))
        var stream = IncrementalFeatures(view, outOfOrderness: .seconds(10), allowedLateness: .seconds(30))
        func event(_ seconds: Int64) -> DomainEvent {
            DomainEvent(kind: .click, eventTime: SimTime(microseconds: seconds * 1_000_000), arrivalTime: .zero, entity: 1)
        }
        stream.process(event(1_000))   // watermark 990
        stream.process(event(995))     // within the out-of-orderness: not late at all
        stream.process(event(970))     // late (before 990) but within 30 s: applied
        stream.process(event(900))     // 90 s late: dropped
        #expect(stream.acceptedLate == 1)
        #expect(stream.droppedLate == 1)
        let count = stream.values(for: 1, asOf: SimTime(microseconds: 1_020_000_000))[0]
        #expect(count == 3, "the dropped event is never merged")
    }
}

@Suite struct SkewCheckTests {
    @Test func inOrderDataAgreesAndAnInjectedShiftIsCaught() {
        let view = everyKindView()
        let events = randomEvents(seed: 21, count: 800, entities: 6)
        let clean = SkewCheck(view: view, sampleEvery: 1, readsPerEntity: 50).run(events: events)
        #expect(clean.reads > 100)
        #expect(clean.mismatches == 0)
        let shifted = SkewCheck(view: view, sampleEvery: 1, injectedShift: .hours(1), readsPerEntity: 50).run(events: events)
        #expect(shifted.mismatches > 0)
        #expect(shifted.features.first { $0.feature == "since_last" }!.mismatches > 0, "time since last event moves by the shift")
    }
}

@Suite struct CatalogueFeaturesTests {
    /// Item features are the same definitions over the events keyed by their
    /// item: incremental over the stream equals full recompute over each
    /// item's events, and an item silent for a day stops being a candidate.
    @Test func itemFeaturesMatchFullRecomputeAndSilentItemsDropOut() {
        let view = FeatureCatalog.recsys(ItemTopics(SmallCatalogue()))
        var catalogue = CatalogueFeatures(view, allowedLateness: nil)!
        var byItem: [Int32: [DomainEvent]] = [:]
        var rng = RandomSource(seed: 3).stream("catalogue")
        var t: Int64 = 0
        for n in 0..<2_000 {
            t += Int64(rng.next() % 60_000_000)
            let item = Int32(rng.next() % 9)
            let kind: EventKind = n % 50 == 0 ? .publication : .click
            let e = DomainEvent(kind: kind, eventTime: SimTime(microseconds: t), arrivalTime: SimTime(microseconds: t),
                                entity: kind == .publication ? -1 : Int32(rng.next() % 5), item: item)
            catalogue.process(e)
            byItem[item, default: []].append(CatalogueFeatures.keyedByItem(e)!)
        }
        let now = SimTime(microseconds: t + 1)
        let snapshot = catalogue.snapshot(at: now)
        #expect(Set(snapshot.items) == Set(byItem.keys), "every item clicked in the last day is a candidate")
        for (i, item) in snapshot.items.enumerated() {
            expectSame(Array(snapshot.row(i)), FullRecompute.values(view.itemView, events: byItem[item]!, asOf: now),
                       view.itemView.featureNames, "item \(item)")
        }
        // A click on item 0 a day and a half later: only item 0 is still a candidate.
        catalogue.process(DomainEvent(kind: .click, eventTime: now + .hours(36), arrivalTime: now + .hours(36), entity: 1, item: 0))
        #expect(catalogue.candidates(at: now + .hours(36)) == [0])
    }
}

@Suite struct EvictionTests {
    /// Property: with bounded out-of-orderness and allowed lateness, and state
    /// evicted lazily and by the sweep as the watermark moves, every read at or
    /// after the latest event time equals full recompute over the events that
    /// were accepted (dropped ones never count).
    @Test(arguments: [11, 12, 13] as [UInt64])
    func lateAndEvictedStateMatchesFullRecomputeOfAcceptedEvents(seed: UInt64) {
        let view = everyKindView()
        var rng = RandomSource(seed: seed).stream("jitter")
        // Up to 10 minutes out of order: within and beyond the 2 s + 3 min below.
        let events = randomEvents(seed: seed, count: 1_500, entities: 6).map { e -> DomainEvent in
            var late = e
            if rng.nextUniform() < 0.3 { late.eventTime = e.eventTime - SimDuration(microseconds: Int64(rng.next() % 600_000_000)) }
            return late
        }
        var stream = IncrementalFeatures(view, outOfOrderness: .seconds(2), allowedLateness: .minutes(3))
        var accepted: [Int32: [DomainEvent]] = [:]
        for (i, e) in events.enumerated() {
            let dropped = stream.droppedLate
            stream.process(e)
            if stream.droppedLate == dropped { accepted[e.entity, default: []].append(e) }
            guard i % 7 == 0 else { continue }
            stream.checkInvariants()
            let t = SimTime(microseconds: stream.maxEventTime + Int64(rng.next() % 120_000_000))
            for entity: Int32 in 0..<6 {
                expectSame(stream.values(for: entity, asOf: t), FullRecompute.values(view, events: accepted[entity] ?? [], asOf: t),
                           view.featureNames, "entity \(entity) at \(t)")
            }
        }
        #expect(stream.droppedLate > 0 && stream.acceptedLate > 0)
    }

    /// Entities no event touches again are freed by the sweep as the
    /// watermark moves on in small steps: after a quiet day an idle entity
    /// holds nothing (its session is over and its last event beyond every
    /// reach, so that its time since last reads the reach), and a busy
    /// entity only its recent records. The freed entity reads as before.
    @Test func theSweepFreesUntouchedEntities() {
        let view = FeatureCatalog.fraud(firstRiskyMerchant: 5)
        var stream = IncrementalFeatures(view, outOfOrderness: .seconds(2), allowedLateness: .minutes(5))
        var idle: [DomainEvent] = []
        for i in 0..<200 {
            for k in 0..<3 {  // three events a few minutes apart: panes, items, one session
                let e = DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: Int64(i * 1_000_000 + k * 120_000_000)),
                                    arrivalTime: .zero, entity: Int32(i + 1), item: Int32(k * 3), amount: 10)
                stream.process(e)
                if i == 6 { idle.append(e) }
            }
        }
        #expect(stream.stateSize.entities == 200)
        // Entity 0 alone, once a minute for two days.
        for m in 0..<(2 * 24 * 60) {
            stream.process(DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: 600_000_000 + Int64(m) * 60_000_000),
                                       arrivalTime: .zero, entity: 0, item: 1, amount: 1))
        }
        stream.checkInvariants()
        let size = stream.stateSize
        #expect(size.entities == 1)
        // Entity 0: a day of one-per-minute panes at most, three to a record
        // (each holds one event), its items for an hour, latest, session.
        let panes = 24 * 60 + 2, perRecord = IncrementalFeatures.Record.singlesCapacity
        #expect(size.records <= (panes + perRecord - 1) / perRecord + 62 + 2, "\(size.records) records")
        #expect(size.records >= 24 * 60 / perRecord, "\(size.records) records")
        let t = SimTime(microseconds: stream.maxEventTime)
        expectSame(stream.values(for: 7, asOf: t), FullRecompute.values(view, events: idle, asOf: t), view.featureNames, "idle entity 7")
        // Its time since last reads the newest 24-hour pane instead of a record of its own.
        #expect(stream.plan.slots.contains { $0.kind == .latest && $0.latestFrom >= 0 })
        #expect(!stream.store.records.pointee.header(0).records.contains { $0.kind == .latest })
    }

    /// Handing events over as one run is the same as one by one: same counts, state and values.
    @Test func aBatchIsTheSameAsEventByEvent() {
        let view = everyKindView()
        var rng = RandomSource(seed: 17).stream("batch")
        var events = randomEvents(seed: 17, count: 800, entities: 40)
        events.shuffle(using: &rng)  // late ones too
        var single = IncrementalFeatures(view, outOfOrderness: .seconds(30), allowedLateness: .minutes(20))
        var batched = single
        for e in events { single.process(e) }
        batched.process(contentsOf: events[...])
        #expect(batched.processed == single.processed && batched.droppedLate == single.droppedLate
            && batched.acceptedLate == single.acceptedLate)
        #expect(batched.stateSize == single.stateSize)
        let t = SimTime(microseconds: single.maxEventTime + 1)
        for entity: Int32 in 0..<40 {
            expectSame(batched.values(for: entity, asOf: t), single.values(for: entity, asOf: t), view.featureNames, "entity \(entity)")
        }
    }

    /// Prefetching is a hint: asking for any entity's memory, known or not
    /// (−1, an id beyond the state), between updates changes no value and no state.
    @Test func prefetchingChangesNothing() {
        let view = everyKindView()
        let events = randomEvents(seed: 19, count: 800, entities: 40)
        var plain = IncrementalFeatures(view, outOfOrderness: .seconds(30), allowedLateness: .minutes(20))
        var hinted = plain
        for (i, e) in events.enumerated() {
            plain.process(e)
            let ahead = events[min(i + 3, events.count - 1)].entity
            hinted.prefetch(header: [ahead, -1, 1_000_000][i % 3], records: [e.entity, 1_000_000, -1][i % 3])
            hinted.process(e)
        }
        #expect(hinted.stateSize == plain.stateSize)
        let t = SimTime(microseconds: plain.maxEventTime + 1)
        for entity: Int32 in 0..<40 {
            #expect(hinted.values(for: entity, asOf: t).map(\.bitPattern) == plain.values(for: entity, asOf: t).map(\.bitPattern))
        }
    }

    /// A lambda serving layer's read: the events split at a snapshot into a
    /// batch view (before) and a speed view (after), merged at read time,
    /// give exactly the values of one state over all of them — for every
    /// feature kind, time since last included (the newer side's last event
    /// wins), read at moments after the last event.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func aBatchViewMergedWithASpeedViewEqualsOneStateOverBoth(seed: UInt64) {
        let view = everyKindView()
        let events = randomEvents(seed: seed, count: 500, entities: 6)
        var rng = RandomSource(seed: seed).stream("split")
        for split in [events.count / 3, events.count / 2, events.count - 5] {
            var whole = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
            var batch = whole, speed = whole
            for (i, e) in events.enumerated() {
                whole.process(e)
                if i < split { batch.process(e) } else { speed.process(e) }
            }
            // The batch view with its watermark moved on to each read (as a
            // lambda engine does) frees state and reads the same.
            var expiring = batch
            var times = (0..<5).map { _ in SimTime(microseconds: whole.maxEventTime + Int64(rng.next() % 1_800_000_000)) }
            times.sort()
            for t in times {
                expiring.advanceWatermark(to: t)
                expiring.checkInvariants()
                for entity: Int32 in 0..<6 {
                    expectSame(batch.values(for: entity, asOf: t, mergedWith: speed), whole.values(for: entity, asOf: t),
                               view.featureNames, "entity \(entity) at \(t), split at event \(split)")
                    // Bit for bit: only records outside every window went.
                    let kept = expiring.values(for: entity, asOf: t, mergedWith: speed)
                    let all = batch.values(for: entity, asOf: t, mergedWith: speed)
                    #expect(zip(kept, all).allSatisfy { $0.bitPattern == $1.bitPattern }, "entity \(entity) at \(t): \(kept) vs \(all)")
                }
            }
            #expect(expiring.stateSize.records < batch.stateSize.records,
                    "\(expiring.stateSize.records) records after expiry, \(batch.stateSize.records) before")
            // An event after the move, newer than any before it but behind the
            // moved watermark, is late: the watermark never goes back.
            let moved = expiring.watermark
            expiring.process(DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: batch.maxEventTime + 1),
                                         arrivalTime: .zero, entity: 0, item: 1, amount: 1))
            #expect(expiring.watermark == moved && expiring.acceptedLate == batch.acceptedLate + 1)
        }
    }

    /// A lambda view drops the sessions no event its speed view still
    /// accepts can join and none of its sessions joins (`dropSessions`): every
    /// read merged with the speed view, as its events come, is bit for bit
    /// what it is with every session kept, and records go. A few events from
    /// just before the snapshot reach the speed view first, as late arrivals
    /// do, so some view sessions are joined across the snapshot.
    @Test(arguments: [31, 32, 33] as [UInt64])
    func viewSessionsNoSpeedEventCanJoinGoAndNoReadChanges(seed: UInt64) {
        let view = everyKindView()
        let events = randomEvents(seed: seed, count: 600, entities: 6)
        var rng = RandomSource(seed: seed).stream("lambda")
        let split = events.count / 2
        let late = Set((0..<4).map { _ in split - 1 - Int(rng.next() % 20) })
        var batch = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        var speed = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: .minutes(5))
        for (i, e) in events[..<split].enumerated() where !late.contains(i) { batch.process(e) }
        var dropped = batch
        for (i, e) in (late.sorted().map { events[$0] } + events[split...]).enumerated() {
            speed.process(e)
            // Per entity as reads come, and now and then over the whole view, as a publish does.
            dropped.dropSessions(of: e.entity, unreachableBy: speed)
            if i % 50 == 0 { dropped.dropSessions(unreachableBy: speed) }
            dropped.checkInvariants()
            let t = SimTime(microseconds: max(batch.maxEventTime, speed.maxEventTime))
            for entity: Int32 in 0..<6 {
                let kept = dropped.values(for: entity, asOf: t, mergedWith: speed)
                let all = batch.values(for: entity, asOf: t, mergedWith: speed)
                #expect(zip(kept, all).allSatisfy { $0.bitPattern == $1.bitPattern }, "entity \(entity) at \(t): \(kept) vs \(all)")
            }
        }
        #expect(speed.droppedLate == 0)
        #expect(dropped.stateSize.records < batch.stateSize.records,
                "\(dropped.stateSize.records) records after dropping, \(batch.stateSize.records) before")
    }

    /// A view session joined to a speed-view session that is still going
    /// stays, however old its own last event: across the snapshot they are
    /// one session. One that nothing joins goes.
    @Test func aViewSessionJoinedAcrossTheSnapshotStays() {
        let view = FeatureView(name: "sessions", aggregates: [AggregateFeature("session_count", .count, over: .session(gap: .minutes(10)))],
                               ttl: .hours(24))
        func event(_ seconds: Int64) -> DomainEvent {
            DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: seconds * 1_000_000),
                        arrivalTime: SimTime(microseconds: seconds * 1_000_000), entity: 0, item: 1, amount: 1)
        }
        var batch = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        for s: Int64 in [0, 30, 60, 3000, 3030, 3100] { batch.process(event(s)) }   // sessions [0, 60] and [3000, 3100]
        var speed = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: .minutes(1))
        for s: Int64 in [3200, 3700, 4200, 4700, 5200] { speed.process(event(s)) }  // [3000, 3100] goes on
        var dropped = batch
        dropped.dropSessions(unreachableBy: speed)
        #expect(dropped.stateSize.records == batch.stateSize.records - 1, "[0, 60] goes, [3000, 3100] stays")
        #expect(dropped.values(for: 0, asOf: SimTime(microseconds: 5200 * 1_000_000), mergedWith: speed) == [8])
        var unboundedSpeed = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        for s: Int64 in [3200, 3700, 4200, 4700, 5200] { unboundedSpeed.process(event(s)) }
        var unbounded = batch
        unbounded.dropSessions(unreachableBy: unboundedSpeed)
        #expect(unbounded.stateSize.records == batch.stateSize.records, "a speed view taking any lateness lets nothing go")
    }

    /// A copy is a value: writing to one leaves the other as it was.
    @Test func copiesAreIndependent() {
        let view = everyKindView()
        let events = randomEvents(seed: 5, count: 300)
        var a = IncrementalFeatures(view)
        for e in events[..<150] { a.process(e) }
        let b = a
        let t = SimTime(microseconds: events[149].eventTime.microseconds + 1)
        let before = (0..<4).map { b.values(for: Int32($0), asOf: t) }
        for e in events[150...] { a.process(e) }
        let after = (0..<4).map { b.values(for: Int32($0), asOf: t) }
        for entity in 0..<4 { expectSame(after[entity], before[entity], view.featureNames, "entity \(entity)") }
        #expect(a.processed == 300 && b.processed == 150)
    }
}

@Suite struct RecordLayoutTests {
    typealias Record = IncrementalFeatures.Record

    /// The key, slot and kind share two words: each reads back as written,
    /// at the ends of the key's range and for every slot and kind, and
    /// writing the key leaves slot and kind alone. Singles' panes read back
    /// as written, bit for bit.
    @Test func packedFieldsReadBackAsWritten() {
        #expect(IncrementalFeatures.bytesPerRecord == 36)
        #expect(MemoryLayout<Accumulator>.stride == 28)
        let keys: [Int64] = [0, 1, -1, 4_294_967_295, 4_294_967_296, -4_294_967_296, 86_400_000_000 * 365,
                             Record.keyLimit - 1, -Record.keyLimit + 1, Int64(Int32.min), Int64(UInt32.max) << 20]
        let kinds: [Record.Kind] = [.pane, .item, .session, .latest, .singles]
        for key in keys {
            for slot in [0, 1, 127, 128, 255] as [UInt8] {
                for kind in kinds {
                    var r = Record(kind, slot: slot, key: key, accumulator: Accumulator())
                    #expect(r.key == key && r.slot == slot && r.kind == kind)
                    r.key = -key / 3
                    #expect(r.key == -key / 3 && r.slot == slot && r.kind == kind)
                }
            }
        }
        // Singles: up to three (time, amount) panes in the accumulator's bytes, the first's time in the key.
        for slot in [0, 255] as [UInt8] {
            let panes: [(Int64, Float)] = [(Record.keyLimit - 1, -.infinity), (-(1 << 40) - 7, .nan), (1, 1.5)]
            var r = Record.singles(slot: slot, time: panes[0].0, amount: panes[0].1)
            #expect(r.singleCount == 1 && r.kind == .singles && r.slot == slot)
            for k in 1..<3 {
                r.setSingle(k, time: panes[k].0, amount: panes[k].1)
                #expect(r.singleCount == k + 1 && r.kind == .singles && r.slot == slot)
            }
            for k in 0..<3 {
                #expect(r.single(k).time == panes[k].0 && r.single(k).amount.bitPattern == panes[k].1.bitPattern)
            }
            r.setSingle(2, time: .min, amount: 0)
            #expect(r.singleCount == 2 && r.single(1).time == panes[1].0 && r.single(0).time == panes[0].0)
        }
        // Block classes grow strictly (append moves up one, truncate searches upwards), in quarter steps from 4.
        #expect((0..<10).map { EntityRecords.capacity($0) } == [2, 3, 4, 5, 6, 7, 8, 10, 12, 14])
        for c in 0..<80 as Range<UInt8> {
            #expect(EntityRecords.capacity(c + 1) > EntityRecords.capacity(c))
        }
        // A header's due time is kept to the second below: still a lower bound.
        #expect(MemoryLayout<EntityRecords.Header>.stride == 16)
        var h = EntityRecords.Header()
        #expect(h.dueAt == .max && h.count == 0 && h.sizeClass == 0)
        for (due, kept) in [(5_999_999, 5_000_000), (6_000_000, 6_000_000), (-1, -1_000_000), (Int64.max, Int64.max),
                            (Int64.max - 1, (Int64(Int32.max) - 1) * 1_000_000)] as [(Int64, Int64)] {
            h.dueAt = due
            #expect(h.dueAt == kept, "due \(due)")
        }
        h.count = 0xFF_FFFF
        h.sizeClass = 200
        #expect(h.count == 0xFF_FFFF && h.sizeClass == 200)
        h.count = 7
        #expect(h.count == 7 && h.sizeClass == 200)
        var a = Accumulator()
        for t in [Int64.min, -1, 0, 1, 1 << 40, -(1 << 40) - 7, Int64.max] as [Int64] {
            a.lastTime = t
            #expect(a.lastTime == t)
        }
    }
}
