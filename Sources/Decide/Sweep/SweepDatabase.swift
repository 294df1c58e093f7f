import Foundation
import GRDB
import Measures

/// A sweep's runs in one SQLite file: the sweep's identity and each finished
/// run's results. A shard writes one; `merge` combines the shards of a sweep
/// into the file a single machine would have written.
///
///     let db = try SweepDatabase(path: "shard-0.sqlite")
///     try db.record(identity, runs: records)
///     let merged = try SweepDatabase.merge(["shard-0.sqlite", "shard-1.sqlite"], into: "sweep.sqlite")
public final class SweepDatabase: Sendable {
    public let path: String
    let database: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS sweep (id INTEGER PRIMARY KEY CHECK (id = 1), identity_json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS runs (run_index INTEGER PRIMARY KEY, assignment_json TEXT NOT NULL,
                                                 results_json TEXT NOT NULL);
                """)
        }
    }

    /// Stores the sweep's identity (it must match one already there) and the runs, in one transaction.
    public func record(_ identity: SweepIdentity, runs: [SweepRunRecord]) throws {
        let identityJSON = try Self.encode(identity)
        try database.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT identity_json FROM sweep WHERE id = 1") {
                guard existing == identityJSON else {
                    throw SweepError("\(path) holds runs of another sweep (a different scenario, parameters or design); write to a new file")
                }
            } else {
                try db.execute(sql: "INSERT INTO sweep(id, identity_json) VALUES (1, ?)", arguments: [identityJSON])
            }
            for run in runs {
                try db.execute(sql: "INSERT OR REPLACE INTO runs(run_index, assignment_json, results_json) VALUES (?, ?, ?)",
                               arguments: [run.index, try Self.encode(run.assignment), try Self.encode(run.results)])
            }
        }
    }

    public func identity() throws -> SweepIdentity {
        guard let text = try database.read({ try String.fetchOne($0, sql: "SELECT identity_json FROM sweep WHERE id = 1") }) else {
            throw SweepError("\(path) holds no sweep; was it written by `tempo sweep --shard`?")
        }
        return try JSONDecoder().decode(SweepIdentity.self, from: Data(text.utf8))
    }

    /// Every run stored, in run order.
    public func runs() throws -> [SweepRunRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT run_index, assignment_json, results_json FROM runs ORDER BY run_index").map { row in
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
                return SweepRunRecord(index: row["run_index"],
                                      assignment: try decoder.decode([String].self, from: Data((row["assignment_json"] as String).utf8)),
                                      results: try decoder.decode(RunResults.self, from: Data((row["results_json"] as String).utf8)))
            }
        }
    }

    /// Combines shard files of one sweep into `output`: every run exactly once,
    /// none missing. Throws, naming the files, when they belong to different
    /// sweeps, overlap with different results, or leave runs out.
    @discardableResult
    public static func merge(_ inputs: [String], into output: String) throws -> (SweepIdentity, [SweepRunRecord]) {
        guard let first = inputs.first else { throw SweepError("merge needs at least one shard database") }
        var identity: SweepIdentity?
        var byIndex: [Int: (record: SweepRunRecord, file: String)] = [:]
        for file in inputs {
            guard FileManager.default.fileExists(atPath: file) else { throw SweepError("\(file): no such file") }
            let db = try SweepDatabase(path: file)
            let id = try db.identity()
            if let identity, identity != id {
                throw SweepError("\(file) is a shard of another sweep than \(first) (scenario, parameters, design or options differ)")
            }
            identity = id
            for run in try db.runs() {
                if let seen = byIndex[run.index], seen.record != run {
                    throw SweepError("run \(run.index) is in both \(seen.file) and \(file) with different results")
                }
                byIndex[run.index] = (run, file)
            }
        }
        let missing = (0..<identity!.runs).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            throw SweepError("the shards hold \(byIndex.count) of \(identity!.runs) runs; missing: \(list) — is a shard's database not listed?")
        }
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        let runs = byIndex.keys.sorted().map { byIndex[$0]!.record }
        try SweepDatabase(path: output).record(identity!, runs: runs)
        return (identity!, runs)
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A sweep problem a user can act on, said in one line.
public struct SweepError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
