import Foundation
import GRDB
import SimKernel

/// One batch-written prediction.
public struct PredictionRow: Hashable, Sendable {
    public var entity: Int32
    public var score: Float
    /// When the job computed it (virtual time).
    public var computedAt: SimTime
    /// The event time its features were as of.
    public var featuresAsOf: SimTime
    /// For a ranking, the entity's items best first (`score` is the first
    /// one's). Served from memory; the store keeps the score row only.
    public var items: [Int32]

    public init(entity: Int32, score: Float, computedAt: SimTime, featuresAsOf: SimTime, items: [Int32] = []) {
        self.entity = entity; self.score = score; self.computedAt = computedAt; self.featuresAsOf = featuresAsOf
        self.items = items
    }
}

/// Batch predictions in a SQLite file, written by runs and partitions.
///
///     let store = try PredictionStore(path: "run/predictions.sqlite")
///     try store.beginRun(7, engine: "nightly", modelVersion: "lr-1a2b", snapshot: t, partitions: 4)
///     try store.write(run: 7, partition: 0, rows: rows, finishedAt: t1)   // rows and checkpoint: one transaction
///     try store.publish(run: 7, at: t2)                                   // readers see the run only now
///
/// Idempotent: the row key is run × 2³² + entity, unique per (entity, run) —
/// and, being the rowid, rows of a run written in entity order append to the
/// table's B-tree, which is what makes bulk writes fast — and a partition's rows are
/// replaced, never duplicated, when it is written again; its checkpoint is
/// written in the same transaction, so a crash leaves either both or neither.
/// Readers see only published runs (or published partitions).
public final class PredictionStore: Sendable {
    let database: DatabaseQueue

    public init(path: String) throws {
        // Rows are appended in key order and read back rarely: a large cache would
        // only hold pages already written (hundreds of MiB on a full-scale day).
        database = try SQLiteFile.open(path, cacheMiB: 32)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS runs (
                    run_id INTEGER PRIMARY KEY, engine TEXT NOT NULL, model_version TEXT NOT NULL,
                    snapshot INTEGER NOT NULL, partitions INTEGER NOT NULL,
                    published_at INTEGER);
                CREATE TABLE IF NOT EXISTS checkpoints (
                    run_id INTEGER NOT NULL, partition INTEGER NOT NULL, rows INTEGER NOT NULL,
                    finished_at INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_id, partition)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS predictions (
                    key INTEGER PRIMARY KEY,
                    entity INTEGER NOT NULL, run_id INTEGER NOT NULL, partition INTEGER NOT NULL,
                    score REAL NOT NULL, model_version TEXT NOT NULL,
                    computed_at INTEGER NOT NULL, features_as_of INTEGER NOT NULL);
                CREATE VIEW IF NOT EXISTS published_predictions AS
                    SELECT p.* FROM predictions p
                    JOIN checkpoints c ON c.run_id = p.run_id AND c.partition = p.partition
                    LEFT JOIN runs r ON r.run_id = p.run_id
                    WHERE r.published_at IS NOT NULL OR c.published = 1;
                """)
        }
    }

    /// Records a run (again, harmlessly, on resume).
    public func beginRun(_ run: Int64, engine: String, modelVersion: String, snapshot: SimTime, partitions: Int) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO runs(run_id, engine, model_version, snapshot, partitions) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(run_id) DO NOTHING
                """, arguments: [run, engine, modelVersion, snapshot.microseconds, partitions])
        }
    }

    /// Writes one partition's rows and its checkpoint in one transaction,
    /// replacing whatever an earlier attempt wrote. - Complexity: O(rows log N)
    public func write(run: Int64, partition: Int, rows: [PredictionRow], modelVersion: String, finishedAt: SimTime,
                      publish: Bool = false) throws {
        try database.inTransaction { db in
            try db.execute(sql: "DELETE FROM predictions WHERE key >= ? AND key < ? AND partition = ?",
                           arguments: [run << 32, (run + 1) << 32, partition])
            try Self.insert(db, run: run, partition: partition, rows: rows, modelVersion: modelVersion)
            try db.execute(sql: """
                INSERT OR REPLACE INTO checkpoints(run_id, partition, rows, finished_at, published) VALUES (?, ?, ?, ?, ?)
                """, arguments: [run, partition, rows.count, finishedAt.microseconds, publish ? 1 : 0])
            return .commit
        }
    }

    /// Rows per INSERT statement on the bulk path (`BulkInsert.rowsPerStatement`).
    public static let rowsPerStatement = BulkInsert.rowsPerStatement

    /// The bulk insert path, also what `tempo bench store` measures: the rows
    /// in order through `BulkInsert.insert`'s multi-row statements.
    static func insert(_ db: Database, run: Int64, partition: Int, rows: [PredictionRow], modelVersion: String) throws {
        try modelVersion.withCString { version in
            let length = Int32(strlen(version))
            try rows.withUnsafeBufferPointer { rows in
                try BulkInsert.insert(db, into: "predictions", columns: [
                    "key", "entity", "run_id", "partition", "score", "model_version", "computed_at", "features_as_of",
                ], count: rows.count) { row, i, c in
                    let r = rows[i]
                    row.bind(c + 1, run << 32 | Int64(UInt32(bitPattern: r.entity)))
                    row.bind(c + 2, r.entity)
                    row.bind(c + 3, run)
                    row.bind(c + 4, Int64(partition))
                    row.bind(c + 5, Double(r.score))
                    row.bind(c + 6, static: version, length: length)
                    row.bind(c + 7, r.computedAt.microseconds)
                    row.bind(c + 8, r.featuresAsOf.microseconds)
                }
            }
        }
    }

    /// Every run recorded, in id order.
    public func runs() throws -> [Int64] {
        try database.read { db in try Int64.fetchAll(db, sql: "SELECT run_id FROM runs ORDER BY run_id") }
    }

    /// Partitions of `run` already finished: a resumed job skips them.
    public func finishedPartitions(run: Int64) throws -> Set<Int> {
        try database.read { db in
            Set(try Int.fetchAll(db, sql: "SELECT partition FROM checkpoints WHERE run_id = ?", arguments: [run]))
        }
    }

    /// Makes every row of the run visible to readers at once.
    public func publish(run: Int64, at time: SimTime) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE runs SET published_at = ? WHERE run_id = ?", arguments: [time.microseconds, run])
        }
    }

    public func isPublished(run: Int64) throws -> Bool {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT published_at FROM runs WHERE run_id = ?", arguments: [run]) != nil
        }
    }

    /// Rows of a run as readers see them (only if published).
    public func publishedCount(run: Int64) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM published_predictions WHERE run_id = ?", arguments: [run]) ?? 0
        }
    }

    /// Rows of a run, published or not, and how many distinct entities they cover.
    public func counts(run: Int64) throws -> (rows: Int, entities: Int) {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COUNT(DISTINCT entity) FROM predictions WHERE key >= ? AND key < ?",
                                       arguments: [run << 32, (run + 1) << 32])!
            return (row[0], row[1])
        }
    }

    /// Deletes predictions computed at or before `time` (the retention policy). Returns rows deleted.
    @discardableResult
    public func deletePredictions(computedAtOrBefore time: SimTime) throws -> Int {
        try database.write { db in
            try db.execute(sql: "DELETE FROM predictions WHERE computed_at <= ?", arguments: [time.microseconds])
            return db.changesCount
        }
    }

    /// `PRAGMA integrity_check`'s verdict: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
