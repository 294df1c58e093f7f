import Foundation
import GRDB
import Measures

/// Every run ever made, in one SQLite file (default `Reports/tempo.sqlite`):
/// scenario and its hash, seed, scale, code version, and every engine's
/// measures — so runs can be listed, compared and regressions found.
///
///     let db = try ResultsDatabase(path: "Reports/tempo.sqlite")
///     let id = try db.record(results)
///     try db.runs().forEach { print($0.id, $0.scenario) }
///
/// WAL mode: readers (`tempo history` during a run) never block the writer,
/// and a run is recorded in one transaction, so a reader never sees half of
/// one and a run killed mid-write leaves every earlier run intact.
public final class ResultsDatabase: Sendable {
    let database: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        database = try DatabasePool(path: path, configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, scenario TEXT NOT NULL, scenario_file TEXT NOT NULL,
                    scenario_sha256 TEXT NOT NULL, seed INTEGER NOT NULL, scale REAL NOT NULL, replications INTEGER NOT NULL,
                    horizon_seconds REAL NOT NULL, code_version TEXT NOT NULL, started_at TEXT NOT NULL,
                    wall_seconds REAL NOT NULL, results_json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS measures (
                    run_id INTEGER NOT NULL REFERENCES runs(id), engine TEXT NOT NULL, kind TEXT NOT NULL,
                    measure TEXT NOT NULL, value REAL, PRIMARY KEY (run_id, engine, measure)) WITHOUT ROWID;
                """)
        }
    }

    /// Records a run and every engine's scalar measures in one transaction; returns the run's id.
    @discardableResult
    public func record(_ results: RunResults) throws -> Int64 {
        let json = String(decoding: try JSONEncoder.sorted.encode(results), as: UTF8.self)
        return try database.write { db in
            try db.execute(sql: """
                INSERT INTO runs(scenario, scenario_file, scenario_sha256, seed, scale, replications, horizon_seconds,
                                 code_version, started_at, wall_seconds, results_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [results.scenario, results.scenarioFile, results.scenarioSHA256, Int64(bitPattern: results.seed),
                                 results.scale, results.replications, results.horizonSeconds, results.codeVersion,
                                 results.timing.startedAt, results.timing.wallSeconds, json])
            let id = db.lastInsertedRowID
            for engine in results.engines {
                for (measure, value) in engine.scalarMeasures {
                    try db.execute(sql: "INSERT INTO measures(run_id, engine, kind, measure, value) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [id, engine.name, engine.kind, measure, value])
                }
            }
            return id
        }
    }

    public struct RunSummary: Sendable, Equatable {
        public var id: Int64
        public var scenario: String
        public var seed: UInt64
        public var scale: Double
        public var replications: Int
        public var codeVersion: String
        public var startedAt: String
        public var wallSeconds: Double
        public var engines: Int
    }

    /// Runs, newest first.
    public func runs(limit: Int = 50, scenario: String? = nil) throws -> [RunSummary] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.scenario, r.seed, r.scale, r.replications, r.code_version, r.started_at, r.wall_seconds,
                       (SELECT COUNT(DISTINCT engine) FROM measures m WHERE m.run_id = r.id) AS engines
                FROM runs r \(scenario == nil ? "" : "WHERE r.scenario = ?") ORDER BY r.id DESC LIMIT ?
                """, arguments: scenario.map { [$0, limit] } ?? [limit])
            return rows.map { row in
                RunSummary(id: row["id"], scenario: row["scenario"], seed: UInt64(bitPattern: row["seed"] as Int64),
                           scale: row["scale"], replications: row["replications"], codeVersion: row["code_version"],
                           startedAt: row["started_at"], wallSeconds: row["wall_seconds"], engines: row["engines"])
            }
        }
    }

    /// One run's measures: engine → measure → value.
    public func measures(run: Int64) throws -> [String: [String: Double?]] {
        try database.read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE id = ?", arguments: [run]) == 1 else {
                throw ResultsError("no run \(run) in the results database; `tempo history` lists them")
            }
            var out: [String: [String: Double?]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT engine, measure, value FROM measures WHERE run_id = ?", arguments: [run]) {
                out[row["engine"], default: [:]][row["measure"]] = row["value"] as Double?
            }
            return out
        }
    }
}

public struct ResultsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONEncoder {
    /// Sorted keys: equal values give equal bytes.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }
}
