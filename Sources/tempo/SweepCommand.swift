import ArgumentParser
import Decide
import Foundation
import Lab
import Report
import ScenarioSpec

/// `tempo sweep FILE --vary PATH=V1,V2,…`: many runs of one scenario, the Pareto frontier, the cheapest good-enough configuration.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario at many parameter values and find the value-versus-cost Pareto frontier, the cheapest configuration reaching a target share of the oracle's value, and the knee.",
        discussion: """
            PATH addresses any value of the scenario file: scale, workload.compromise_rate, \
            workload.sources.authorizations.delay, engines.rt.servers (engines by name or 0-based position). A key left at its \
            default is added; a wrong path is reported as FILE:LINE:COLUMN naming what is there. --vary replaces the file's \
            `sweep: {vary: …}`. Every run keeps the scenario's seed, so results are identical whatever --jobs is, and whichever \
            shard runs them. Writes Reports/<scenario>/sweep/ (report.md, index.html, results.json, charts) and the sweep's \
            database, sweep.sqlite. With --shard i/n only runs i, i+n, i+2n, … are run and written to the shard's own database \
            (default shard-i-of-n.sqlite there); `tempo merge` combines the shards.
            """)

    @Argument(help: "A scenario file.") var path: String
    @Option(help: ArgumentHelp("A parameter and its values, PATH=V1,V2,… (repeatable).", valueName: "PATH=V1,V2,…")) var vary: [String] = []
    @Option(help: "How points are chosen: grid (every combination), random or lhs (Latin hypercube; need --points).") var design: SweepSpec.Design?
    @Option(help: "Points of a random or lhs design.") var points: Int?
    @Option(help: "Runs at once, on threads.") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Share of the oracle's value that is good enough, e.g. 95%.") var target: String?
    @Option(help: ArgumentHelp("Run only shard i of n (0-based), e.g. 0/4.", valueName: "i/n")) var shard: String?
    @Option(help: "Only these engines (comma-separated names).") var engines: String?
    @Option(help: "The sweep database (default Reports/<scenario>/sweep/sweep.sqlite, or shard-i-of-n.sqlite).") var database: String?
    @Option(help: "Report folder (default Reports/<scenario>/sweep).") var out: String?
    @Flag(help: "Print results.json instead of the summary.") var json = false
    @Flag(help: "Benchmark: run the sweep on one thread, then on --jobs threads, in this process; print both times, their ratio (goal ≤ 0.6× with 2 jobs) and whether the results are identical. Writes nothing.")
    var benchmark = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let points, points < 1 { throw ValidationError("--points must be at least 1, got \(points)") }
        if let shard, Self.parseShard(shard) == nil { throw ValidationError("--shard takes i/n with 0 ≤ i < n, e.g. 0/4; got '\(shard)'") }
        if let target, (try? Percentage(parsing: target)) == nil { throw ValidationError("--target takes a percentage like 95%; got '\(target)'") }
    }

    static func parseShard(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else { return nil }
        return (i, n)
    }

    func run() throws {
        var options = Sweep.quietOptions
        options.engines = engines.map { $0.split(separator: ",").map(String.init) }
        let sweep: Sweep
        do {
            sweep = try Sweep(path: path, vary: vary, design: design, points: points,
                              target: target.flatMap { try? Percentage(parsing: $0).fraction }, options: options)
        } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        if benchmark {
            let clock = ContinuousClock()
            var seconds: [Double] = []
            var cores: [Double] = []
            var outputs: [Data] = []
            // CPU seconds of this process: with the wall time, how many cores it actually got on a shared machine.
            func cpu() -> Double {
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            }
            var perWorker: [[Double]] = []
            for threads in [1, jobs] {
                let started = clock.now, cpuStarted = cpu()
                let tally = WorkerCPU(workers: threads)
                let records = try sweep.run(jobs: threads, cpu: { worker, _, seconds in tally.add(worker, seconds) })
                perWorker.append(tally.seconds)
                seconds.append((clock.now - started).seconds)
                cores.append((cpu() - cpuStarted) / seconds.last!)
                outputs.append(try SweepResults(identity: sweep.identity, runs: records).json())
                printError(String(format: "  --jobs %d: %.1f s, %.2f cores used on average", threads, seconds.last!, cores.last!))
            }
            print(String(format: "%@: %d runs; --jobs 1 %.1f s (%.2f cores), --jobs %d %.1f s (%.2f cores): %.2f× (goal ≤ 0.60× with 2 jobs); results %@",
                         sweep.scenario.name, sweep.assignments.count, seconds[0], cores[0], jobs, seconds[1], cores[1], seconds[1] / seconds[0],
                         outputs[0] == outputs[1] ? "identical" : "DIFFER"))
            // With a core per worker, a pass takes as long as its busiest worker's CPU time.
            let alone = perWorker[0].reduce(0, +), busiest = perWorker[1].max() ?? 0
            print(String(format: "CPU seconds: --jobs 1 %.1f; --jobs %d per worker %@: on a core per worker, %.2f× the single-thread time",
                         alone, jobs, perWorker[1].map { String(format: "%.1f", $0) }.joined(separator: " + "), busiest / alone))
            return
        }
        let folder = out ?? "Reports/\(sweep.scenario.name)/sweep"
        let total = sweep.assignments.count
        let indices = shard.flatMap(Self.parseShard).map { Sweep.runs(ofShard: $0.0, of: $0.1, total: total) } ?? Array(0..<total)
        printError("\(sweep.scenario.name): \(indices.count) of \(total) runs on \(min(jobs, max(1, indices.count))) thread(s)")
        let clock = ContinuousClock()
        let started = clock.now
        let records = try sweep.run(indices, jobs: jobs) { done, count in printError("  run \(done)/\(count) done") }
        let wall = (clock.now - started)
        if let (i, n) = shard.flatMap(Self.parseShard) {
            let file = database ?? "\(folder)/shard-\(i)-of-\(n).sqlite"
            if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
            try SweepDatabase(path: file).record(sweep.identity, runs: records)
            print("shard \(i)/\(n): runs \(indices.map(String.init).joined(separator: ", ")) → \(file) (\(String(format: "%.1f", wall.seconds)) s)")
            print("combine the shards with: tempo merge \(folder)/shard-*-of-\(n).sqlite --out \(folder)/sweep.sqlite")
            return
        }
        let file = database ?? "\(folder)/sweep.sqlite"
        if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        try SweepDatabase(path: file).record(sweep.identity, runs: records)
        let results = SweepResults(identity: sweep.identity, runs: records)
        let warnings = try SweepReport(results).write(to: folder, gnuplot: ReportWriter.findGnuplot())
        for w in warnings { printError("warning: \(w)") }
        if json {
            print(String(decoding: try results.json(), as: UTF8.self), terminator: "")
        } else {
            print(results.text)
            print("report: \(folder)/report.md  database: \(file)  (\(String(format: "%.1f", wall.seconds)) s on \(jobs) thread(s))")
        }
    }
}

extension SweepSpec.Design: ExpressibleByArgument {}

/// CPU seconds per worker, added to from the workers' threads.
final class WorkerCPU: @unchecked Sendable {
    private let lock = NSLock()
    private var totals: [Double]
    init(workers: Int) { totals = Array(repeating: 0, count: workers) }
    func add(_ worker: Int, _ seconds: Double) { lock.lock(); totals[worker] += seconds; lock.unlock() }
    var seconds: [Double] { lock.lock(); defer { lock.unlock() }; return totals }
}
