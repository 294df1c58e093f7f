import Crypto
import Engines
import Foundation
import Measures
import Report
import Results
import ScenarioSpec
import Simulation
import SimKernel
import Workloads

/// One scenario end to end — the product's main job: simulate it (with
/// replications), summarise every decision on the fly, cost each engine,
/// record the run, and render the report.
///
///     let outcome = try LabRun(options).run(path: "Scenarios/fraud.yaml")
///     print(outcome.results.engines.map(\.name), outcome.directory)
public struct LabRun {
    public enum Format: String, CaseIterable, Sendable { case md, html, json, csv }

    public struct Options {
        public var engines: [String]?
        public var scale: Double?
        public var seed: UInt64?
        public var replications = 1
        /// Where the report goes; default `Reports/<scenario>`.
        public var outputDirectory: String?
        public var formats = Set(Format.allCases)
        /// The results database; nil records nothing.
        public var resultsDatabase: String? = "Reports/tempo.sqlite"
        public var gnuplot: String? = ReportWriter.findGnuplot()
        /// Keep the stores of replication 0 here instead of a temporary folder.
        public var workDirectory: String?
        /// Continue from the prediction store an interrupted run left in `workDirectory`.
        public var resume = false
        /// The ledger keeps at most about this many rows (a uniform sample of decisions beyond).
        public var ledgerRowBudget = 2_000_000
        /// Threads for the run's simulations: its replications, each split
        /// into engine groups (`EngineGroups`). The results do not depend on it.
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        /// At most this many engine groups per replication; 1 runs every
        /// engine in one simulation (which only the storage costs can tell apart).
        public var engineGroups = EngineGroups.maximumGroups
        public var progress: @Sendable (Double) -> Void = { _ in }
        /// Offline stores to share with other runs of the same workload (a
        /// sweep's points); nil: the run loads its own, shared by its simulations.
        public var offlineStores: OfflineStores?
        public init() {}
    }

    public struct Outcome {
        public var results: RunResults
        public var directory: String
        public var warnings: [String]
        public var runID: Int64?
    }

    public let options: Options
    public init(_ options: Options) { self.options = options }

    /// The plan for a scenario file with the options' overrides applied, or every problem as file:line:column.
    public func plan(path: String) throws(ScenarioError) -> (SimulationPlan, PriceCatalog) {
        try plan(Scenario.load(path: path))
    }

    /// The plan for scenario text that claims to live at `path` (its catalogue is looked up beside it).
    public func plan(yaml: String, path: String) throws(ScenarioError) -> (SimulationPlan, PriceCatalog) {
        try plan(Scenario.parse(yaml: yaml, file: path))
    }

    /// The plan for a scenario already read (a sweep point rewritten in memory), with the options' overrides.
    public func plan(_ loaded: Scenario) throws(ScenarioError) -> (SimulationPlan, PriceCatalog) {
        var scenario = loaded
        let path = scenario.file
        if let scale = options.scale { scenario.scale = scale }
        if let seed = options.seed { scenario.seed = seed }
        if let names = options.engines {
            let known = scenario.engines.map(\.name)
            for name in names where !known.contains(name) {
                throw ScenarioError([Diagnostic(at: .start(of: path),
                    "--engines names '\(name)', which is not an engine of this scenario; expected some of: \(known.joined(separator: ", "))")])
            }
            // A real-time engine's batch fallback serves a batch engine's predictions: left out, there would be none.
            let batchEngines = scenario.engines.filter { $0.kind == .batch }.map(\.name)
            for spec in scenario.engines where names.contains(spec.name) && spec.parameters["fallback"]?.text == "batch" {
                let source = spec.parameters["fallback_engine"]?.text ?? (batchEngines.count == 1 ? batchEngines[0] : nil)
                if let source, !names.contains(source) {
                    throw ScenarioError([Diagnostic(at: .start(of: path),
                        "--engines leaves out '\(source)', whose predictions engine '\(spec.name)' falls back to; "
                        + "add it: --engines \((names + [source]).joined(separator: ","))")])
                }
            }
            scenario.engines = scenario.engines.filter { names.contains($0.name) }
        }
        let plan = try SimulationPlan.make(scenario)
        let catalog = try PriceCatalog.load(for: scenario)
        // Every engine's instance type must be priced, or the run would fail only at its end.
        let unknown = zip(scenario.engines, plan.engines).filter { spec, e in
            e.kind != .oracle && e.kind != .baseline && catalog.instances[e.resources.instance] == nil
        }
        guard unknown.isEmpty else {
            throw ScenarioError(unknown.map { spec, e in
                Diagnostic(at: spec.location, "engine '\(spec.name)': unknown instance type '\(e.resources.instance)'; "
                           + "\(catalog.file) prices \(catalog.instances.keys.sorted().joined(separator: ", "))")
            })
        }
        return (plan, catalog)
    }

    public func run(path: String) throws -> Outcome {
        try run(Scenario.load(path: path))
    }

    /// Runs a scenario already read; `Scenario.file` still locates its price catalogue.
    public func run(_ loaded: Scenario) throws -> Outcome {
        let (plan, catalog) = try plan(loaded)
        let scenario = plan.scenario
        let directory = options.outputDirectory ?? "Reports/\(scenario.name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = ISO8601DateFormatter().string(from: Date())

        // Every replication (its own seed) split into engine groups, each a
        // simulation with its own stores, spread over the cores.
        let replications = max(1, options.replications)
        let groups = EngineGroups.partition(plan.engines.map { ($0.name, $0.kind, $0.configuration) }, into: options.engineGroups)
        let simulations = (0..<replications).flatMap { r in groups.indices.map { (replication: r, group: $0) } }
        let work = Simulations(count: simulations.count)
        let ledgerPath = options.formats.contains(.csv) ? "\(directory)/ledger.csv" : nil
        let ledgerParts = groups.indices.map { g in ledgerPath.map { groups.count == 1 ? $0 : "\($0).group\(g)" } }
        let sampleRate = plan.workload.expectedDecisionsPerDay.map {
            min(1, Double(options.ledgerRowBudget) / max(1, $0 * scenario.horizon.seconds / 86_400 * Double(plan.engines.count)))
        } ?? 1
        let progress = options.progress
        let (keptWork, resume) = (options.workDirectory, options.resume)
        let offlineStores = options.offlineStores ?? OfflineStores(directory: keptWork)
        defer { if options.offlineStores == nil { offlineStores.close() } }
        let fits = (0..<replications).map { _ in SharedFits() }
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, simulations.count))) { _ in
            while let k = work.next() {
                let (r, g) = simulations[k]
                let kept = r == 0 ? keptWork.map { groups.count == 1 ? $0 : "\($0)/group\(g)" } : nil
                work.store(k, Result {
                    try Self.replicate(plan, index: r, engines: groups[g], ledger: r == 0 ? ledgerParts[g] : nil, sampleRate: sampleRate,
                                       work: kept, resume: resume, offlineStores: offlineStores, fits: fits[r]) { fraction in work.progress(k, fraction, report: progress) }
                })
            }
        }
        let finished = try work.results.map { try $0!.get() }
        if let ledgerPath, groups.count > 1 {
            try LedgerFile.merge(ledgerParts.compactMap { $0 }, engines: plan.engines.map(\.name), into: ledgerPath)
        }
        // Each replication's figures in engine order, put together from its groups.
        var runs = Array(repeating: Replicate(engines: plan.engines.count), count: replications)
        for (k, simulation) in simulations.enumerated() {
            for (j, i) in groups[simulation.group].enumerated() {
                runs[simulation.replication].measures[i] = finished[k].measures[j]
                runs[simulation.replication].counters[i] = finished[k].counters[j]
                runs[simulation.replication].storageBytes[i] = finished[k].storageBytes
            }
        }

        let horizon = scenario.horizon.seconds
        let runSeconds = (scenario.warmup + scenario.horizon).seconds
        let model = CostModel(catalog: catalog)
        var engines: [EngineResult] = []
        for (i, e) in plan.engines.enumerated() {
            let counters = runs.map { $0.counters[i]! }
            let decisionsPerDay = Double(runs[0].measures[i]!.decisions) / (horizon / 86_400)
            let storage = [.batch, .lambda, .rerank].contains(e.kind) ? runs[0].storageBytes[i] : 0
            let cost = try model.perDay(.init(engine: e.name, kind: e.kind, resources: e.resources, vcpus: e.configuration.vcpus,
                                              speedWorkers: e.configuration.speedWorkers, counters: counters[0], runSeconds: runSeconds,
                                              horizonSeconds: horizon, decisionsPerDay: decisionsPerDay, storageBytes: storage,
                                              candidateWorkers: e.configuration.candidateWorkers))
            engines.append(ResultsBuilder.engineResult(.init(name: e.name, kind: e.kind, measures: runs.map { $0.measures[i]! },
                                                             counters: counters, cost: cost), horizonSeconds: horizon))
            if case .realtime(let c) = e.configuration, let profile = c.latencyProfile { engines[engines.count - 1].noteMeasured(profile) }
        }
        ResultsBuilder.compare(&engines)
        let decay = plan.workload.declaredDecay
        let window = plan.workload.actionWindow
        let declared = DecayCurve.edges.filter(\.isFinite).map {
            RunResults.DecayPoint(delaySeconds: $0, remaining: decay.remaining(after: SimDuration(seconds: $0), window: window))
        }
        var results = RunResults(
            scenario: scenario.name, scenarioFile: scenario.file,
            scenarioSHA256: SHA256.hash(data: Data(scenario.source.utf8)).map { String(format: "%02x", $0) }.joined(),
            description: scenario.description, workload: scenario.workload.kind.rawValue, seed: scenario.seed,
            scale: scenario.scale, replications: replications, horizonSeconds: horizon, warmupSeconds: scenario.warmup.seconds,
            costProfile: plan.costProfile.source, priceCatalog: catalog.file, codeVersion: Self.codeVersion, engines: engines, declaredDecay: declared,
            findings: ResultsBuilder.findings(engines, horizonSeconds: horizon),
            timing: .init(wallSeconds: 0, startedAt: startedAt))
        var warnings: [String] = []
        // The story the scenario's expectation file locks in, checked on this run for the report.
        let expectPath = (scenario.file as NSString).deletingPathExtension + ".expect.yaml"
        if FileManager.default.fileExists(atPath: expectPath) {
            do { results.story = try Expectations.load(path: expectPath).story(file: expectPath, results) } catch {
                warnings += error.diagnostics.map(\.description)
            }
        }
        results.timing.wallSeconds = (clock.now - started).seconds

        if options.formats.contains(.md) || options.formats.contains(.html) {
            warnings += try ReportWriter(gnuplot: options.gnuplot).write(results, to: directory)
        } else if options.formats.contains(.json) {
            try ResultsJSON.encode(results).write(to: URL(fileURLWithPath: "\(directory)/results.json"), options: .atomic)
        }
        var runID: Int64?
        if let path = options.resultsDatabase {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            runID = try ResultsDatabase(path: path).record(results)
        }
        if sampleRate < 1, ledgerPath != nil {
            warnings.append(String(format: "ledger.csv holds a uniform %.2f%% sample of decisions (every engine's row for each)", 100 * sampleRate))
        }
        return Outcome(results: results, directory: directory, warnings: warnings, runID: runID)
    }

    /// One simulation's figures, per engine of its group in plan order.
    struct GroupRun: Sendable {
        var measures: [EngineMeasures]
        var counters: [EngineCounters]
        /// The offline store it read and the prediction store it wrote: what its batch-like engines store.
        var storageBytes: Int
    }

    /// One replication's figures per engine of the plan, filled in from its groups.
    struct Replicate {
        var measures: [EngineMeasures?]
        var counters: [EngineCounters?]
        var storageBytes: [Int]
        init(engines: Int) {
            measures = Array(repeating: nil, count: engines)
            counters = Array(repeating: nil, count: engines)
            storageBytes = Array(repeating: 0, count: engines)
        }
    }

    /// One replication (seed S + index) of the engines at `engines`, with its
    /// own prediction store in a temporary folder (or `work`), reading the
    /// offline store of its workload from `offlineStores`.
    static func replicate(_ plan: SimulationPlan, index: Int, engines: [Int], ledger: String?, sampleRate: Double,
                          work kept: String?, resume: Bool, offlineStores: OfflineStores, fits: SharedFits,
                          progress: (Double) -> Void) throws -> GroupRun {
        var plan = plan
        plan.scenario.seed = plan.scenario.seed &+ UInt64(index)
        let replanned = try SimulationPlan.make(plan.scenario).restricted(to: engines)
        let work = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("tempo-\(getpid())-\(index)-\(UUID().uuidString)").path
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: work) } }
        let offline = try offlineStores.materialization(for: replanned)
        let simulation = try ScenarioSimulation(replanned, directory: work, resume: resume, offline: offline, fits: fits)
        let start = SimTime.zero + plan.scenario.warmup
        var measures = replanned.engines.map { _ in EngineMeasures(start: start, end: start + plan.scenario.horizon) }
        let ledgerFile = try ledger.map { try LedgerFile(path: $0, engines: replanned.engines.map(\.name), sampleRate: sampleRate) }
        var values = [Double](repeating: 0, count: replanned.engines.count)
        try simulation.run(progress: progress) { decision, answers in
            for (i, a) in answers.enumerated() {
                values[i] = replanned.workload.value(of: a.action, for: decision, answeredAt: a.answeredAt)
                measures[i].add(decision, a, value: values[i])
            }
            try ledgerFile?.record(decision, answers, values: values)
        }
        try ledgerFile?.close()
        let storage = try offline.waitUntilLoaded()
            + ((try? FileManager.default.attributesOfItem(atPath: "\(work)/predictions.sqlite")[.size] as? Int) ?? 0)
        return GroupRun(measures: measures, counters: simulation.engines.map(\.counters), storageBytes: storage)
    }

    /// `git describe` of the working tree when run from a checkout; "unknown" elsewhere.
    /// Taken once per process, before any report is written: a run over a
    /// directory writes the reports of its first scenarios into the checkout
    /// before it reaches the later ones, which would otherwise read as "-dirty".
    static let codeVersion: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "describe", "--always", "--dirty"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }()
}

/// A run's simulations handed out to worker threads one at a time, their
/// results filled in once each, and their progress reported as one.
final class Simulations: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<LabRun.GroupRun, Error>?]
    private var fractions: [Double]
    private var handedOut = 0

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
        fractions = Array(repeating: 0, count: count)
    }

    /// The next simulation to run, or nil when all are taken.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard handedOut < slots.count else { return nil }
        handedOut += 1
        return handedOut - 1
    }

    func store(_ index: Int, _ result: Result<LabRun.GroupRun, Error>) {
        lock.lock(); slots[index] = result; lock.unlock()
    }

    /// Notes simulation `index`'s progress and reports the mean of all, one report at a time.
    func progress(_ index: Int, _ fraction: Double, report: (Double) -> Void) {
        lock.lock(); defer { lock.unlock() }
        fractions[index] = fraction
        report(fractions.reduce(0, +) / Double(fractions.count))
    }

    var results: [Result<LabRun.GroupRun, Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
}
