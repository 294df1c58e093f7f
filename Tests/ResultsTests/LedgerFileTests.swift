import Engines
import Foundation
import Randomness
@testable import Results
import SimKernel
import Testing
import Workloads

/// The ledger is written as bytes, field by field, not through Strings:
/// it must still read back as the numbers and texts that went in, in the
/// digits Swift prints them with, and the merge of engine groups' parts
/// must interleave rows exactly.
@Suite struct LedgerFileTests {
    /// Integers of every size and sign, Doubles and Floats across their
    /// range (subnormal, exponent notation, negative zero): the bytes equal
    /// Swift's `description`.
    @Test func fieldsAreWrittenInSwiftsOwnDigits() {
        var rng = RandomStream(seed: 11)
        var integers: [Int64] = [0, 1, -1, 9, 10, 99, 100, -100, Int64.max, Int64.min, 1_000_000_007]
        var doubles: [Double] = [0, -0.0, 1, 0.1, 1e-5, 1e-7, 86_400.25, 1e16, 1e300, -2.5e-308, .leastNonzeroMagnitude, .pi]
        for _ in 0..<2_000 {
            integers.append(Int64(bitPattern: rng.next()) >> (rng.next() % 64))
            doubles.append(Double(bitPattern: rng.next()))
            doubles.append(Double(rng.next() % 100_000_000) / 1e6)
        }
        doubles.removeAll { !$0.isFinite }
        var bytes = CSVBytes()
        for i in integers { bytes.append(i); bytes.comma() }
        for d in doubles { bytes.append(d); bytes.comma() }
        for d in doubles { Float(d).write(to: &bytes); bytes.comma() }
        let expected = integers.map(\.description) + doubles.map(\.description) + doubles.map { Float($0).description }
        #expect(String(decoding: bytes.bytes, as: UTF8.self) == expected.map { $0 + "," }.joined())
    }

    /// A written row reads back field by field; absent times and scores are empty fields.
    @Test func aRowReadsBackAsWhatWentIn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let request = DecisionRequest(id: 42, kind: .authorization, time: SimTime(seconds: 3_600.5), deadline: SimTime(seconds: 3_600.7), entity: 3)
        let decision = Decision(request: request, truth: Truth(label: true))
        let answers = [
            Answer(action: .block, answeredAt: SimTime(seconds: 3_600.502), score: 0.875, computedAt: SimTime(seconds: 3_600.5),
                   featuresAsOf: SimTime(seconds: 3_599), modelVersion: "lr-1"),
            Answer(action: nil, answeredAt: SimTime(seconds: 3_601), fallback: true),
        ]
        let ledger = try LedgerFile(path: path, engines: ["rt", "nightly"], sampleRate: 1)
        try ledger.record(decision, answers, values: [12.5, -5])
        try ledger.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == LedgerFile.header)
        #expect(lines[1] == "42,rt,3600.5,3600.7,3600.502,2.0,1,0.0,1.5,lr-1,0,block,0.875,12.5,1")
        #expect(lines[2] == "42,nightly,3600.5,3600.7,3601.0,500.0,0,,,,1,default,,-5.0,1")
        #expect(lines.count == 4 && lines[3].isEmpty)
    }

    /// Parts holding different engines' rows for the same decisions merge
    /// into rows in the run's engine order, decision by decision, whatever
    /// prefix one decision id shares with another (7 and 70).
    @Test func partsMergeIntoTheRunsEngineOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-merge-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engines = ["a", "b", "c"]
        let ids: [Int64] = [7, 70, 700, 8]
        func decision(_ id: Int64) -> Decision {
            Decision(request: DecisionRequest(id: id, kind: .authorization, time: SimTime(seconds: Double(id)), deadline: SimTime(seconds: Double(id) + 1),
                                              entity: 1), truth: Truth())
        }
        func answer(_ engine: Int) -> Answer { Answer(action: .approve, answeredAt: SimTime(seconds: 1_000), modelVersion: "m\(engine)") }
        let whole = try LedgerFile(path: dir + "/whole.csv", engines: engines, sampleRate: 1)
        let first = try LedgerFile(path: dir + "/part0", engines: ["b"], sampleRate: 1)
        let second = try LedgerFile(path: dir + "/part1", engines: ["a", "c"], sampleRate: 1)
        for id in ids {
            try whole.record(decision(id), [answer(0), answer(1), answer(2)], values: [0, 1, 2])
            try first.record(decision(id), [answer(1)], values: [1])
            try second.record(decision(id), [answer(0), answer(2)], values: [0, 2])
        }
        for ledger in [whole, first, second] { try ledger.close() }
        try LedgerFile.merge([dir + "/part0", dir + "/part1"], engines: engines, into: dir + "/merged.csv")
        let merged = try String(contentsOfFile: dir + "/merged.csv", encoding: .utf8)
        #expect(merged == (try String(contentsOfFile: dir + "/whole.csv", encoding: .utf8)))
        #expect(merged.split(separator: "\n").count == 1 + 3 * ids.count)
        #expect(!FileManager.default.fileExists(atPath: dir + "/part0"), "the parts are removed")
    }
}
