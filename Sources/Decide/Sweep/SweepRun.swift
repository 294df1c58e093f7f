import Foundation
import Lab
import Simulation
import Measures
import ScenarioSpec

/// One sweep, ready to run: the scenario, what varies, every run's scenario
/// rewritten in memory, and which of them this machine runs.
///
///     let sweep = try Sweep(path: "Scenarios/fraud.yaml", spec: spec)
///     let runs = try sweep.run(jobs: 2)                     // [SweepRunRecord], index order
///     let results = SweepResults(sweep: sweep.identity, runs: runs)
///
/// Each run keeps the scenario's seed, so every point sees the same workload
/// (common random numbers: differences between points are the parameters',
/// not the dice's), and a run's results do not depend on which worker or
/// shard ran it.
/// `@unchecked`: `LabRun.Options` holds only values and a `@Sendable` closure, but is not marked `Sendable`.
public struct Sweep: @unchecked Sendable {
    public let scenario: Scenario
    public let spec: SweepSpec
    /// Each run's value per parameter, in `spec.parameters` order.
    public let assignments: [[String]]
    public var options: LabRun.Options

    /// Reads the file, the sweep spec and every run's rewritten scenario;
    /// every bad path or value is reported as FILE:LINE:COLUMN.
    public init(path: String, spec: SweepSpec? = nil, vary: [String] = [], design: SweepSpec.Design? = nil,
                points: Int? = nil, target: Double? = nil, options: LabRun.Options = Sweep.quietOptions) throws(ScenarioError) {
        let scenario = try Scenario.load(path: path)
        let resolved: SweepSpec
        if let spec { resolved = spec } else {
            resolved = try SweepSpec.read(scenario, vary: vary, design: design, points: points, target: target)
        }
        try self.init(scenario: scenario, spec: resolved, options: options)
    }

    public init(scenario: Scenario, spec: SweepSpec, options: LabRun.Options = Sweep.quietOptions) throws(ScenarioError) {
        self.scenario = scenario
        self.spec = spec
        self.options = options
        assignments = spec.assignments(seed: scenario.seed)
        // Every path must resolve (or name a key to add) before anything runs; check each once, then each run fully.
        var seen: Set<Diagnostic> = []
        var problems: [Diagnostic] = []
        for (i, assignment) in assignments.enumerated() {
            do { _ = try LabRun(options).plan(self.scenario(forRun: i, assignment)) } catch {
                // The same problem in many runs is reported once, naming the first run that has it.
                for d in error.diagnostics where seen.insert(d).inserted {
                    var d = d
                    if !d.message.hasPrefix("--vary") { d.message += " (sweep run \(i): \(Self.describe(assignment, spec)))" }
                    problems.append(d)
                }
            }
        }
        if !problems.isEmpty { throw ScenarioError(problems.sorted { $0.location < $1.location }) }
    }

    /// LabRun options for a sweep run: nothing written, nothing recorded.
    public static var quietOptions: LabRun.Options {
        var o = LabRun.Options()
        o.formats = []
        o.resultsDatabase = nil
        o.gnuplot = nil
        return o
    }

    /// Identifies the sweep, so shards of different sweeps are never merged.
    public var identity: SweepIdentity {
        SweepIdentity(scenario: scenario.name, scenarioFile: scenario.file, scenarioText: scenario.source, seed: scenario.seed,
                      spec: spec, runs: assignments.count, engines: options.engines, scale: options.scale)
    }

    /// The runs shard `index` of `count` holds: every run whose number is `index` modulo `count`.
    public static func runs(ofShard index: Int, of count: Int, total: Int) -> [Int] {
        stride(from: index, to: total, by: count).map { $0 }
    }

    /// `engines.rt.servers=8, scale=0.1`
    public static func describe(_ assignment: [String], _ spec: SweepSpec) -> String {
        zip(spec.parameters, assignment).map { "\($0.path)=\($1)" }.joined(separator: ", ")
    }

    /// The scenario of run `index`: the file's tree with each varied value
    /// rewritten in place, read again as a whole scenario (so it is validated
    /// like a file), and a comment naming the point appended to its text.
    public func scenario(forRun index: Int, _ assignment: [String]? = nil) throws(ScenarioError) -> Scenario {
        let assignment = assignment ?? assignments[index]
        let diagnostics = Diagnostics()
        guard var root = SpecDocument.parse(yaml: scenario.source, file: scenario.file, diagnostics) else {
            throw ScenarioError(diagnostics.sorted)
        }
        for (parameter, value) in zip(spec.parameters, assignment) {
            let path: ScenarioPath
            do { path = try ScenarioPath(parsing: parameter.path) } catch {
                throw ScenarioError([Diagnostic(at: .start(of: scenario.file), error.message)])
            }
            root = try path.setting(value, in: root)
        }
        let source = scenario.source + "\n# sweep run \(index): \(Self.describe(assignment, spec))\n"
        guard var rewritten = Scenario.read(root, source: source, diagnostics), !diagnostics.hasErrors else {
            throw ScenarioError(diagnostics.sorted)
        }
        // The sweep section itself is not part of a point.
        rewritten.sweep = nil
        return rewritten
    }

    /// Runs `indices` (default: all) on `jobs` threads, each taking the next
    /// run as it finishes one; returns the records in run order.
    ///
    /// `cpu` hears, for each run, the worker that ran it and the CPU seconds
    /// its thread spent: on a shared machine, what the runs would take on cores of their own.
    public func run(_ indices: [Int]? = nil, jobs: Int = 1, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                    cpu: @escaping @Sendable (_ worker: Int, _ run: Int, _ seconds: Double) -> Void = { _, _, _ in })
        throws -> [SweepRunRecord]
    {
        let todo = indices ?? Array(assignments.indices)
        let slots = Slots(count: todo.count)
        let workers = max(1, min(jobs, todo.count))
        // Points that vary only engines read one offline store of their workload, loaded once.
        let offlineStores = OfflineStores()
        defer { offlineStores.close() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while let k = slots.next() {
                let i = todo[k]
                let cpuStarted = Self.threadCPUSeconds()
                defer { cpu(worker, i, Self.threadCPUSeconds() - cpuStarted) }
                let record = Result { () throws -> SweepRunRecord in
                    let point = try scenario(forRun: i)
                    var o = options
                    // The sweep's points share the cores; each runs its engine groups in turn (same results either way).
                    o.jobs = 1
                    o.offlineStores = offlineStores
                    o.outputDirectory = FileManager.default.temporaryDirectory
                        .appendingPathComponent("tempo-sweep-\(getpid())-\(i)-\(UUID().uuidString)").path
                    defer { try? FileManager.default.removeItem(atPath: o.outputDirectory!) }
                    var results = try LabRun(o).run(point).results
                    // Wall-clock figures differ from run to run; a sweep's results must not.
                    results.timing = .init(wallSeconds: 0, startedAt: "")
                    results.codeVersion = ""
                    return SweepRunRecord(index: i, assignment: assignments[i], results: results)
                }
                slots.store(k, record)
                progress(slots.finished, todo.count)
            }
        }
        return try slots.results.map { try $0!.get() }
    }
}

extension Sweep {
    /// CPU seconds the calling thread has used.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// What makes two shards parts of the same sweep.
public struct SweepIdentity: Codable, Sendable, Equatable {
    public var scenario: String
    public var scenarioFile: String
    public var scenarioText: String
    public var seed: UInt64
    public var spec: SweepSpec
    public var runs: Int
    public var engines: [String]?
    public var scale: Double?

    enum CodingKeys: String, CodingKey {
        case scenario, seed, spec, runs, engines, scale
        case scenarioFile = "scenario_file"
        case scenarioText = "scenario_text"
    }
}

/// One finished run of a sweep.
public struct SweepRunRecord: Codable, Sendable, Equatable {
    public var index: Int
    public var assignment: [String]
    public var results: RunResults

    public init(index: Int, assignment: [String], results: RunResults) {
        self.index = index; self.assignment = assignment; self.results = results
    }
}

/// Work handed out one index at a time, results kept by slot.
final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var cursor = 0
    private var done = 0
    private var slots: [Result<SweepRunRecord, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard cursor < slots.count else { return nil }
        defer { cursor += 1 }
        return cursor
    }

    func store(_ k: Int, _ result: Result<SweepRunRecord, Error>) {
        lock.lock(); slots[k] = result; done += 1; lock.unlock()
    }

    var finished: Int { lock.lock(); defer { lock.unlock() }; return done }
    var results: [Result<SweepRunRecord, Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
}
