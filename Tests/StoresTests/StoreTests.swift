import Foundation
import Testing
import Features
import Randomness
import SimKernel
import Workloads
@testable import Stores

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func event(_ entity: Int32, at seconds: Int64, arrivingAfter lag: Int64 = 0, amount: Double = 1) -> DomainEvent {
    DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: seconds * 1_000_000),
                arrivalTime: SimTime(microseconds: (seconds + lag) * 1_000_000), entity: entity, item: 1, amount: amount)
}

@Suite struct OnlineStoreTests {
    @Test func ttlIsHonouredOnRead() {
        var store = OnlineStore(width: 2, ttl: .minutes(10))
        store.put(entity: 3, values: [1, 2], asOf: SimTime(microseconds: 0))
        let fresh = store.get(entity: 3, at: SimTime(microseconds: 600_000_000))
        #expect(fresh?.values.elementsEqual([1, 2]) == true)
        #expect(store.get(entity: 3, at: SimTime(microseconds: 600_000_001)) == nil, "expired values come back missing")
        #expect(store.get(entity: 4, at: .zero) == nil)
        #expect(store.get(entity: 99, at: .zero) == nil)
        store.put(entity: 3, values: [5, 6], asOf: SimTime(microseconds: 700_000_000))
        #expect(store.get(entity: 3, at: SimTime(microseconds: 700_000_000))?.values.elementsEqual([5, 6]) == true)
        #expect(store.entityCount == 1)
    }

    @Test func aReservedPopulationIsAllocatedOnceAndStillGrows() {
        var store = OnlineStore(width: 3, ttl: .hours(1), entities: 1_000)
        #expect(store.footprint == 1_000 * (3 * 4 + 8), "exactly the population, no doubling headroom")
        #expect(store.get(entity: 999, at: .zero) == nil, "reserved but never written reads as missing")
        store.put(entity: 999, values: [1, 2, 3], asOf: .zero)
        #expect(store.footprint == 1_000 * (3 * 4 + 8), "an id inside the population does not grow it")
        store.put(entity: 1_500, values: [4, 5, 6], asOf: .zero)
        #expect(store.get(entity: 1_500, at: .zero)?.values.elementsEqual([4, 5, 6]) == true)
        #expect(store.get(entity: 999, at: .zero)?.values.elementsEqual([1, 2, 3]) == true)
        #expect(store.entityCount == 2)
    }
}

@Suite struct OfflineStoreTests {
    let view = FeatureView(name: "v", aggregates: [
        AggregateFeature("count_1h", .count, over: .sliding(size: .hours(1), hop: .seconds(1))),
        AggregateFeature("sum_1h", .sum, over: .sliding(size: .hours(1), hop: .seconds(1))),
    ], ttl: .hours(2))

    @Test func roundTripAndAccessPaths() throws {
        let store = try OfflineStore(path: temporaryPath("offline.sqlite"))
        try store.append([event(1, at: 10), event(2, at: 20, arrivingAfter: 100), event(1, at: 30), event(1, at: 5_000)])
        #expect(try store.count() == 4)
        let arrivedBy100 = try store.events(for: 2, arrivedBy: SimTime(microseconds: 100_000_000), after: SimTime(microseconds: -1), upTo: .never)
        #expect(arrivedBy100.isEmpty, "not arrived yet")
        let one = try store.events(for: 1, arrivedBy: .never, after: SimTime(microseconds: -1), upTo: SimTime(microseconds: 40_000_000))
        #expect(one.map(\.eventTime.microseconds) == [10_000_000, 30_000_000])
        var seen: [Int32: Int] = [:]
        try store.forEachEntity(arrivedBy: .never, eventTimeAfter: SimTime(microseconds: -1)) { seen[$0] = $1.count }
        #expect(seen == [1: 3, 2: 1])
        let changed = try store.entitiesWithArrivals(after: SimTime(microseconds: 50_000_000), upTo: .never)
        #expect(changed == [1, 2])
    }

    /// A store loaded on another thread while a reader reads it: each read
    /// waits until every arrival up to its bound is committed, then answers
    /// exactly what a store holding everything answers for that bound —
    /// whatever the timing. The loader never commits by size here
    /// (`rowsPerCommit` huge): the reads finish only because it commits when
    /// a reader waits. And a failed load fails the reads waiting on it.
    @Test func readsOfAStoreBeingLoadedWaitForTheirArrivalsAndSeeExactlyThem() throws {
        let path = temporaryPath("offline.sqlite")
        let reference = try OfflineStore(path: temporaryPath("reference.sqlite"))
        let loader = try OfflineStore(path: path, rowsPerCommit: .max)
        let progress = ArrivalProgress()
        let batches: [[DomainEvent]] = (0..<20 as Range<Int64>).map { b in
            (0..<100 as Range<Int64>).map { i in event(Int32((b * 37 + i * 11) % 23), at: b * 1_000 + i * 3, arrivingAfter: i % 7) }
                .sorted { $0.arrivalTime < $1.arrivalTime }
        }
        for b in batches { try reference.append(b) }
        let reader = try OfflineStore(readingFrom: path, progress: progress)
        let loaded = DispatchSemaphore(value: 0), readsDone = DispatchSemaphore(value: 0)
        final class Flag: @unchecked Sendable { var raised = false }
        let readerStarved = Flag()
        Thread {
            for (k, b) in batches.enumerated() {
                // Every arrival before the next batch's first is in this batch or an earlier one.
                let through = k + 1 < batches.count ? batches[k + 1][0].arrivalTime - SimDuration(microseconds: 1) : .never
                try! loader.load(b, completeThrough: through, publishingTo: progress)
                usleep(1_000)
            }
            // A loader still at work (empty batches here) commits only when a
            // waiting reader asks: it finishes only once the reads are done.
            let deadline = DispatchTime.now() + 30
            while readsDone.wait(timeout: .now() + .milliseconds(1)) == .timedOut {
                try! loader.load([], completeThrough: .never, publishingTo: progress)
                if DispatchTime.now() > deadline { readerStarved.raised = true; break }
            }
            _ = try! loader.finishLoading(publishingTo: progress)
            loaded.signal()
        }.start()
        func everything(_ store: OfflineStore, arrivedBy t: SimTime) throws -> [[DomainEvent]] {
            var out: [[DomainEvent]] = []
            try store.forEachEntity(arrivedBy: t, eventTimeAfter: SimTime(microseconds: -1)) { out.append($1) }
            return out
        }
        func arrivals(_ store: OfflineStore, upTo t: SimTime) throws -> [DomainEvent] {
            var out: [DomainEvent] = []
            try store.forEachArrival(upTo: t) { out.append($0) }
            return out
        }
        for seconds in stride(from: 500 as Int64, through: 20_000, by: 2_500) {
            let t = SimTime(microseconds: seconds * 1_000_000)
            #expect(try everything(reader, arrivedBy: t) == everything(reference, arrivedBy: t), "at \(seconds) s")
            #expect(try reader.entitiesWithArrivals(after: t - .seconds(900), upTo: t)
                    == reference.entitiesWithArrivals(after: t - .seconds(900), upTo: t))
            #expect(try arrivals(reader, upTo: t) == arrivals(reference, upTo: t))
        }
        readsDone.signal()
        loaded.wait()
        #expect(!readerStarved.raised, "a waiting reader makes the loader commit")
        #expect(try reader.count() == 2_000)

        let failing = ArrivalProgress()
        let stuck = try OfflineStore(readingFrom: path, progress: failing)
        Thread { usleep(10_000); failing.fail(StoreError("disk full")) }.start()
        #expect(throws: StoreError.self) { try stuck.forEachArrival(upTo: .zero) { _ in } }
    }

    /// Arrival-range reads go through the batches' rowid and arrival ranges,
    /// not an index: whatever the batches (in arrival order as a run appends
    /// them, or overlapping and out of order), a replay gives every event in
    /// the range exactly once in arrival order, one entity's ties by event
    /// time, then append order, and the changed entities are exactly those
    /// with an arrival in it. A scan by entity, a merge of the batches'
    /// runs, gives each entity's events by event time then append order,
    /// and a scan of some entities (`only:`) exactly theirs.
    @Test func arrivalReadsMatchABruteForceAnswer() throws {
        var rng = RandomSource(seed: 9).stream("arrivals")
        func batch(_ n: Int, from: Int64, to: Int64) -> [DomainEvent] {
            (0..<n).map { _ in
                let arrival = from + Int64(rng.next() % UInt64(to - from))
                return DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: arrival - Int64(rng.next() % 50)),
                                   arrivalTime: SimTime(microseconds: arrival), entity: Int32(rng.next() % 30),
                                   item: Int32(rng.next() % 1_000), amount: Double(rng.next() % 100))
            }.sorted { $0.arrivalTime < $1.arrivalTime }
        }
        // Two runs' worth of batches: disjoint in arrival order, then overlapping ones appended out of order.
        // And three appends of the same event times for every entity: ties between batches, which append order breaks.
        func ties(_ k: Int) -> [DomainEvent] {
            (0..<90).map { (i: Int) -> DomainEvent in
                DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: 8_500 + Int64(i % 3)),
                            arrivalTime: SimTime(microseconds: 8_600 + Int64(k)), entity: Int32(i / 3), item: Int32(k), amount: Double(i))
            }
        }
        // And events of no entity (a catalogue's, −1), which no scan by entity visits, beside an entity far up the id range.
        let aside = [DomainEvent(kind: .publication, eventTime: SimTime(microseconds: 1_200), arrivalTime: SimTime(microseconds: 1_300),
                                 entity: -1, item: 7, amount: 0),
                     DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: 1_250), arrivalTime: SimTime(microseconds: 1_350),
                                 entity: 5_000, item: 7, amount: 1)]
        let batches: [[DomainEvent]] = [batch(300, from: 0, to: 1_000), batch(300, from: 1_000, to: 2_000), batch(200, from: 2_000, to: 2_001),
                                        batch(300, from: 5_000, to: 6_000), batch(300, from: 3_000, to: 5_500), batch(100, from: 7_000, to: 8_000),
                                        ties(0), ties(1), ties(2), aside]
        let store = try OfflineStore(path: temporaryPath("offline.sqlite"))
        for b in batches { try store.append(b) }
        let all = batches.flatMap { $0 }
        for (after, upTo) in [(Int64.min, Int64.max), (-1, 999), (999, 2_000), (1_500, 5_200), (5_999, 7_500), (8_000, 9_000), (2_000, 2_000),
                              (8_000, 8_601)] {
            var replay: [DomainEvent] = []
            try store.forEachArrival(after: SimTime(microseconds: after), upTo: SimTime(microseconds: upTo)) { replay.append($0) }
            let expected = all.filter { $0.arrivalTime.microseconds > after && $0.arrivalTime.microseconds <= upTo }
            #expect(replay.count == expected.count, "every event in (\(after), \(upTo)] once")
            #expect(replay.map(\.arrivalTime) == expected.map(\.arrivalTime).sorted(), "in arrival order")
            #expect(Set(replay.map { "\($0)" }) == Set(expected.map { "\($0)" }), "the events themselves")
            for entity in Set(expected.map(\.entity)) {
                // Stable: append order on equal (arrival, event) times.
                let mine = expected.filter { $0.entity == entity }.sorted { ($0.arrivalTime, $0.eventTime) < ($1.arrivalTime, $1.eventTime) }
                #expect(replay.filter { $0.entity == entity }.map { "\($0)" } == mine.map { "\($0)" })
            }
            let changed = try store.entitiesWithArrivals(after: SimTime(microseconds: after), upTo: SimTime(microseconds: upTo))
            #expect(changed == Set(expected.map(\.entity)).sorted())
            // A batch job's size, counted without reading: the entities its scan visits.
            let (arrivedBy, eventTimeAfter) = (SimTime(microseconds: upTo), SimTime(microseconds: after))
            var visited = 0
            try store.forEachEntity(arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter) { _, _ in visited += 1 }
            let scanned = Set(all.filter { $0.arrivalTime <= arrivedBy && $0.eventTime > eventTimeAfter && $0.entity >= 0 }.map(\.entity))
            #expect(visited == scanned.count)
            #expect(try store.entityCount(arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter) == scanned.count)
            // A full scan merges the appends' runs: each entity once, in id order, its events by event time
            // then append order (ties abound in the batch that all arrives at 2000).
            var scan: [(Int32, [String])] = [], some: [(Int32, [String])] = []
            try store.forEachEntity(arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter) { scan.append(($0, $1.map { "\($0)" })) }
            // Some entities, unsorted, one twice, and two the store never saw.
            let asked = scanned.filter { $0 % 3 != 1 }
            try store.forEachEntity(arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter,
                                    only: [99, -5] + asked.sorted().reversed() + asked.prefix(1)) {
                some.append(($0, $1.map { "\($0)" }))
            }
            // An entity's events in the window, by event time then append order.
            func inWindow(_ entity: Int32) -> [DomainEvent] {
                all.filter { $0.entity == entity && $0.arrivalTime <= arrivedBy && $0.eventTime > eventTimeAfter }
                    .enumerated().sorted { ($0.element.eventTime, $0.offset) < ($1.element.eventTime, $1.offset) }.map(\.element)
            }
            let byEntity = scanned.sorted().map { entity in (entity, inWindow(entity).map { "\($0)" }) }
            #expect(scan.map(\.0) == byEntity.map(\.0) && scan.map(\.1) == byEntity.map(\.1), "scan in (\(after), \(upTo)]")
            let someExpected = byEntity.filter { asked.contains($0.0) }
            #expect(some.map(\.0) == someExpected.map(\.0) && some.map(\.1) == someExpected.map(\.1), "some entities in (\(after), \(upTo)]")
            // One entity's events up to a time, as a tool reads them.
            if let entity = scanned.min() {
                let upToEvent = SimTime(microseconds: (after == .min ? 0 : after) + 500)
                let expected = inWindow(entity).filter { $0.eventTime <= upToEvent }.map { "\($0)" }
                #expect(try store.events(for: entity, arrivedBy: arrivedBy, after: eventTimeAfter, upTo: upToEvent).map { "\($0)" } == expected)
            }
        }
    }

    /// Point-in-time joins never use an event after the label time (nor one
    /// that had not arrived by then); the deliberately leaky join does, and
    /// `leakedRows` catches it.
    @Test func pointInTimeJoinNeverLeaksAndALeakyJoinIsDetected() throws {
        let store = try OfflineStore(path: temporaryPath("offline.sqlite"))
        var rng = RandomSource(seed: 4).stream("events")
        var events: [DomainEvent] = []
        for _ in 0..<2_000 {
            events.append(event(Int32(rng.next() % 20), at: Int64(rng.next() % 86_400), arrivingAfter: Int64(rng.next() % 120)))
        }
        try store.append(events)
        var labels: [(entity: Int32, time: SimTime, label: Bool)] = []
        for _ in 0..<300 {
            let entity = Int32(rng.next() % 20)
            let time = SimTime(microseconds: Int64(rng.next() % 86_400) * 1_000_000)
            labels.append((entity, time, rng.nextUniform() < 0.5))
        }
        let correct = try store.trainingSet(view, labels: labels)
        #expect(correct.count == 300)
        #expect(correct.leakedRows == 0)
        // Each row, in the labels' order, equals a recomputation from exactly the events known at the label time.
        for i in labels.indices {
            let known = events.filter { $0.entity == labels[i].entity && $0.eventTime < labels[i].time && $0.arrivalTime <= labels[i].time }
            let expected = known.isEmpty || labels[i].time - known.map(\.eventTime).max()! > view.ttl
                ? [Float.nan, .nan] : FullRecompute.values(view, events: known, asOf: labels[i].time)
            #expect(zip(correct.features[i], expected).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == $1 }, "row \(i)")
        }
        let leaky = try store.trainingSet(view, labels: labels, join: .leaky(lookahead: .hours(1)))
        #expect(leaky.leakedRows > 50, "the leak is detected in many rows")
    }

    /// A decision's own event, booked at the label time with no delay, is
    /// not in its row: every engine decides before it sees that event, so a
    /// row with it would train on a count one higher than serving computes.
    @Test func aDecisionsOwnEventIsNotInItsTrainingRow() throws {
        let store = try OfflineStore(path: temporaryPath("offline.sqlite"))
        try store.append([event(1, at: 100), event(1, at: 200), event(1, at: 300)])
        let set = try store.trainingSet(view, labels: [(1, SimTime(microseconds: 200_000_000), true)])
        #expect(set.features[0] == [1, 1], "only the event at 100 s: the one at 200 s is the decision's own")
        #expect(set.latestEventUsed[0] == SimTime(microseconds: 100_000_000))
    }

    @Test func ttlMakesStaleEntitiesNull() throws {
        let store = try OfflineStore(path: temporaryPath("offline.sqlite"))
        try store.append([event(1, at: 0)])
        let set = try store.trainingSet(view, labels: [(1, SimTime(microseconds: 3 * 3_600_000_000), true),
                                                      (1, SimTime(microseconds: 1_800_000_000), false),
                                                      (1, SimTime(microseconds: 5_400_000_000), false)])
        #expect(set.features[0].allSatisfy { $0.isNaN }, "3 h after the last event, beyond the 2 h TTL")
        #expect(set.features[1] == [1, 1])
        #expect(set.features[2] == [0, 0], "1.5 h after: beyond the 1 h windows but within the TTL, so live with nothing in them")
    }
}

@Suite struct PredictionStoreTests {
    func rows(_ entities: Range<Int32>, score: Float = 0.5) -> [PredictionRow] {
        entities.map { PredictionRow(entity: $0, score: score, computedAt: SimTime(microseconds: 5), featuresAsOf: .zero) }
    }

    /// A job interrupted after k of n partitions and run again leaves exactly
    /// one prediction per (entity, run), none missing.
    @Test func rerunningPartitionsIsIdempotent() throws {
        let path = temporaryPath("predictions.sqlite")
        let store = try PredictionStore(path: path)
        let partitions: [Range<Int32>] = (0..<5).map { (p: Int32) -> Range<Int32> in (p * 100)..<(p * 100 + 100) }
        try store.beginRun(1, engine: "nightly", modelVersion: "lr-test", snapshot: .zero, partitions: 5)
        for p in 0..<3 { try store.write(run: 1, partition: p, rows: rows(partitions[p]), modelVersion: "lr-test", finishedAt: .zero) }
        // "Crash", reopen, resume: the finished partitions are known; re-running all of them must not duplicate.
        let reopened = try PredictionStore(path: path)
        #expect(try reopened.finishedPartitions(run: 1) == [0, 1, 2])
        try reopened.beginRun(1, engine: "nightly", modelVersion: "lr-test", snapshot: .zero, partitions: 5)
        for p in 0..<5 { try reopened.write(run: 1, partition: p, rows: rows(partitions[p], score: 0.7), modelVersion: "lr-test", finishedAt: .zero) }
        let counts = try reopened.counts(run: 1)
        #expect(counts.rows == 500 && counts.entities == 500)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func readersSeeOnlyPublishedRuns() throws {
        let store = try PredictionStore(path: temporaryPath("predictions.sqlite"))
        try store.beginRun(2, engine: "nightly", modelVersion: "v", snapshot: .zero, partitions: 2)
        try store.write(run: 2, partition: 0, rows: rows(0..<10), modelVersion: "v", finishedAt: .zero)
        #expect(try store.publishedCount(run: 2) == 0, "nothing visible before publishing")
        try store.write(run: 2, partition: 1, rows: rows(10..<20), modelVersion: "v", finishedAt: .zero)
        try store.publish(run: 2, at: SimTime(microseconds: 9))
        #expect(try store.publishedCount(run: 2) == 20)
        // Per-partition publishing makes each partition visible as it finishes.
        try store.beginRun(3, engine: "nightly", modelVersion: "v", snapshot: .zero, partitions: 2)
        try store.write(run: 3, partition: 0, rows: rows(0..<10), modelVersion: "v", finishedAt: .zero, publish: true)
        #expect(try store.publishedCount(run: 3) == 10)
    }

    @Test func retentionDeletesOldPredictions() throws {
        let store = try PredictionStore(path: temporaryPath("predictions.sqlite"))
        try store.beginRun(1, engine: "e", modelVersion: "v", snapshot: .zero, partitions: 1)
        try store.write(run: 1, partition: 0, rows: rows(0..<10), modelVersion: "v", finishedAt: .zero)
        #expect(try store.deletePredictions(computedAtOrBefore: SimTime(microseconds: 4)) == 0)
        #expect(try store.deletePredictions(computedAtOrBefore: SimTime(microseconds: 5)) == 10)
    }
}
