import Engines
import Foundation
import SimKernel
import Workloads

/// The decision ledger on disk: one CSV row per (decision, engine), streamed
/// through a buffer, never held in memory. A large run keeps a uniform
/// sample of decisions (every engine's row for each sampled decision),
/// chosen by a hash of the decision id so the sample is the same for every
/// engine and every rerun.
///
///     let ledger = try LedgerFile(path: "Reports/fraud/ledger.csv", engines: names, sampleRate: 1)
///     try ledger.record(decision, answers, values)
///     try ledger.close()
public final class LedgerFile {
    public static let header = "decision_id,engine,decision_time_s,deadline_s,answer_time_s,latency_ms,on_time,prediction_age_s,feature_staleness_s,model_version,fallback,action,score,value,truth"
    public let sampleRate: Double
    let engines: [String]
    let handle: FileHandle
    var buffer = Data()
    public private(set) var rows = 0

    public init(path: String, engines: [String], sampleRate: Double) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ResultsError("cannot create \(path)") }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ResultsError("cannot write \(path)") }
        self.handle = handle
        self.engines = engines
        self.sampleRate = sampleRate
        buffer.append(contentsOf: (Self.header + "\n").utf8)
    }

    /// Whether a decision is in the sample: a SplitMix hash of its id against the rate.
    func sampled(_ id: Int64) -> Bool {
        guard sampleRate < 1 else { return true }
        var z = UInt64(bitPattern: id) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53 < sampleRate
    }

    public func record(_ decision: Decision, _ answers: [Answer], values: [Double]) throws {
        let r = decision.request
        guard sampled(r.id) else { return }
        for (i, a) in answers.enumerated() {
            var line = "\(r.id),\(engines[i]),\(r.time.seconds),\(r.deadline.seconds),\(a.answeredAt.seconds),"
            line += "\(Double((a.answeredAt - r.time).microseconds) / 1000),\(a.answeredAt <= r.deadline ? 1 : 0),"
            line += (a.computedAt.map { "\((r.time - $0).seconds)" } ?? "") + ","
            line += (a.featuresAsOf.map { "\((r.time - $0).seconds)" } ?? "") + ","
            line += "\(a.modelVersion),\(a.fallback ? 1 : 0),\(Self.describe(a.action)),"
            line += (a.score.map { "\($0)" } ?? "") + ",\(values[i]),\(Self.describe(decision.truth))\n"
            buffer.append(contentsOf: line.utf8)
            rows += 1
        }
        if buffer.count > 1 << 20 { try flush() }
    }

    static func describe(_ action: Action?) -> String {
        switch action {
        case nil: "default"
        case .approve: "approve"
        case .block: "block"
        case .ranking(let items): "rank:" + items.prefix(20).map(String.init).joined(separator: " ")
        case .contact(let ids): "contact:\(ids.count)"
        }
    }

    static func describe(_ truth: Truth) -> String {
        truth.topic >= 0 ? "topic:\(truth.topic)" : (truth.positives > 0 ? "positives:\(truth.positives)" : (truth.label ? "1" : "0"))
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        try flush()
        try handle.close()
    }

    /// Interleaves the ledgers of the simulations a run was split into
    /// (each with some of the engines) into one at `path`: every part holds
    /// every sampled decision in the same order, so this streams them a
    /// decision at a time, its rows in `engines` order, as one simulation of
    /// all the engines writes them. The parts are removed.
    /// - Complexity: O(rows); one decision's rows per part in memory.
    public static func merge(_ parts: [String], engines: [String], into path: String) throws {
        let order = Dictionary(uniqueKeysWithValues: engines.enumerated().map { ($1, $0) })
        let readers = try parts.map { try LineReader(path: $0) }
        for (reader, part) in zip(readers, parts) where reader.next() != header {
            throw ResultsError("\(part): not a ledger (its first line is not the ledger header)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw ResultsError("cannot write \(path)")
        }
        var buffer = Data((header + "\n").utf8)
        var pending = readers.map { $0.next() }
        while pending.contains(where: { $0 != nil }) {
            // The decision whose rows come next: the first field of any part's next line (all agree).
            guard let first = pending.compactMap({ $0 }).first else { break }
            let decision = first.prefix { $0 != "," }
            var rows: [(engine: Int, line: String)] = []
            for k in readers.indices {
                while let line = pending[k], line.prefix(while: { $0 != "," }) == decision {
                    let name = line.split(separator: ",", maxSplits: 2)[1]
                    guard let engine = order[String(name)] else { throw ResultsError("\(parts[k]): unknown engine '\(name)'") }
                    rows.append((engine, line))
                    pending[k] = readers[k].next()
                }
            }
            for row in rows.sorted(by: { $0.engine < $1.engine }) {
                buffer.append(contentsOf: row.line.utf8)
                buffer.append(0x0A)
            }
            if buffer.count > 1 << 20 {
                try out.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try out.write(contentsOf: buffer)
        try out.close()
        for part in parts { try? FileManager.default.removeItem(atPath: part) }
    }
}

/// Lines of a text file, read through a buffer (C `getline`), without their newline.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String) throws {
        guard let file = fopen(path, "r") else { throw ResultsError("cannot read \(path)") }
        self.file = file
    }

    deinit {
        free(line)
        fclose(file)
    }

    func next() -> String? {
        let count = getline(&line, &capacity, file)
        guard count > 0, let line else { return nil }
        let length = line[count - 1] == 0x0A ? count - 1 : count
        return String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self)
    }
}
