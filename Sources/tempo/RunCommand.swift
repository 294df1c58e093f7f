import ArgumentParser
import Foundation
import Lab
import Measures
import Report
import ScenarioSpec

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario (or every scenario in a folder) and report value, staleness, latency and cost per engine.",
        discussion: """
            Writes Reports/<scenario>/ (or --out): report.md, index.html, charts/, results.json, ledger.csv. \
            A folder of scenarios also writes Reports/index.html comparing them. Every run is recorded in \
            Reports/tempo.sqlite (see `tempo history`).
            """)

    @Argument(help: "A scenario file, or a folder of them.") var path: String
    @Option(help: "Only these engines (comma-separated names).") var engines: String?
    @Option(help: "Override the scenario's scale (0.001...1).") var scale: Double?
    @Option(help: "Override the scenario's seed.") var seed: UInt64?
    @Option(help: "Independent replications (seeds S, S+1, …); confidence intervals come from them.") var replications = 1
    @Option(help: "Report folder (default Reports/<scenario>).") var out: String?
    @Option(help: "Outputs to write: md, html, json, csv.") var format = "md,html,json,csv"
    @Option(help: "The results database.") var database = "Reports/tempo.sqlite"
    @Option(help: "Keep the run's SQLite stores (offline, predictions) in this folder.") var work: String?
    @Flag(help: "Continue from the prediction store an interrupted run left in --work: finished partitions are not written again.")
    var resume = false

    func validate() throws {
        if resume && work == nil { throw ValidationError("--resume needs --work DIR, the folder the interrupted run kept its stores in") }
        if let scale, !(0.001...1).contains(scale) { throw ValidationError("--scale must be in 0.001...1, got \(scale)") }
        guard (1...1000).contains(replications) else { throw ValidationError("--replications must be in 1...1000, got \(replications)") }
        for f in format.split(separator: ",") where LabRun.Format(rawValue: String(f)) == nil {
            throw ValidationError("--format takes md, html, json, csv; got '\(f)'")
        }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            printError("\(path): error: no such file or folder")
            throw ExitCode(1)
        }
        let files = isDirectory.boolValue ? try scenarioFiles(in: path) : [path]
        var outcomes: [LabRun.Outcome] = []
        var failed = false
        for file in files {
            var options = LabRun.Options()
            options.engines = engines.map { $0.split(separator: ",").map(String.init) }
            options.scale = scale
            options.seed = seed
            options.replications = replications
            options.outputDirectory = out.map { isDirectory.boolValue ? "\($0)/\(((file as NSString).lastPathComponent as NSString).deletingPathExtension)" : $0 }
            options.formats = Set(format.split(separator: ",").compactMap { LabRun.Format(rawValue: String($0)) })
            options.resultsDatabase = database
            options.workDirectory = work
            options.resume = resume
            let bar = ProgressBar(label: (file as NSString).lastPathComponent)
            options.progress = { bar.update($0) }
            do {
                let outcome = try LabRun(options).run(path: file)
                bar.finish()
                for w in outcome.warnings { printError("warning: \(w)") }
                print(SummaryTable.render(outcome.results))
                print("report: \(outcome.directory)/report.md\(outcome.runID.map { "  (run \($0) in \(database))" } ?? "")\n")
                outcomes.append(outcome)
            } catch let error as ScenarioError {
                bar.finish()
                for d in error.diagnostics { printError(d.description) }
                failed = true
            } catch {
                bar.finish()
                printError("\(file): error: \(error)")
                failed = true
            }
        }
        if isDirectory.boolValue && !outcomes.isEmpty {
            let index = out.map { "\($0)/index.html" } ?? "Reports/index.html"
            try ReportWriter().writeIndex(outcomes.map { ($0.results, "\($0.directory)/index.html") }, to: index)
            print("index: \(index)")
        }
        // A folder of claims (Scenarios/claims) also puts each claim to the test: Reports/claims.md.
        if isDirectory.boolValue, files.contains(where: { (try? Scenario.load(path: $0))?.claim != nil }) {
            let claimsOut = out.map { "\($0)/claims.md" } ?? "Reports/claims.md"
            _ = try ClaimsCommand.writeReport(folder: path, jobs: ProcessInfo.processInfo.activeProcessorCount, out: claimsOut)
        }
        if failed { throw ExitCode(1) }
    }

    /// The scenario files of a folder, in name order (not the price catalogue or expectation files).
    func scenarioFiles(in folder: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".yaml") && $0 != "catalog.yaml" && !$0.hasSuffix(".expect.yaml") }
            .sorted()
        guard !names.isEmpty else {
            printError("\(folder): error: no scenario files (*.yaml) in this folder")
            throw ExitCode(1)
        }
        return names.map { (folder as NSString).appendingPathComponent($0) }
    }
}

/// The terminal summary after a run: one line per engine.
enum SummaryTable {
    static func render(_ r: RunResults) -> String {
        var lines = ["\(r.scenario): \(r.workload), seed \(r.seed), scale \(r.scale), \(r.replications) replication\(r.replications == 1 ? "" : "s"), "
                     + String(format: "horizon %.0f h, %.1f s wall", r.horizonSeconds / 3600, r.timing.wallSeconds)]
        lines.append("engine       kind       decisions        value  ±95% CI  % oracle    $/day  $/1k pred  on-time  stale mean  lat p99   AUC  fails  SLA")
        for e in r.engines {
            let pct = e.valuePctOfOracle.map { String(format: "%7.1f%%", $0) } ?? "       —"
            let stale = e.stalenessMeanS.map { String(format: "%9.1fs", $0) } ?? "         —"
            let auc = e.auc.map { String(format: "%5.3f", $0) } ?? "    —"
            lines.append(e.name.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + e.kind.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: "%10d %12.0f %8.0f %@ %8.2f %10.4f %7.1f%% %@ %7.1fms %@ %6d %4d",
                                  e.decisions, e.value, e.valueCI95, pct, e.costPerDay, e.costPer1kPredictions, 100 * e.onTimeRate,
                                  stale, e.latencyP99Ms, auc, e.failures, e.slaMisses))
        }
        lines += r.findings.map { "  • " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// A progress bar with an ETA on a terminal; plain periodic lines otherwise.
final class ProgressBar: @unchecked Sendable {
    let label: String
    let interactive = isatty(STDERR_FILENO) != 0
    let started = ContinuousClock.now
    var lastShown = -1
    let lock = NSLock()

    init(label: String) { self.label = label }

    func update(_ fraction: Double) {
        lock.lock(); defer { lock.unlock() }
        let percent = Int(fraction * 100)
        guard percent != lastShown, interactive || percent / 10 != lastShown / 10 else { return }
        lastShown = percent
        let elapsed = (ContinuousClock.now - started).seconds
        let eta = fraction > 0.01 ? elapsed / fraction * (1 - fraction) : 0
        if interactive {
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3d%%  ETA %.0fs ", label, bar, percent, eta).utf8))
        } else {
            FileHandle.standardError.write(Data(String(format: "%@: %d%% (%.0fs elapsed, ETA %.0fs)\n", label, percent, elapsed, eta).utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

import SimKernel
