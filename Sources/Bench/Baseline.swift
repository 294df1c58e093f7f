import Foundation

/// A saved run's figures, as ratios to the reference loop, for later runs to
/// be compared against (`tempo bench --save FILE`, `--baseline FILE`).
///
///     let baseline = Baseline(figures: report.figures, quick: true)
///     try baseline.save(to: "Benchmarks/baseline.json")
///     let comparison = Comparison(baseline: try Baseline.load(from: path), current: report.figures, suitesRun: ["kernel"])
///
/// The file is JSON with sorted keys, meant to be committed and read in
/// review. A benchmark may carry its own `tolerance` ("25%" or 0.25) for a
/// figure known to be noisy; the file's top-level `tolerance` is the default
/// for the rest. Absolute rates are kept beside the ratios for people
/// reading the file; only ratios are compared.
public struct Baseline: Sendable, Equatable {
    public static let currentFormat = 1

    public struct Entry: Sendable, Equatable {
        /// Median rate over the reference loop's median rate in the same run.
        public var ratio: Double
        /// The same per CPU second (`Figure.cpuRatio`).
        public var cpuRatio: Double?
        public var unit: String?
        /// The median rate when recorded, for people; never compared.
        public var median: Double?
        /// This benchmark's own tolerance (a fraction), overriding every default.
        public var tolerance: Double?

        public init(ratio: Double, cpuRatio: Double? = nil, unit: String? = nil, median: Double? = nil, tolerance: Double? = nil) {
            self.ratio = ratio; self.cpuRatio = cpuRatio; self.unit = unit; self.median = median; self.tolerance = tolerance
        }

        /// The ratio on `basis`.
        public func ratio(_ basis: RatioBasis) -> Double? { basis == .cpu ? cpuRatio : ratio }
    }

    public var format = Baseline.currentFormat
    /// Default tolerance (a fraction) for benchmarks without their own.
    public var tolerance: Double?
    /// Recorded with `--quick` (smaller sizes): ratios of a quick and a full run are not comparable.
    public var quick: Bool
    public var machine: MachineDescription?
    /// ISO 8601 time of recording.
    public var recorded: String?
    public var benchmarks: [String: Entry]

    public init(benchmarks: [String: Entry], quick: Bool, tolerance: Double? = nil,
                machine: MachineDescription? = nil, recorded: String? = nil) {
        self.benchmarks = benchmarks; self.quick = quick; self.tolerance = tolerance
        self.machine = machine; self.recorded = recorded
    }

    /// A baseline of `figures` (those with a ratio). Tolerances are carried
    /// over from `previous`, so re-recording keeps the reviewed ones. When
    /// `suitesRun` is given, `previous`'s entries of the other suites are
    /// kept as they were, so one suite can be re-recorded alone (a quick
    /// previous file's entries are only kept by a quick run, and so on).
    public init(figures: [Figure], quick: Bool, previous: Baseline? = nil, suitesRun: Set<String>? = nil,
                machine: MachineDescription? = .current, recorded: Date = Date()) {
        var entries: [String: Entry] = [:]
        if let previous, let suitesRun, previous.quick == quick {
            for (name, entry) in previous.benchmarks where !suitesRun.contains(String(name.prefix { $0 != "/" })) {
                entries[name] = entry
            }
        }
        for f in figures {
            guard let ratio = f.ratio else { continue }
            entries[f.name] = Entry(ratio: ratio, cpuRatio: f.cpuRatio, unit: f.unit, median: f.throughput.median,
                                    tolerance: previous?.benchmarks[f.name]?.tolerance)
        }
        self.init(benchmarks: entries, quick: quick, tolerance: previous?.tolerance, machine: machine,
                  recorded: ISO8601DateFormatter().string(from: recorded))
    }

    /// Reads a baseline file; errors name the file and what was wrong in it.
    public static func load(from path: String) throws -> Baseline {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BenchError("\(path): cannot read the baseline: \(error.localizedDescription); record one with `tempo bench --save \(path)`")
        }
        do { return try JSONDecoder().decode(Baseline.self, from: data) } catch let error as BaselineError {
            throw BenchError("\(path): \(error.description)")
        } catch DecodingError.keyNotFound(let key, let context) {
            throw BenchError("\(path): missing '\(key.stringValue)' at \(Self.describe(context.codingPath))")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw BenchError("\(path): wrong type at \(Self.describe(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw BenchError("\(path): not a baseline file: \(error)")
        }
    }

    static func describe(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map(\.stringValue).joined(separator: ".")
    }

    /// The baseline as pretty JSON with sorted keys, ending in a newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public func save(to path: String) throws {
        try Data(json().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

extension Baseline: Codable {
    enum CodingKeys: String, CodingKey { case format, tolerance, quick, machine, recorded, benchmarks }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(Int.self, forKey: .format)
        guard format == Baseline.currentFormat else {
            throw BaselineError("format \(format) is not understood (this tempo reads format \(Baseline.currentFormat)); record it again with --save")
        }
        tolerance = try c.decodeIfPresent(ToleranceValue.self, forKey: .tolerance)?.fraction
        quick = try c.decodeIfPresent(Bool.self, forKey: .quick) ?? false
        machine = try c.decodeIfPresent(MachineDescription.self, forKey: .machine)
        recorded = try c.decodeIfPresent(String.self, forKey: .recorded)
        benchmarks = try c.decode([String: Entry].self, forKey: .benchmarks)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encodeIfPresent(tolerance.map(ToleranceValue.init), forKey: .tolerance)
        try c.encode(quick, forKey: .quick)
        try c.encodeIfPresent(machine, forKey: .machine)
        try c.encodeIfPresent(recorded, forKey: .recorded)
        try c.encode(benchmarks, forKey: .benchmarks)
    }
}

extension Baseline.Entry: Codable {
    enum CodingKeys: String, CodingKey {
        case ratio, unit, median, tolerance
        case cpuRatio = "cpu_ratio"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ratio = try c.decode(Double.self, forKey: .ratio)
        guard ratio > 0, ratio.isFinite else { throw BaselineError("ratio \(ratio) at \(Baseline.describe(c.codingPath)) must be a positive number") }
        cpuRatio = try c.decodeIfPresent(Double.self, forKey: .cpuRatio)
        if let cpuRatio, !(cpuRatio > 0 && cpuRatio.isFinite) {
            throw BaselineError("cpu_ratio \(cpuRatio) at \(Baseline.describe(c.codingPath)) must be a positive number")
        }
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        median = try c.decodeIfPresent(Double.self, forKey: .median)
        tolerance = try c.decodeIfPresent(ToleranceValue.self, forKey: .tolerance)?.fraction
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ratio, forKey: .ratio)
        try c.encodeIfPresent(cpuRatio, forKey: .cpuRatio)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(median, forKey: .median)
        try c.encodeIfPresent(tolerance.map(ToleranceValue.init), forKey: .tolerance)
    }
}

/// A tolerance as people write it: "10%" or a fraction such as 0.1.
public enum Tolerance {
    /// The fraction `text` stands for: "10%" → 0.1, "0.1" → 0.1; nil with the reason otherwise.
    public static func parse(_ text: String) -> Result<Double, BenchError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), percent >= 0, percent < 100 else {
                return .failure(BenchError("tolerance '\(text)' must be a percentage from 0% to under 100%"))
            }
            return .success(percent / 100)
        }
        guard let fraction = Double(trimmed), fraction >= 0 else {
            return .failure(BenchError("tolerance '\(text)' must be a percentage such as 10% or a fraction such as 0.1"))
        }
        guard fraction < 1 else {
            return .failure(BenchError("tolerance '\(text)' is a fraction of 1 or more; write a percentage such as \(trimmed)%"))
        }
        return .success(fraction)
    }

    /// "10%", "12.5%".
    public static func describe(_ fraction: Double) -> String {
        let percent = (fraction * 1000).rounded() / 10
        return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
    }
}

/// A tolerance in a baseline file: read from "10%" or 0.1, written as "10%".
struct ToleranceValue: Codable {
    let fraction: Double
    init(_ fraction: Double) { self.fraction = fraction }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Double.self) {
            guard number >= 0 && number < 1 else {
                throw BaselineError("tolerance \(number) at \(Baseline.describe(decoder.codingPath)) must be a fraction under 1, or a percentage such as \"10%\"")
            }
            fraction = number
            return
        }
        switch Tolerance.parse(try c.decode(String.self)) {
        case .success(let f): fraction = f
        case .failure(let error): throw BaselineError("\(error.description) at \(Baseline.describe(decoder.codingPath))")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Tolerance.describe(fraction))
    }
}

struct BaselineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
