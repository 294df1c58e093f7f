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
/// include it, and a session's once no accepted event can join it: lazily,
/// when an event next touches the entity, and by a sweep that visits every
/// entity once per `Plan.sweepPeriod` of watermark progress (in id order,
/// skipping those with nothing due), so an entity no event touches again is
/// freed too, within two sweep periods.
public struct IncrementalFeatures {
    public let view: FeatureView
    public let outOfOrderness: SimDuration
    /// `nil` allows any lateness.
    public let allowedLateness: SimDuration?

    /// The current event-time watermark: max event time seen − out-of-orderness,
    /// or where `advanceWatermark` moved it, if later.
    public private(set) var watermark: Int64 = .min
    public private(set) var maxEventTime: Int64 = .min
    public private(set) var processed = 0
    /// Events behind the watermark but within the allowed lateness: applied.
    public private(set) var acceptedLate = 0
    /// Events beyond the allowed lateness: counted, never merged.
    public private(set) var droppedLate = 0

    let plan: Plan
    /// Every entity's records, shared by copies of this value until one writes.
    var store = RecordStore()
    /// The eviction sweep: the next entity id it looks at, and the watermark its current pass started at.
    var sweepCursor = 0
    var sweepStartedAt: Int64 = .min
    static let sweepLookahead = 16

    public init(_ view: FeatureView, outOfOrderness: SimDuration = .zero, allowedLateness: SimDuration? = .zero) {
        self.view = view
        self.outOfOrderness = outOfOrderness
        self.allowedLateness = allowedLateness
        plan = Plan(view)
    }

    /// Bytes one pane, item or session record costs, for memory accounting
    /// (blocks' unused capacity aside).
    public static var bytesPerRecord: Int { MemoryLayout<Record>.stride }

    /// Entities currently holding state, and the pane/item/session records they hold (for tests and benchmarks).
    /// - Complexity: O(entities)
    public var stateSize: (entities: Int, records: Int) { store.records.pointee.size }

    /// The records, made this value's own first if a copy shares them.
    mutating func uniqueRecords() -> UnsafeMutablePointer<EntityRecords> {
        if !isKnownUniquelyReferenced(&store) { store = store.copy() }
        return store.records
    }

    /// Applies one event, in arrival order. - Complexity: amortised O(slots × records of the entity)
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
            watermark = max(watermark, t &- outOfOrderness.microseconds)  // never back behind `advanceWatermark`
        }
        let records = uniqueRecords()
        // An event of no entity (a catalogue publication, for a view of users) moves event time and nothing else.
        if e.entity >= 0 {
            records.pointee.reserve(entity: Int(e.entity))
            let topics = plan.measuresTopics ? view.topics(of: e) : nil  // once per event, not per slot
            records.pointee.apply(e, time: t, topics: topics, plan: plan, watermark: watermark,
                                  lateness: allowedLateness?.microseconds)
        }
        sweep(records)
    }

    /// Moves the watermark on to `t` with no event, as event time passing
    /// does, and sweeps: state no read at or after `t` can need is freed.
    /// For a view that takes no more events but is read as time goes by
    /// (a lambda architecture's batch view), whose windows empty out over the
    /// day. An event behind the new watermark is late from then on.
    public mutating func advanceWatermark(to t: SimTime) {
        let t = t.microseconds
        guard t > watermark else { return }
        watermark = t
        sweep(uniqueRecords())
    }

    /// Applies a run of events in arrival order: the same as `process` on
    /// each in turn, but asking for the memory of the entities a few events
    /// ahead early (their headers, then their blocks), so that updates to
    /// entities scattered over a large state overlap their cache misses
    /// instead of waiting for each in turn. For a consumer that takes
    /// arrivals in batches and reads after the batch.
    ///
    ///     stream.process(contentsOf: arrivals)
    ///
    /// - Complexity: amortised O(events × slots × records per entity)
    public mutating func process(contentsOf events: some Collection<DomainEvent>) {
        let done: Void? = events.withContiguousStorageIfAvailable { events in
            // Far enough ahead for a header to arrive before its block is asked for.
            let headerAhead = 16, blockAhead = 8
            for k in events.indices {
                prefetch(header: k + headerAhead < events.count ? events[k + headerAhead].entity : -1,
                         records: k + blockAhead < events.count ? events[k + blockAhead].entity : -1)
                process(events[k])
            }
        }
        if done == nil {
            for e in events { process(e) }
        }
    }

    /// Asks for the memory of two entities' state ahead of an update or a
    /// read: of `header`'s, the header, the first of the two reads either
    /// makes; of `records`'s, its records, the second, which goes through the
    /// header — so `records` should be an entity whose header was asked for
    /// an item or two earlier. For a run loop that sees its next items; −1
    /// (or any unknown id): nothing. A hint: nothing changes. `mutating`
    /// only so that a caller holding the state in a class property reaches it
    /// in place (a call across modules copies it, retaining what it holds).
    public mutating func prefetch(header: Int32, records: Int32) {
        let store = store.records
        let entities = store.pointee.entityCount
        if header >= 0 && Int(header) < entities { llvmPrefetch(UnsafeRawPointer(store.pointee.headers + Int(header)), 1, 3, 1) }
        if records >= 0 && Int(records) < entities { store.pointee.headers[Int(records)].prefetch() }
    }

    /// Moves the eviction sweep on in proportion to the watermark's progress
    /// since its pass started, so that a pass visits every entity within
    /// `plan.sweepPeriod`; a watermark that leaps two periods at once gets a
    /// whole pass there and then. So a record no event comes to evict goes
    /// within two periods of the watermark passing its expiry. A visit costs
    /// a header read (in id order) unless something of the entity is due.
    /// - Complexity: amortised O(entities ÷ events per sweep period)
    mutating func sweep(_ records: UnsafeMutablePointer<EntityRecords>) {
        guard watermark != .min else { return }
        if sweepStartedAt == .min { sweepStartedAt = watermark }
        let entities = records.pointee.entityCount
        let elapsed = watermark &- sweepStartedAt
        let period = plan.sweepPeriod
        let from = elapsed >= 2 * period ? 0 : sweepCursor
        let to = elapsed >= period ? entities : min(entities, Int(Double(entities) * Double(elapsed) / Double(period)))
        guard to > from else { return }
        let headers = records.pointee.headers
        let lateness = allowedLateness?.microseconds
        for id in from..<to {
            // A scout a few headers ahead asks for the blocks the sweep will
            // evict from, so their memory latency overlaps the events in between.
            let ahead = id + Self.sweepLookahead
            if ahead < entities && headers[ahead].dueAt <= watermark { headers[ahead].prefetch() }
            if headers[id].dueAt <= watermark {
                records.pointee.evict(&headers[id], plan: plan, watermark: watermark, lateness: lateness)
            }
        }
        sweepCursor = to
        if sweepCursor >= entities {
            sweepCursor = 0
            sweepStartedAt = watermark
        }
    }

    /// Checks what the eviction relies on, for tests: each entity's block
    /// holds its count, and its `dueAt` is at or before the eviction time of
    /// every record it holds (else a record could outlive its time unseen).
    func checkInvariants() {
        let records = store.records.pointee
        let lateness = allowedLateness?.microseconds
        for id in 0..<records.entityCount {
            let h = records.headers[id]
            precondition((h.block == nil) == (h.count == 0), "entity \(id): a block exactly when it holds records")
            precondition(Int(h.count) <= EntityRecords.capacity(h.sizeClass), "entity \(id): more records than its block holds")
            for r in h.records {
                precondition(h.dueAt <= plan.evictableAt(r, lateness: lateness),
                             "entity \(id): due at \(h.dueAt), after a record evictable at \(plan.evictableAt(r, lateness: lateness))")
            }
        }
    }

    /// Entity feature values over the union of this state's events and
    /// `other`'s for the entity: how a lambda architecture's serving layer
    /// merges its batch view with its speed view. Panes are mergeable
    /// summaries, and sessions that touch across the two are joined.
    public func values(for entity: Int32, asOf t: SimTime, mergedWith other: IncrementalFeatures) -> [Float] {
        // The full comparison walks every definition: too dear for each read of a release build.
        precondition(other.plan.features.count == plan.features.count, "only views of the same features merge")
        assert(other.view == view, "only views of the same features merge")
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        // Read in place: nothing here writes, so concurrent readers of one state are safe.
        let mine = store.records.pointee.header(Int(entity)).records
        let theirs = other.store.records.pointee.header(Int(entity)).records
        Self.values(UnsafeBufferPointer(mine), mergedWith: UnsafeBufferPointer(theirs), plan, asOf: t.microseconds, into: &out)
        view.appendRatios(to: &out)
        return out
    }

    /// Entity feature values (aggregates then ratios) as of `t`, which must be
    /// at or after the event time of every event processed for the entity
    /// (reads happen "now"). - Complexity: O(features × records of the entity)
    public func values(for entity: Int32, asOf t: SimTime) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(view.entityFeatureCount)
        let records = store.records.pointee.header(Int(entity)).records
        Self.values(UnsafeBufferPointer(records), mergedWith: nil, plan, asOf: t.microseconds, into: &out)
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

