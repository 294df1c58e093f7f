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
    var buffer = CSVBytes()
    public private(set) var rows = 0

    public init(path: String, engines: [String], sampleRate: Double) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ResultsError("cannot create \(path)") }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ResultsError("cannot write \(path)") }
        self.handle = handle
        self.engines = engines
        self.sampleRate = sampleRate
        buffer.write(Self.header + "\n")
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
        let truth = Self.describe(decision.truth)
        for (i, a) in answers.enumerated() {
            buffer.append(r.id); buffer.comma()
            buffer.write(engines[i]); buffer.comma()
            buffer.append(r.time.seconds); buffer.comma()
            buffer.append(r.deadline.seconds); buffer.comma()
            buffer.append(a.answeredAt.seconds); buffer.comma()
            buffer.append(Double((a.answeredAt - r.time).microseconds) / 1000); buffer.comma()
            buffer.append(a.answeredAt <= r.deadline ? 1 : 0); buffer.comma()
            if let computedAt = a.computedAt { buffer.append((r.time - computedAt).seconds) }
            buffer.comma()
            if let featuresAsOf = a.featuresAsOf { buffer.append((r.time - featuresAsOf).seconds) }
            buffer.comma()
            buffer.write(a.modelVersion); buffer.comma()
            buffer.append(a.fallback ? 1 : 0); buffer.comma()
            buffer.write(Self.describe(a.action)); buffer.comma()
            if let score = a.score { score.write(to: &buffer) }
            buffer.comma()
            buffer.append(values[i]); buffer.comma()
            buffer.write(truth)
            buffer.bytes.append(0x0A)
            rows += 1
        }
        if buffer.bytes.count > 1 << 20 { try flush() }
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
        try handle.write(contentsOf: buffer.bytes)
        buffer.bytes.removeAll(keepingCapacity: true)
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
        // Lines are compared and copied as bytes: as Strings this pass cost about as much as writing the rows.
        let names = engines.map { Array($0.utf8) }
        let readers = try parts.map { try LineReader(path: $0) }
        for (reader, part) in zip(readers, parts) where reader.next().map({ Array($0) }) != Array(header.utf8) {
            throw ResultsError("\(part): not a ledger (its first line is not the ledger header)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw ResultsError("cannot write \(path)")
        }
        var buffer = Array((header + "\n").utf8)
        var pending = readers.map { $0.next().map { Array($0) } }
        // One decision's rows, their bytes end to end, and where each is and which engine's.
        var rowBytes: [UInt8] = []
        var rows: [(engine: Int, range: Range<Int>)] = []
        while let first = pending.lazy.compactMap({ $0 }).first {
            // The decision whose rows come next: the first field of any part's next line (all agree).
            let decision = first.prefix { $0 != 0x2C }
            rowBytes.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
            for k in readers.indices {
                while let line = pending[k], line.starts(with: decision), line.count > decision.count, line[decision.count] == 0x2C {
                    let name = line[(decision.count + 1)...].prefix { $0 != 0x2C }
                    guard let engine = names.firstIndex(where: { $0.elementsEqual(name) }) else {
                        throw ResultsError("\(parts[k]): unknown engine '\(String(decoding: name, as: UTF8.self))'")
                    }
                    rows.append((engine, rowBytes.count..<rowBytes.count + line.count))
                    rowBytes.append(contentsOf: line)
                    pending[k] = readers[k].next().map { Array($0) }
                }
            }
            for row in rows.sorted(by: { $0.engine < $1.engine }) {
                buffer.append(contentsOf: rowBytes[row.range])
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

    /// The next line's bytes, valid until the next call.
    func next() -> UnsafeRawBufferPointer? {
        let count = getline(&line, &capacity, file)
        guard count > 0, let line else { return nil }
        return UnsafeRawBufferPointer(start: line, count: line[count - 1] == 0x0A ? count - 1 : count)
    }
}

/// A CSV text built as bytes: numbers as Swift prints them (`Double`s via
/// `write(to:)`, the same digits as `description`), with no `String` per
/// field in between — building each row as a String cost most of a
/// ledger's writing.
struct CSVBytes: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    // What `Double.write(to:)` and `Float.write(to:)` call with their digits.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    mutating func append(_ value: Double) { value.write(to: &self) }

    mutating func append(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = UInt64(value.magnitude)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        withUnsafeMutableBytes(of: &digits) { out in
            var n = out.count
            repeat {
                n -= 1
                out[n] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: out[n...])
        }
    }

    mutating func comma() { bytes.append(0x2C) }
}
