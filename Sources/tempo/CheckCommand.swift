import ArgumentParser
import Foundation
import Lab
import ScenarioSpec

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and assert measures against an expectation file; exit 1 with a table of what failed.",
        discussion: "FILE.expect.yaml lists `- MEASURE: {engine: NAME, min: X, max: Y}` items (`of: OTHER` makes the bounds a ratio to OTHER's measure; `best: true` asks for the highest among the engines) and may fix scale, seed and replications.")

    @Argument(help: "A scenario file.") var file: String
    @Option(help: "The expectation file (default: FILE with .expect.yaml).") var expect: String?

    func run() throws {
        let expectPath = expect ?? ((file as NSString).deletingPathExtension + ".expect.yaml")
        let expectations: Expectations
        do { expectations = try Expectations.load(path: expectPath) } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        var options = LabRun.Options()
        options.scale = expectations.scale
        options.seed = expectations.seed
        options.replications = expectations.replications ?? 1
        options.formats = []
        options.resultsDatabase = nil
        options.outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-check-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: options.outputDirectory!) }
        let outcome: LabRun.Outcome
        do { outcome = try LabRun(options).run(path: file) } catch let error as ScenarioError {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        let verdicts = expectations.check(outcome.results)
        print("| engine | measure | expected | measured | verdict |")
        print("|---|---|---|---|---|")
        for v in verdicts {
            let e = v.expectation
            print("| \(e.engine) | \(e.measure) | \(e.expected) | \(v.measured.map { String(format: "%.4g", $0) } ?? "missing") | \(v.passed ? "ok" : "FAILED") |")
        }
        let failed = verdicts.filter { !$0.passed }
        print("\(verdicts.count - failed.count) passed, \(failed.count) failed")
        if !failed.isEmpty {
            for v in failed { printError("\(v.expectation.location): error: \(v.expectation.engine).\(v.expectation.measure) = \(v.measured.map { String(format: "%.4g", $0) } ?? "missing") is outside the expectation") }
            throw ExitCode(1)
        }
    }
}
