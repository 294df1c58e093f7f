import CSQLiteThreading
import Foundation
import GRDB
import GRDBSQLite
import SimKernel
import Workloads

/// Opens the SQLite files the stores keep, with the settings a write-heavy
/// simulation wants: WAL (readers never block the writer), no sync, a busy
/// timeout so concurrent readers wait instead of failing, and a page cache of
/// `cacheMiB` (64 MiB by default).
///
/// No sync: these files are a run's scratch state, rebuilt by running again.
/// WAL without sync survives the process crashing (only the machine losing
/// power can tear it), and it leaves the kernel to coalesce the many rewrites
/// of the same index pages: with NORMAL, every checkpoint's fsync sent them
/// all to disk — 3.6 GB written for a churn run at scale 0.1.
enum SQLiteFile {
    static func open(_ path: String, cacheMiB: Int = 64, allowsOpenTransactions: Bool = false) throws -> DatabaseQueue {
        // No mutex per API call (each bind and step took one) when this is the
        // process's first connection; GRDB never shares a connection between threads.
        _ = tempo_sqlite_use_multithread()
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.allowsUnsafeTransactions = allowsOpenTransactions
        configuration.prepareDatabase { db in
            // Larger pages: fewer B-tree splits and page writes per bulk-loaded row
            // (only takes effect on a new file, before the first table).
            try db.execute(sql: "PRAGMA page_size = 16384")
            if path != ":memory:" { try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // Misses are served by the OS page cache. (When the offline store
            // had an entity index, which bulk loads wrote in random order, a
            // full-scale fraud run with 256 MiB peaked at 2386 MiB RSS, 128 at
            // 2211 and 64 at 2139, in the same wall time within noise.)
            try db.execute(sql: "PRAGMA cache_size = -\(cacheMiB * 1024)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        if path == ":memory:" { return try DatabaseQueue(configuration: configuration) }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}

/// Bulk inserts through one prepared statement on the raw `sqlite3` handle of
/// a GRDB connection: GRDB's own statement path reaches about half this rate,
/// and bulk writes are the one place the difference matters.
///
///     try db.inTransaction {
///         var insert = try BulkInsert(db, "INSERT INTO t(a, b) VALUES (?, ?)")
///         for row in rows { try insert.run { $0.bind(1, row.a); $0.bind(2, row.b) } }
///         insert.finish()
///         return .commit
///     }
struct BulkInsert: ~Copyable {
    let connection: OpaquePointer
    let statement: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else { throw StoreError("the database connection is closed") }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw StoreError("cannot prepare \(sql): \(String(cString: sqlite3_errmsg(connection)))")
        }
        self.connection = connection
        self.statement = statement
    }

    /// Binds one row's values and steps the statement.
    @inline(__always)
    mutating func run(_ bind: (borrowing Binder) -> Void) throws {
        bind(Binder(statement: statement))
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw StoreError("insert failed: \(String(cString: sqlite3_errmsg(connection)))")
        }
    }

    deinit { sqlite3_finalize(statement) }

    /// Rows per INSERT statement on the bulk path: a statement's fixed cost
    /// (opening its cursor, starting and halting the VDBE program) is paid
    /// once per this many rows. 8 columns × 64 rows stays far below SQLite's
    /// limit on bound parameters.
    static let rowsPerStatement = 64

    /// Inserts `count` rows into `table`, in order, `rowsPerStatement` at a
    /// time through one multi-row INSERT, then the rest one by one: the same
    /// rows in the same order as one row at a time, so the same rowids and the
    /// same file. `bind(binder, row, offset)` binds row `row`'s columns at
    /// parameters `offset + 1 …`.
    ///
    /// `OR FAIL`: a statement that fails keeps the rows it already wrote
    /// instead of undoing them (the caller's transaction is rolled back
    /// anyway), so SQLite keeps no statement journal — a copy of every page
    /// a multi-row statement touches, which cost plain `INSERT` a third of
    /// its gain (offline-store appends, `tempo bench store`: 0.64M events/s
    /// one row a statement, 0.82–0.91M with 64, 1.06M with 64 and `OR FAIL`).
    static func insert(_ db: Database, into table: String, columns: [String], count: Int,
                       bind: (borrowing Binder, _ row: Int, _ offset: Int32) -> Void) throws {
        func sql(rows n: Int) -> String {
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            return "INSERT OR FAIL INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: row, count: n).joined(separator: ", ")
        }
        let per = rowsPerStatement, width = Int32(columns.count)
        let full = count / per * per
        if full > 0 {
            var insert = try BulkInsert(db, sql(rows: per))
            var start = 0
            while start < full {
                try insert.run { binder in
                    for k in 0..<per { bind(binder, start + k, Int32(k) * width) }
                }
                start += per
            }
        }
        if full < count {
            var insert = try BulkInsert(db, sql(rows: 1))
            for i in full..<count { try insert.run { bind($0, i, 0) } }
        }
    }

    struct Binder: ~Copyable {
        let statement: OpaquePointer
        @inline(__always) func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }
        @inline(__always) func bind(_ index: Int32, _ value: Int32) { sqlite3_bind_int(statement, index, value) }
        @inline(__always) func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(statement, index, value) }
        /// Binds text that outlives the statement step (SQLITE_STATIC): no copy per row.
        @inline(__always) func bind(_ index: Int32, static text: UnsafePointer<CChar>, length: Int32) {
            sqlite3_bind_text(statement, index, text, length, nil)
        }
        /// Binds text SQLite copies (SQLITE_TRANSIENT): for a one-off argument.
        func bind(_ index: Int32, transient text: String) {
            sqlite3_bind_text(statement, index, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }
}

/// A storage failure, with what was being done.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Steps a prepared statement whose columns are an event's (entity,
/// event_time, arrival_time, kind, item, amount), decoding each row straight
/// from the `sqlite3` column accessors: GRDB's `Row` costs an object and a
/// dictionary lookup per column, and a batch job reads millions of rows.
///
///     try EventRows.read(db, sql: "SELECT entity, … FROM events WHERE entity = ?", bind: { $0.bind(1, Int64(7)) }) { event in … }
enum EventRows {
    /// Runs `sql` (cached by the connection) with `bind`'s arguments and calls `body` with each row's event.
    static func read(_ db: Database, sql: String, bind: (borrowing BulkInsert.Binder) -> Void,
                     _ body: (DomainEvent) throws -> Void) throws {
        try read(try db.cachedStatement(sql: sql).sqliteStatement, bind: bind, body)
    }

    /// Runs a prepared statement with `bind`'s arguments and calls `body` with each row's event.
    static func read(_ statement: SQLiteStatement, bind: (borrowing BulkInsert.Binder) -> Void,
                     _ body: (DomainEvent) throws -> Void) throws {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        defer { sqlite3_reset(statement) }
        bind(BulkInsert.Binder(statement: statement))
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw StoreError("query failed: \(String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))")
            }
            try body(event(statement))
        }
    }

    /// The event in the row `statement` stands on.
    @inline(__always) static func event(_ statement: SQLiteStatement) -> DomainEvent {
        DomainEvent(kind: EventKind(rawValue: UInt8(truncatingIfNeeded: sqlite3_column_int64(statement, 3))) ?? .authorization,
                    eventTime: SimTime(microseconds: sqlite3_column_int64(statement, 1)),
                    arrivalTime: SimTime(microseconds: sqlite3_column_int64(statement, 2)),
                    entity: Int32(truncatingIfNeeded: sqlite3_column_int64(statement, 0)),
                    item: Int32(truncatingIfNeeded: sqlite3_column_int64(statement, 4)),
                    amount: sqlite3_column_double(statement, 5))
    }
}
