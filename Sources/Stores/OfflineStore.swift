import Foundation
import GRDB
import GRDBSQLite
import HeapModule
import SimKernel
import Workloads

/// Every arrived event, by entity and event time, in a SQLite file: what a
/// batch job reads, and what point-in-time training sets are joined from.
///
///     let offline = try OfflineStore(path: "run/offline.sqlite")
///     try offline.append(arrivedEvents)
///     try offline.forEachEntity(arrivedBy: snapshot, eventTimeAfter: snapshot - view.reach) { entity, events in … }
///
/// Laid out for its two access paths, as an LSM tree's sorted runs are,
/// with no secondary index: every entity's events in event-time order (a
/// batch job's scan, training joins) and arrivals in a time range
/// (incremental batch runs: which entities changed; replays). Events are
/// appended in batches, each stored sorted by (entity, event time) under
/// consecutive rowids, and the `batches` table keeps each batch's rowid
/// range and arrival-time range. So a scan by entity is a merge of the
/// batches' runs (`forEachRowByEntity`), and an arrival query reads only the
/// batches that overlap it. An index on (entity, event time) cost the loader
/// more than anything else: each append rewrote most of its pages.
///
/// Every read is bounded by arrival time, so a store may hold arrivals
/// later than the reader's present. A run's store is filled that way, ahead
/// of the simulations, by a loader on a thread of its own (`load`, from
/// Simulation's `OfflineMaterialization`); each simulation reads through its
/// own connection (`init(readingFrom:progress:)`), and a read first waits
/// until the loader has committed every arrival up to its bound.
public final class OfflineStore: @unchecked Sendable {
    let database: DatabaseQueue
    /// A reader's view of how far the loader has got; nil for a store whose appends are all in.
    let progress: ArrivalProgress?
    /// Loader side: rows the open load transaction takes before it commits
    /// unless a reader needs them sooner: a commit costs a write-ahead-log
    /// frame per page it touched and a wake-up of the readers.
    let rowsPerCommit: Int
    /// Rows in the open load transaction (loader thread only).
    private var uncommittedRows = 0

    public init(path: String, rowsPerCommit: Int = 2_000_000) throws {
        // A load leaves its transaction open between batches (`load`).
        database = try SQLiteFile.open(path, allowsOpenTransactions: true)
        progress = nil
        self.rowsPerCommit = rowsPerCommit
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS events (
                    entity INTEGER NOT NULL, event_time INTEGER NOT NULL, arrival_time INTEGER NOT NULL,
                    kind INTEGER NOT NULL, item INTEGER NOT NULL, amount REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS batches (
                    first_rowid INTEGER NOT NULL, last_rowid INTEGER NOT NULL,
                    min_arrival INTEGER NOT NULL, max_arrival INTEGER NOT NULL);
                """)
        }
    }

    /// A connection of its own to the store at `path` (already created),
    /// which a loader is filling: every read waits, through `progress`, until
    /// the arrivals it asks for are committed.
    public init(readingFrom path: String, progress: ArrivalProgress) throws {
        // A small cache: a scan reads each append's rows in order, so it
        // needs only the current page of each; a large one just filled up
        // with pages read once (256 MiB a reader in a full-scale run).
        database = try SQLiteFile.open(path, cacheMiB: 32)
        self.progress = progress
        rowsPerCommit = 0
    }

    /// Appends events in one transaction through the bulk path. - Complexity: O(n log N)
    public func append(_ events: [DomainEvent]) throws {
        guard !events.isEmpty else { return }
        try database.inTransaction { db in
            try Self.insertRows(db, events)
            return .commit
        }
    }

    /// Loader side: appends a batch of arrivals such that every arrival at or
    /// before `completeThrough` is in it or an earlier one. The batch goes
    /// into the open load transaction, committed past `rowsPerCommit` rows or
    /// as soon as a reader of `progress` waits for arrivals it holds; each
    /// commit is published to `progress`. - Complexity: O(n log N)
    public func load(_ events: [DomainEvent], completeThrough: SimTime, publishingTo progress: ArrivalProgress) throws {
        try database.inDatabase { db in
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            if !events.isEmpty { try Self.insertRows(db, events) }
            uncommittedRows += events.count
            if uncommittedRows >= rowsPerCommit || progress.isWaitedFor(through: completeThrough) {
                try db.commit()
                uncommittedRows = 0
                progress.publish(committedThrough: completeThrough)
            }
        }
    }

    /// Loader side: commits the last batches and tells every reader the
    /// store is complete. Returns the store's size in bytes (its pages, in
    /// the file and in the write-ahead log alike: the same for the same
    /// appends, whenever a checkpoint ran).
    public func finishLoading(publishingTo progress: ArrivalProgress) throws -> Int {
        let bytes = try database.inDatabase { db in
            if db.isInsideTransaction { try db.commit() }
            uncommittedRows = 0
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            return pages * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        progress.publish(committedThrough: .never)
        return bytes
    }

    /// Waits until every arrival at or before `time` is readable (at once for a store whose appends are all in).
    public func awaitArrivals(through time: SimTime) throws { try progress?.wait(through: time) }

    /// Inserts one batch and its `batches` row inside the caller's transaction.
    static func insertRows(_ db: Database, _ events: [DomainEvent]) throws {
        // By entity and event time: a scan by entity reads each append as one
        // sorted run (`forEachRowByEntity`). Ties on event time keep their
        // append order in rowid, which breaks them in every read. The sort
        // moves 16-byte keys and compares them in place, never reaching into
        // the events (sorting their indices did, twice a comparison: a sixth
        // of the loader's time).
        struct Key {
            let entity: Int32
            let position: Int32
            let eventTime: Int64
        }
        precondition(events.count <= Int(Int32.max), "an append of more than 2³¹ events")
        var ordered = events.indices.map { Key(entity: events[$0].entity, position: Int32($0), eventTime: events[$0].eventTime.microseconds) }
        ordered.withUnsafeMutableBufferPointer { $0.sort { ($0.entity, $0.eventTime, $0.position) < ($1.entity, $1.eventTime, $1.position) } }
        var minArrival = Int64.max, maxArrival = Int64.min
        try events.withUnsafeBufferPointer { events in
            try ordered.withUnsafeBufferPointer { ordered in
                // Six columns, 64 rows a statement: one VDBE start and halt per 64 rows, not per row.
                try BulkInsert.insert(db, into: "events", columns: ["entity", "event_time", "arrival_time", "kind", "item", "amount"],
                                      count: ordered.count) { row, i, c in
                    let e = events[Int(ordered[i].position)]
                    row.bind(c + 1, e.entity)
                    row.bind(c + 2, e.eventTime.microseconds)
                    row.bind(c + 3, e.arrivalTime.microseconds)
                    row.bind(c + 4, Int32(e.kind.rawValue))
                    row.bind(c + 5, e.item)
                    row.bind(c + 6, e.amount)
                    minArrival = min(minArrival, e.arrivalTime.microseconds)
                    maxArrival = max(maxArrival, e.arrivalTime.microseconds)
                }
            }
        }
        // Rows of one transaction take consecutive rowids, in insertion order.
        let lastRowid = db.lastInsertedRowID
        try db.execute(sql: "INSERT INTO batches(first_rowid, last_rowid, min_arrival, max_arrival) VALUES (?, ?, ?, ?)",
                       arguments: [lastRowid - Int64(events.count) + 1, lastRowid, minArrival, maxArrival])
    }

    public func count() throws -> Int {
        try awaitArrivals(through: .never)
        return try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    /// One entity's events that had arrived by `arrivedBy`, with event time in
    /// (`after`, `upTo`], in event-time order (ties in insertion order). A
    /// scan of the appends that may hold them: for checks and tools, not for
    /// a loop over entities (`forEachEntity` and `trainingSet` read them all
    /// in one pass). - Complexity: O(rows scanned)
    public func events(for entity: Int32, arrivedBy: SimTime, after: SimTime, upTo: SimTime) throws -> [DomainEvent] {
        var out: [DomainEvent] = []
        try forEachEntity(arrivedBy: arrivedBy, eventTimeAfter: after, only: [entity]) { _, events in
            out = events.filter { $0.eventTime <= upTo }
        }
        return out
    }

    /// Calls `body` once per entity with its events that had arrived by
    /// `arrivedBy` and happened after `eventTimeAfter`, in entity order — the
    /// scan a full batch job makes. With `only`, just those entities (the
    /// same scan, skipping the others' rows before they are collected).
    public func forEachEntity(arrivedBy: SimTime, eventTimeAfter: SimTime, only: [Int32]? = nil,
                              _ body: (Int32, [DomainEvent]) throws -> Void) throws {
        try awaitArrivals(through: arrivedBy)
        try database.read { db in
            var current: Int32 = -1
            var batch: [DomainEvent] = []
            func flush() throws {
                if current >= 0 && !batch.isEmpty { try body(current, batch) }
                batch.removeAll(keepingCapacity: true)
            }
            // The scan yields entities in increasing order, so one cursor walks the wanted ones.
            let wanted = only.map { Array(Set($0)).sorted() }
            var next = 0
            try Self.forEachRowByEntity(db, arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter) { e in
                if let wanted {
                    while next < wanted.count && wanted[next] < e.entity { next += 1 }
                    guard next < wanted.count && wanted[next] == e.entity else { return }
                }
                if e.entity != current {
                    try flush()
                    current = e.entity
                }
                batch.append(e)
            }
            try flush()
        }
    }

    /// How many entities `forEachEntity(arrivedBy:eventTimeAfter:)` calls its
    /// body for, without reading their events: what a job's duration needs
    /// before the job's output does. The appends' rows are read one append
    /// after another, the entity column alone, and marked in a bitset: the
    /// scan by entity merged the appends and decoded every event, and cost
    /// a lambda engine's batch layer as much as building its view.
    /// - Complexity: O(rows scanned)
    public func entityCount(arrivedBy: SimTime, eventTimeAfter: SimTime) throws -> Int {
        try awaitArrivals(through: arrivedBy)
        return try database.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT entity FROM events WHERE rowid BETWEEN ? AND ? AND arrival_time <= ? AND event_time > ?
                """).sqliteStatement
            defer { sqlite3_reset(statement) }
            var seen: [UInt64] = []
            for run in try Self.runs(db, arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter) {
                sqlite3_reset(statement)
                let binder = BulkInsert.Binder(statement: statement)
                binder.bind(1, run.first); binder.bind(2, run.last)
                binder.bind(3, arrivedBy.microseconds); binder.bind(4, eventTimeAfter.microseconds)
                while true {
                    let code = sqlite3_step(statement)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else {
                        throw StoreError("query failed: \(String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))")
                    }
                    let entity = Int(sqlite3_column_int64(statement, 0))
                    guard entity >= 0 else { continue }  // a catalogue event, of no entity (−1): no body call either
                    if entity >> 6 >= seen.count {
                        seen.append(contentsOf: repeatElement(0, count: max(entity >> 6 + 1, 2 * seen.count) - seen.count))
                    }
                    seen[entity >> 6] |= 1 << UInt64(entity & 63)
                }
            }
            return seen.reduce(0) { $0 + $1.nonzeroBitCount }
        }
    }

    /// The appends (rowid ranges, in rowid order) that may hold events that
    /// arrived by `arrivedBy` and happened after `eventTimeAfter`: an event
    /// happens before it arrives, so an append that had all arrived by
    /// `eventTimeAfter` holds no event after it.
    static func runs(_ db: Database, arrivedBy: SimTime, eventTimeAfter: SimTime) throws -> [(first: Int64, last: Int64)] {
        try Row.fetchAll(db, sql: """
            SELECT first_rowid, last_rowid FROM batches WHERE max_arrival > ? AND min_arrival <= ? ORDER BY first_rowid
            """, arguments: [eventTimeAfter.microseconds, arrivedBy.microseconds]).map { ($0[0], $0[1]) }
    }

    /// The events that had arrived by `arrivedBy` and happened after
    /// `eventTimeAfter`, by entity, event time and rowid: each append's rows
    /// are stored in that order (`insertRows`), so all of them in that order
    /// are a merge of the appends' runs, each read in rowid order. A scan
    /// reads the table's pages in order and skips the appends that arrived
    /// before its window.
    /// - Complexity: O(rows × log appends read)
    static func forEachRowByEntity(_ db: Database, arrivedBy: SimTime, eventTimeAfter: SimTime,
                                   _ body: (DomainEvent) throws -> Void) throws {
        guard let connection = db.sqliteConnection else { throw StoreError("the database connection is closed") }
        let runs = try Self.runs(db, arrivedBy: arrivedBy, eventTimeAfter: eventTimeAfter)
        var cursors: [SQLiteStatement] = []
        defer { for c in cursors { sqlite3_finalize(c) } }
        // Each run's next event waits in `pending`; the heap orders only its
        // key, 24 bytes, which it moves about on every row.
        var pending: [DomainEvent] = []
        struct Head: Comparable {
            let entity: Int32
            let run: Int32
            let eventTime: Int64
            let rowid: Int64
            static func < (a: Head, b: Head) -> Bool { (a.entity, a.eventTime, a.rowid) < (b.entity, b.eventTime, b.rowid) }
        }
        func next(_ run: Int) throws -> Head? {
            let statement = cursors[run]
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                let e = EventRows.event(statement)
                pending[run] = e
                return Head(entity: e.entity, run: Int32(run), eventTime: e.eventTime.microseconds, rowid: sqlite3_column_int64(statement, 6))
            case SQLITE_DONE: return nil
            default: throw StoreError("query failed: \(String(cString: sqlite3_errmsg(connection)))")
            }
        }
        var heads = Heap<Head>()
        for run in runs {
            var statement: SQLiteStatement?
            guard sqlite3_prepare_v2(connection, """
                SELECT entity, event_time, arrival_time, kind, item, amount, rowid FROM events
                WHERE rowid BETWEEN ? AND ? AND arrival_time <= ? AND event_time > ? ORDER BY rowid
                """, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw StoreError("could not read the events: \(String(cString: sqlite3_errmsg(connection)))")
            }
            cursors.append(statement)
            pending.append(DomainEvent(kind: .authorization, eventTime: .zero, arrivalTime: .zero, entity: -1, item: 0, amount: 0))
            let binder = BulkInsert.Binder(statement: statement)
            binder.bind(1, run.first); binder.bind(2, run.last)
            binder.bind(3, arrivedBy.microseconds); binder.bind(4, eventTimeAfter.microseconds)
            if let head = try next(cursors.count - 1) { heads.insert(head) }
        }
        while let head = heads.min {
            try body(pending[Int(head.run)])
            if let following = try next(Int(head.run)) { heads.replaceMin(with: following) } else { _ = heads.removeMin() }
        }
    }

    /// Entities with at least one arrival in (`after`, `upTo`]: what an incremental batch run recomputes.
    public func entitiesWithArrivals(after: SimTime, upTo: SimTime) throws -> [Int32] {
        try awaitArrivals(through: upTo)
        return try database.read { db in
            var entities = Set<Int32>()
            for span in try arrivalSpans(db, after: after, upTo: upTo) {
                let rows = try Int32.fetchCursor(db, sql: """
                    SELECT entity FROM events WHERE rowid BETWEEN ? AND ? AND arrival_time > ? AND arrival_time <= ?
                    """, arguments: [span.firstRowid, span.lastRowid, span.after, span.upTo])
                while let entity = try rows.next() { entities.insert(entity) }
            }
            return entities.sorted()
        }
    }

    /// The rows that may have arrived in (`after`, `upTo`], as rowid ranges
    /// with the arrival range to filter each by, in arrival order. Batches
    /// whose arrival ranges overlap or touch are one span (appended in
    /// arrival order, as a run appends them, no two do), and spans' arrival
    /// ranges are disjoint: filtered by its own range, a span yields exactly
    /// its batches' rows, and spans one after another give arrival order.
    func arrivalSpans(_ db: Database, after: SimTime, upTo: SimTime) throws -> [ArrivalSpan] {
        let batches = try Row.fetchAll(db, sql: """
            SELECT first_rowid, last_rowid, min_arrival, max_arrival FROM batches
            WHERE max_arrival > ? AND min_arrival <= ? ORDER BY min_arrival, first_rowid
            """, arguments: [after.microseconds, upTo.microseconds])
        var spans: [ArrivalSpan] = []
        for b in batches {
            let (first, last, low, high): (Int64, Int64, Int64, Int64) = (b[0], b[1], b[2], b[3])
            if let open = spans.last, low <= open.high {
                spans[spans.count - 1].firstRowid = min(open.firstRowid, first)
                spans[spans.count - 1].lastRowid = max(open.lastRowid, last)
                spans[spans.count - 1].high = max(open.high, high)
            } else {
                spans.append(ArrivalSpan(firstRowid: first, lastRowid: last, low: low, high: high, window: (after.microseconds, upTo.microseconds)))
            }
        }
        return spans
    }

    struct ArrivalSpan {
        var firstRowid, lastRowid: Int64
        /// The span's batches' arrival range, [low, high].
        var low, high: Int64
        let window: (after: Int64, upTo: Int64)
        /// The arrival filter: the query's window within the span's own range.
        var after: Int64 { max(window.after, low &- 1) }
        var upTo: Int64 { min(window.upTo, high) }
    }
}
