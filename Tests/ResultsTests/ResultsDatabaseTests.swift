import Foundation
import GRDB
import Testing
import Measures
@testable import Results

func sampleResults(_ name: String, value: Double) -> RunResults {
    var engine = EngineResult(name: "rt", kind: "realtime")
    engine.value = value
    engine.decisions = 10
    return RunResults(scenario: name, scenarioFile: "\(name).yaml", scenarioSHA256: String(repeating: "0", count: 64), description: nil,
                      workload: "fraud", seed: 1, scale: 0.1, replications: 1, horizonSeconds: 86_400, warmupSeconds: 86_400,
                      costProfile: "catalog.yaml", codeVersion: "test", engines: [engine], declaredDecay: [], findings: [],
                      timing: .init(wallSeconds: 1, startedAt: "now"))
}

@Suite struct ResultsDatabaseTests {
    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-results-\(UUID().uuidString).sqlite").path
    }

    @Test func recordsListsAndReadsBackMeasures() throws {
        let db = try ResultsDatabase(path: path())
        let a = try db.record(sampleResults("fraud", value: 5))
        let b = try db.record(sampleResults("churn", value: 7))
        #expect(try db.runs().map(\.id) == [b, a], "newest first")
        #expect(try db.runs(scenario: "fraud").map(\.id) == [a])
        #expect(try db.measures(run: b)["rt"]?["value"] == 7)
        #expect(throws: ResultsError.self) { try db.measures(run: 999) }
    }

    /// WAL: a reader holding a transaction (`tempo history` during a run) does
    /// not block the writer, and sees either a whole run or none of it.
    @Test func readersNeverBlockTheWriterNorSeeHalfARun() throws {
        let file = path()
        let writer = try ResultsDatabase(path: file)
        try writer.record(sampleResults("fraud", value: 1))
        let reader = try ResultsDatabase(path: file)  // another connection, as another process would have
        try reader.database.read { db in
            let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs")
            try writer.record(sampleResults("fraud", value: 2))  // would time out if the read blocked it
            let during = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs")
            let measures = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM measures WHERE run_id NOT IN (SELECT id FROM runs)")
            #expect(before == 1 && during == 1, "the reader's snapshot does not change under it")
            #expect(measures == 0, "no measures without their run")
        }
        #expect(try reader.runs().count == 2, "a new read sees the finished run")
    }
}
