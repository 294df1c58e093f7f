import SimKernel
import Foundation

/// Repeated timing of one piece of work: a warm-up run, then `repetitions`
/// timed runs, reported as the median rate with its min–max.
///
///     let rate = Throughput.measure(repetitions: 5) { runOnce() }  // runOnce returns items done
///     print(rate.median)
///
/// Measured through a `Sampler`, it also carries the CPU time of the timed
/// runs and, where the machine exposes a hardware counter, instructions per
/// item.
public struct Throughput: Sendable, Equatable {
    /// Items per wall second, one per repetition, sorted ascending.
    public let rates: [Double]
    /// Process CPU seconds over wall seconds of the timed runs: below 1 the
    /// process waited (for the disk, or for a core another process held),
    /// above 1 it ran on several cores.
    public var cpuPerWall: Double?
    /// Retired user-space instructions per item over the timed runs; nil where
    /// the machine gives no instruction counter (see `InstructionCounter`).
    public var instructionsPerItem: Double?

    public init(rates: [Double], cpuPerWall: Double? = nil, instructionsPerItem: Double? = nil) {
        self.rates = rates.sorted()
        self.cpuPerWall = cpuPerWall
        self.instructionsPerItem = instructionsPerItem
    }

    public var median: Double {
        let n = rates.count
        guard n > 0 else { return 0 }
        return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2
    }
    public var min: Double { rates.first ?? 0 }
    public var max: Double { rates.last ?? 0 }

    /// Runs `work` once to warm caches and the allocator, then `repetitions`
    /// times under the clock. `work` returns how many items it processed.
    public static func measure(repetitions: Int, warmup: Bool = true, _ work: () -> Int) -> Throughput {
        Sampler(repetitions: repetitions, warmup: warmup, counter: nil).measure(work)
    }
}

extension Throughput: Codable {
    enum CodingKeys: String, CodingKey {
        case median, min, max, rates
        case cpuPerWall = "cpu_per_wall"
        case instructionsPerItem = "instructions_per_item"
    }

    // Median and range are written for readers of the JSON; only the rates are read back.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(median, forKey: .median)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(rates, forKey: .rates)
        try c.encode(cpuPerWall, forKey: .cpuPerWall)
        try c.encode(instructionsPerItem, forKey: .instructionsPerItem)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rates: try c.decode([Double].self, forKey: .rates),
                  cpuPerWall: try c.decodeIfPresent(Double.self, forKey: .cpuPerWall),
                  instructionsPerItem: try c.decodeIfPresent(Double.self, forKey: .instructionsPerItem))
    }
}

/// How a suite times its work: the repetitions after a warm-up, the
/// instruction counter if the machine has one, and CPU time beside wall time.
///
///     let sampler = Sampler(repetitions: 5, counter: InstructionCounter.open().counter)
///     let rate = sampler.measure { process(events); return events.count }
public struct Sampler {
    public var repetitions: Int
    public var warmup: Bool
    public let counter: InstructionCounter?
    /// Test-only: each timed run does its work this many times but counts its
    /// items once, so the benchmark reads exactly this many times slower. The
    /// CLI never sets it; BenchTests use it to check that a slowed benchmark
    /// is caught by the baseline comparison.
    var injectedSlowdown = 1

    public init(repetitions: Int, warmup: Bool = true, counter: InstructionCounter?) {
        precondition(repetitions >= 1, "at least one timed repetition")
        self.repetitions = repetitions
        self.warmup = warmup
        self.counter = counter
    }

    /// The same sampler with another repetition count (suites whose single
    /// run is long, like a full-scale scenario, take one).
    public func with(repetitions: Int, warmup: Bool) -> Sampler {
        var copy = self
        copy.repetitions = repetitions
        copy.warmup = warmup
        return copy
    }

    /// Times `work` (which returns the items it processed) `repetitions` times after an optional warm-up.
    public func measure(_ work: () throws -> Int) rethrows -> Throughput {
        if warmup { _ = try work() }
        var tally = Tally()
        for _ in 0..<repetitions { try time(work, into: &tally) }
        return tally.throughput(counted: counter != nil)
    }

    /// Times `work` on a fresh state from `prepare` each run: the state is
    /// made before the clock starts and freed after it stops, so neither its
    /// setup nor its teardown (freeing millions of records) is timed.
    public func measure<State>(prepare: () -> State, _ work: (inout State) throws -> Int) rethrows -> Throughput {
        if warmup {
            var state = prepare()
            _ = try work(&state)
        }
        var tally = Tally()
        for _ in 0..<repetitions {
            var states = (0..<injectedSlowdown).map { _ in prepare() }
            var round = 0
            try time({
                defer { round += 1 }
                return try work(&states[round])
            }, into: &tally)
            states.removeAll()
        }
        return tally.throughput(counted: counter != nil)
    }

    /// Times two pieces of work in turns — a, b, a, b … after one warm-up of
    /// each — so neither always runs on the warmer or the quieter machine.
    public func measureAlternating(_ a: () throws -> Int, _ b: () throws -> Int) rethrows -> (Throughput, Throughput) {
        if warmup { _ = try a(); _ = try b() }
        var first = Tally(), second = Tally()
        for _ in 0..<repetitions {
            try time(a, into: &first)
            try time(b, into: &second)
        }
        return (first.throughput(counted: counter != nil), second.throughput(counted: counter != nil))
    }

    /// What the timed runs of one piece of work added up to.
    struct Tally {
        var rates: [Double] = []
        var wall = 0.0, cpu = 0.0, instructions: UInt64 = 0, items = 0

        func throughput(counted: Bool) -> Throughput {
            Throughput(rates: rates, cpuPerWall: wall > 0 ? cpu / wall : nil,
                       instructionsPerItem: counted && items > 0 ? Double(instructions) / Double(items) : nil)
        }
    }

    func time(_ work: () throws -> Int, into tally: inout Tally) rethrows {
        var done = 0
        let cpuBefore = processCPUSeconds()
        let instructionsBefore = counter?.read() ?? 0
        let elapsed = try ContinuousClock().measure {
            for round in 0..<injectedSlowdown {
                let n = try work()
                if round == 0 { done = n }
            }
        }.seconds
        tally.instructions &+= (counter?.read() ?? 0) &- instructionsBefore
        tally.cpu += processCPUSeconds() - cpuBefore
        tally.wall += elapsed
        tally.items += done
        tally.rates.append(Double(done) / elapsed)
    }
}


/// CPU seconds used by every thread of this process so far.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The process's peak resident set size so far, in bytes (getrusage's ru_maxrss).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
}

/// Peak resident memory of one stretch of a run. Linux lets a process reset
/// its own high-water mark (`/proc/self/clear_refs`, "5"), so each suite
/// reports its own peak rather than the largest so far of the whole process.
///
///     let scope = PeakMemory.reset()     // .suite where the reset worked
///     runSuite()
///     let bytes = PeakMemory.read()
public enum PeakMemory {
    /// Whether the figure covers one suite or everything the process did so far.
    public enum Scope: String, Codable, Sendable { case suite, process }

    /// Resets the high-water mark; `.process` when the kernel refused (the
    /// peak then includes earlier suites). Memory an earlier suite freed is
    /// first handed back to the system (malloc_trim), or it would still be
    /// resident and count towards the next suite's peak.
    @discardableResult public static func reset() -> Scope {
        _ = mallocTrim?(0)
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return .process }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return .process }
        return .suite
    }

    /// glibc's malloc_trim, looked up at run time: malloc.h is not in Swift's Glibc module.
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: MallocTrim.self)
    }()

    /// The high-water mark of resident memory since the last reset (VmHWM), in bytes.
    public static func read() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") {
            return kilobytes * 1024
        }
        return peakResidentBytes()
    }
}
