import CSQLiteThreading
import Foundation
import GRDBSQLite
import Randomness
import SimKernel
import Stores
import Workloads

/// `tempo bench store`: bulk-inserting prediction rows (entity, score, model
/// version, timestamps) through the prediction store's write path, beside
/// the same rows through a bare loop on the raw SQLite C API into an
/// identical schema, both measured in the same run; and appending arrived
/// events to the offline store as a run does (100k-event batches, the order
/// of a run's hourly appends, in arrival order, entities at random, each
/// stored sorted by entity, with its row in the batches table).
public struct StoreBenchmark: Sendable {
    public var rows: Int
    public var repetitions: Int

    public init(rows: Int = 1_000_000, repetitions: Int = 3) {
        self.rows = rows
        self.repetitions = repetitions
    }

    public struct Result: Sendable, Codable, Equatable {
        public let rows: Int
        public let rowsPerSecond: Throughput
        public let rawRowsPerSecond: Throughput
        /// Offline-store appends per second (`rows` events over `entities` entities).
        public let offlineEventsPerSecond: Throughput
        public let entities: Int
        /// Store rate over raw rate (medians): the goal is ≥ 0.9.
        public var ratio: Double { rowsPerSecond.median / rawRowsPerSecond.median }

        enum CodingKeys: String, CodingKey {
            case rows
            case rowsPerSecond = "rows_per_second"
            case rawRowsPerSecond = "raw_rows_per_second"
            case offlineEventsPerSecond = "offline_events_per_second"
            case entities
        }
    }

    public func run() throws -> Result { try run(Sampler(repetitions: repetitions, counter: nil)) }

    /// Each run writes a fresh database file; the store and the raw loop take turns.
    public func run(_ sampler: Sampler) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-bench-store-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batch = (0..<rows).map {
            PredictionRow(entity: Int32($0), score: Float($0 % 1000) / 1000, computedAt: SimTime(microseconds: Int64($0)),
                          featuresAsOf: SimTime(microseconds: Int64($0)))
        }
        var attempt = 0
        func next() -> Int { attempt += 1; return attempt }
        let (store, raw) = try sampler.measureAlternating({
            let store = try PredictionStore(path: "\(directory)/store-\(next()).sqlite")
            try store.beginRun(1, engine: "bench", modelVersion: "lr-bench", snapshot: .zero, partitions: 1)
            try store.write(run: 1, partition: 0, rows: batch, modelVersion: "lr-bench", finishedAt: .zero)
            return rows
        }, {
            try RawInsert.run(path: "\(directory)/raw-\(next()).sqlite", rows: batch)
            return rows
        })
        let events = Self.arrivals(rows, entities: entities)
        let offline = try sampler.measure {
            let store = try OfflineStore(path: "\(directory)/offline-\(next()).sqlite")
            let progress = ArrivalProgress()
            var start = 0
            while start < events.count {
                let end = min(start + Self.offlineBatch, events.count)
                try store.load(Array(events[start..<end]), completeThrough: events[end - 1].arrivalTime, publishingTo: progress)
                start = end
            }
            _ = try store.finishLoading(publishingTo: progress)
            return events.count
        }
        return Result(rows: rows, rowsPerSecond: store, rawRowsPerSecond: raw, offlineEventsPerSecond: offline, entities: entities)
    }

    /// Entities the offline-store events are spread over: the fraud workload's users at scale 0.1.
    public var entities = 200_000
    /// Events per offline-store append: the order of a run's appends at this
    /// population, which close every hour of arrivals (fraud at scale 0.1:
    /// about 40k an hour, twice that at the daily peak) or at
    /// `OfflineMaterialization.batchSize`, whichever comes first.
    static let offlineBatch = 100_000

    /// `n` authorizations a few dozen microseconds apart, each for a random
    /// entity, arriving up to a second after they happened, in arrival order.
    static func arrivals(_ n: Int, entities: Int) -> [DomainEvent] {
        var random = RandomStream(seed: 7)
        var arrival: Int64 = 0
        return (0..<n).map { _ in
            arrival += 1 + Int64(random.next() % 80)
            let delay = Int64(random.next() % 1_000_000)
            return DomainEvent(kind: .authorization, eventTime: SimTime(microseconds: arrival - delay), arrivalTime: SimTime(microseconds: arrival),
                               entity: Int32(truncatingIfNeeded: random.next() % UInt64(entities)), item: Int32(truncatingIfNeeded: random.next() % 100_000),
                               amount: Double(random.next() % 10_000) / 100)
        }
    }
}

extension StoreBenchmark: BenchSuite {
    public var name: String { "store" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = try run(sampler)
        return SuiteReport(suite: name, figures: [
            Figure("store/prediction_rows", unit: "rows/s", r.rowsPerSecond),
            Figure("store/raw_sqlite_rows", unit: "rows/s", r.rawRowsPerSecond),
            Figure("store/offline_events", unit: "events/s", r.offlineEventsPerSecond),
        ], lines: [
            "store — \(rows) prediction rows in one transaction, beside the raw sqlite3 C API into the same schema (taking turns)",
            rateLine("prediction store rows/s", r.rowsPerSecond),
            rateLine("raw sqlite3 C API rows/s", r.rawRowsPerSecond),
            String(format: "  store / raw %.2f (goal ≥ 0.90)", r.ratio),
            "offline store — \(rows) arrived events over \(r.entities) entities, appended in \(Self.offlineBatch / 1000)k batches",
            rateLine("offline store events/s", r.offlineEventsPerSecond),
        ], details: r)
    }
}

/// The reference: the same schema, pragmas and rows through sqlite3_* alone.
enum RawInsert {
    static func run(path: String, rows: [PredictionRow]) throws {
        _ = tempo_sqlite_use_multithread()  // the store's setting (SQLiteFile.open)
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError(String(cString: sqlite3_errmsg(db))) }
        }
        try exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY")  // the prediction store's settings
        try exec("""
            CREATE TABLE predictions (key INTEGER PRIMARY KEY, entity INTEGER NOT NULL, run_id INTEGER NOT NULL,
                partition INTEGER NOT NULL, score REAL NOT NULL, model_version TEXT NOT NULL,
                computed_at INTEGER NOT NULL, features_as_of INTEGER NOT NULL);
            """)
        try exec("BEGIN")
        // The same multi-row statement as the store's bulk path: the best this loop can do with the C API.
        func prepare(rows n: Int) throws -> OpaquePointer {
            let sql = "INSERT OR FAIL INTO predictions(key, entity, run_id, partition, score, model_version, computed_at, features_as_of) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", ")
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw BenchError(String(cString: sqlite3_errmsg(db)))
            }
            return statement
        }
        let per = PredictionStore.rowsPerStatement
        let many = try prepare(rows: per), one = try prepare(rows: 1)
        defer { sqlite3_finalize(many); sqlite3_finalize(one) }
        try "lr-bench".withCString { version in
            let length = Int32(strlen(version))
            var i = 0
            while i < rows.count {
                let statement = rows.count - i >= per ? many : one
                let n = statement == many ? per : 1
                for k in 0..<n {
                    let r = rows[i + k], c = Int32(k * 8)
                    sqlite3_bind_int64(statement, c + 1, 1 << 32 | Int64(r.entity))
                    sqlite3_bind_int(statement, c + 2, r.entity)
                    sqlite3_bind_int64(statement, c + 3, 1)
                    sqlite3_bind_int64(statement, c + 4, 0)
                    sqlite3_bind_double(statement, c + 5, Double(r.score))
                    sqlite3_bind_text(statement, c + 6, version, length, nil)
                    sqlite3_bind_int64(statement, c + 7, r.computedAt.microseconds)
                    sqlite3_bind_int64(statement, c + 8, r.featuresAsOf.microseconds)
                }
                guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError(String(cString: sqlite3_errmsg(db))) }
                sqlite3_reset(statement)
                i += n
            }
        }
        try exec("COMMIT")
    }
}
