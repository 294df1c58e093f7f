import Foundation

/// One comparable figure of a suite: a rate, its ratio to the reference
/// loop measured before the suite, and latency percentiles where the suite
/// times single operations.
///
///     Figure("features/incremental_update", unit: "events/s", throughput)
public struct Figure: Sendable, Codable, Equatable {
    /// `suite/what`, stable across runs: the key of baselines.
    public var name: String
    /// What the rate counts, per wall second.
    public var unit: String
    public var throughput: Throughput
    /// Median rate over the reference loop's median rate in the same run. Set by `BenchRunner`.
    public var ratio: Double?
    /// The same per CPU second: (rate ÷ CPU per wall) over the reference's.
    /// Time spent waiting for a core cancels too, so on a shared machine
    /// this is the steadier of the two, and what baselines compare by default.
    public var cpuRatio: Double?
    public var latency: LatencySummary?

    public init(_ name: String, unit: String, _ throughput: Throughput, latency: LatencySummary? = nil) {
        self.name = name; self.unit = unit; self.throughput = throughput; self.latency = latency
    }

    /// The ratio on `basis`.
    public func ratio(_ basis: RatioBasis) -> Double? { basis == .cpu ? cpuRatio : ratio }

    enum CodingKeys: String, CodingKey {
        case name, unit, throughput, ratio, latency
        case cpuRatio = "cpu_ratio"
    }

    /// The suite part of the name.
    public var suite: String { String(name.prefix { $0 != "/" }) }

    /// Each figure as it came out in its median round (by the CPU ratio, the
    /// lower middle one for an even count), in the first round's order: runs
    /// of a whole suite differ by more than the timed runs inside one do
    /// (where the process's memory landed, what the host's neighbours did),
    /// so a baseline recorded over several rounds sits at their middle.
    public static func medians(of rounds: [[Figure]]) -> [Figure] {
        guard let first = rounds.first else { return [] }
        return first.map { figure in
            let all = rounds.compactMap { round in round.first { $0.name == figure.name } }
                .sorted { ($0.cpuRatio ?? $0.ratio ?? 0) < ($1.cpuRatio ?? $1.ratio ?? 0) }
            return all[(all.count - 1) / 2]
        }
    }
}

/// Which ratio to the reference loop baselines compare.
public enum RatioBasis: String, Sendable, Codable, CaseIterable {
    /// Items per wall second over reference steps per wall second.
    case wall
    /// Items per CPU second over reference steps per CPU second: waiting for a core cancels as well.
    case cpu
}

/// Percentiles of one operation's wall time, in nanoseconds, each operation
/// timed on its own (so they include the clock's own cost, `clockOverhead`).
public struct LatencySummary: Sendable, Codable, Equatable {
    public var operation: String
    public var samples: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    /// The median cost of reading the clock twice with nothing between, in nanoseconds.
    public var clockOverhead: Double

    enum CodingKeys: String, CodingKey {
        case operation, samples, max
        case p50 = "p50_ns", p90 = "p90_ns", p99 = "p99_ns", p999 = "p999_ns"
        case clockOverhead = "clock_overhead_ns"
    }
}

/// What one suite measured: its figures, the reference loop timed just
/// before it, its peak memory, and the suite's own detailed result.
public struct SuiteReport: Encodable {
    public var suite: String
    /// The reference loop's steps per second, right before this suite.
    public var reference: Throughput
    public var figures: [Figure]
    /// The high-water mark of resident memory while the suite ran.
    public var peakResidentBytes: Int
    public var peakMemoryScope: PeakMemory.Scope
    /// Lines for the terminal: what was measured against what, and the goal.
    public var lines: [String]
    /// The suite's own result (sizes, side-by-side rates, goals), as JSON.
    public var details: (any Encodable)?

    public init(suite: String, figures: [Figure], lines: [String], details: (any Encodable)?) {
        self.suite = suite
        self.figures = figures
        self.lines = lines
        self.details = details
        reference = Throughput(rates: [])
        peakResidentBytes = 0
        peakMemoryScope = .process
    }

    enum CodingKeys: String, CodingKey {
        case suite, reference, figures, details
        case peakResidentBytes = "peak_resident_bytes"
        case peakMemoryScope = "peak_memory_scope"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(suite, forKey: .suite)
        try c.encode(reference, forKey: .reference)
        try c.encode(figures, forKey: .figures)
        try c.encode(peakResidentBytes, forKey: .peakResidentBytes)
        try c.encode(peakMemoryScope, forKey: .peakMemoryScope)
        if let details { try c.encode(details, forKey: .details) }
    }
}

/// Everything one `tempo bench` run measured.
public struct BenchReport: Encodable {
    public var quick: Bool
    public var repetitions: Int
    /// Where instruction counts come from, or why there are none.
    public var instructionCounter: String
    public var machine: MachineDescription
    public var suites: [SuiteReport]
    public var comparison: Comparison?

    public init(quick: Bool, repetitions: Int, instructionCounter: String, machine: MachineDescription,
                suites: [SuiteReport], comparison: Comparison? = nil) {
        self.quick = quick; self.repetitions = repetitions; self.instructionCounter = instructionCounter
        self.machine = machine; self.suites = suites; self.comparison = comparison
    }

    public var figures: [Figure] { suites.flatMap(\.figures) }

    enum CodingKeys: String, CodingKey {
        case quick, repetitions, machine, suites, comparison
        case instructionCounter = "instruction_counter"
    }
}

/// The machine a run happened on, for readers comparing reports.
public struct MachineDescription: Sendable, Codable, Equatable {
    public var cores: Int
    public var memoryBytes: UInt64
    public var system: String

    public static var current: MachineDescription {
        let info = ProcessInfo.processInfo
        return MachineDescription(cores: info.activeProcessorCount, memoryBytes: info.physicalMemory,
                                  system: info.operatingSystemVersionString)
    }

    enum CodingKeys: String, CodingKey {
        case cores, system
        case memoryBytes = "memory_bytes"
    }
}
