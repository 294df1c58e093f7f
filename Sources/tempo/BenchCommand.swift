import ArgumentParser
import Bench
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput against a reference loop run in the same process; compare with a baseline.",
        discussion: """
            Suites: kernel, workloads, store, models, features, engines, scenario [fraud]; all of them when none is named.
            Every figure is also given as its ratio to a fixed reference loop timed right before its suite, and baselines
            compare those ratios, so the machine's speed cancels. Build with -c release for meaningful figures:
              swift run -c release tempo bench --quick --baseline Benchmarks/baseline.json
            Exit status: 0 when nothing regressed, 1 when a figure regressed beyond its tolerance or a baseline figure
            is missing, 2 when a suite cannot run or the baseline cannot be read or written.
            """)

    static let suiteNames = ["kernel", "workloads", "store", "models", "features", "engines", "scenario"]

    @Argument(help: "Suites to run (kernel, workloads, store, models, features, engines, scenario [NAME]); default: all.")
    var suites: [String] = []
    @Flag(help: "Smaller sizes and 3 repetitions, for CI: a couple of minutes on two cores.") var quick = false
    @Option(help: "Timed repetitions after one warm-up run (default 5, or 3 with --quick).") var repetitions: Int?
    @Option(help: "Run the suites this many times; each figure is taken from its median round (for recording a baseline).") var rounds = 1
    @Option(help: "M/M/c customers in the kernel suite (default 1M, or 100k with --quick).") var customers: Int?
    @Option(name: .customLong("scenario-dir"), help: "Where `scenario NAME` finds NAME.yaml.") var scenarioDirectory = "Scenarios"
    @Flag(help: "Print the report as JSON instead of tables.") var json = false
    @Option(help: "Write this run's figures to FILE as a baseline (keeping the tolerances FILE already sets, and its figures of suites not run).") var save: String?
    @Option(help: "Compare this run's ratios with the baseline FILE; exit 1 on a regression.") var baseline: String?
    @Option(help: "Default tolerance for --baseline, e.g. 10% (a benchmark's own tolerance in the file wins).") var tolerance: String?
    @Option(name: .customLong("compare-on"), help: "Which ratio --baseline compares: cpu (per CPU second, steadier on a shared machine) or wall.")
    var basis: RatioBasis = .cpu
    @Option(help: "Also write the comparison as Markdown to FILE (a pull-request comment, $GITHUB_STEP_SUMMARY).") var markdown: String?

    /// The suites named on the command line, with the scenario's name if one follows `scenario`.
    func selection() throws -> (suites: [String], scenario: String) {
        let given = suites.isEmpty ? Self.suiteNames : suites
        var chosen: [String] = []
        var scenario = "fraud"
        var i = 0
        while i < given.count {
            let name = given[i]
            guard Self.suiteNames.contains(name) else {
                throw ValidationError("unknown suite '\(name)'; expected one of: \(Self.suiteNames.joined(separator: ", "))")
            }
            if !chosen.contains(name) { chosen.append(name) }
            if name == "scenario", i + 1 < given.count, !Self.suiteNames.contains(given[i + 1]) {
                scenario = given[i + 1]
                i += 1
            }
            i += 1
        }
        return (chosen, scenario)
    }

    func validate() throws {
        _ = try selection()
        if let customers, customers < 1000 { throw ValidationError("--customers must be at least 1000, got \(customers)") }
        if let repetitions, repetitions < 1 { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        if let tolerance, case .failure(let error) = Tolerance.parse(tolerance) { throw ValidationError("--tolerance: \(error)") }
        if tolerance != nil && baseline == nil { throw ValidationError("--tolerance applies to --baseline; give the baseline file too") }
        if markdown != nil && baseline == nil { throw ValidationError("--markdown writes the baseline comparison; give --baseline FILE too") }
    }

    func makeSuites(_ names: [String], scenario: String) -> [any BenchSuite] {
        names.map { name -> any BenchSuite in
            switch name {
            case "kernel": KernelBenchmark(customers: customers ?? (quick ? 100_000 : 1_000_000))
            case "workloads": WorkloadsBenchmark(scale: quick ? 0.1 : 1)
            case "store": StoreBenchmark(rows: quick ? 100_000 : 1_000_000)
            // Quick: an 8 MiB matrix, which stays in cache, so CI compares the scoring code rather than the host's memory bandwidth (a 64 MiB one moved 40% between quiet runs).
            case "models": ModelsBenchmark(rows: quick ? 131_072 : 10_000_000)
            case "features": FeaturesBenchmark(scale: quick ? 0.1 : 1, readScale: quick ? 0.01 : 0.1)
            case "engines": EnginesBenchmark(scale: quick ? 0.005 : 0.1, mmcCustomers: customers ?? (quick ? 100_000 : 1_000_000))
            default: ScenarioBenchmark(path: "\(scenarioDirectory)/\(scenario).yaml", scale: quick ? 0.02 : 1)
            }
        }
    }

    func run() throws {
        let (names, scenario) = try selection()
        let counter = InstructionCounter.open()
        let sampler = Sampler(repetitions: repetitions ?? (quick ? 3 : 5), counter: counter.counter)
        let previous: Baseline?
        do { previous = try baseline.map { try Baseline.load(from: $0) } } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if !json {
            print("tempo bench\(quick ? " --quick" : ""): median of \(sampler.repetitions) timed runs after a warm-up unless a suite says otherwise")
            print(counter.note)
        }
        let runner = BenchRunner(sampler: sampler)
        var roundReports: [[SuiteReport]] = []
        for round in 1...rounds {
            if rounds > 1 && !json { print("round \(round) of \(rounds)") }
            var reports: [SuiteReport] = []
            for suite in makeSuites(names, scenario: scenario) {
                if json { printError("running \(suite.name)…") }
                let report: SuiteReport
                do { report = try runner.run([suite])[0] } catch {
                    printError("\(suite.name): error: \(error)")
                    throw ExitCode(2)
                }
                reports.append(report)
                if !json { print(describe(report)) }
            }
            roundReports.append(reports)
        }
        var reports = roundReports[roundReports.count - 1]
        if roundReports.count > 1 {
            for i in reports.indices { reports[i].figures = Figure.medians(of: roundReports.map { $0[i].figures }) }
        }

        var output = BenchReport(quick: quick, repetitions: sampler.repetitions, instructionCounter: counter.note,
                                 machine: .current, suites: reports, comparison: nil)
        if let previous, let path = baseline {
            let defaultTolerance = try tolerance.map { try Tolerance.parse($0).get() }
            output.comparison = Comparison(baseline: previous, current: output.figures, suitesRun: Set(names),
                                           tolerance: defaultTolerance, quick: quick, baselinePath: path, basis: basis)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else if let comparison = output.comparison {
            print("")
            print(comparison.markdown(), terminator: "")
        }
        if let comparison = output.comparison, let markdown {
            try writeAtomically(comparison.markdown(), to: markdown)
        }
        if let save {
            // Keep the tolerances someone reviewed into the file being replaced.
            let existing = save == baseline ? previous : (try? Baseline.load(from: save))
            do { try Baseline(figures: output.figures, quick: quick, previous: existing, suitesRun: Set(names)).save(to: save) } catch {
                printError("\(save): error: cannot write the baseline: \(error.localizedDescription)")
                throw ExitCode(2)
            }
            if !json { print("baseline written to \(save) (\(output.figures.count) figures)") }
        }
        if let comparison = output.comparison, !comparison.passed { throw ExitCode(1) }
    }

    /// The suite's own lines, then its reference loop, ratios and peak memory.
    func describe(_ r: SuiteReport) -> String {
        var lines = r.lines
        lines.append(String(format: "  reference loop %.0f steps/s (min %.0f, max %.0f, cpu/wall %.2f); ratios to it, per wall second and per CPU second:",
                            r.reference.median, r.reference.min, r.reference.max, r.reference.cpuPerWall ?? .nan))
        for f in r.figures {
            lines.append(String(format: "    %@ %10.4g %10.4g", f.name.padding(toLength: 38, withPad: " ", startingAt: 0), f.ratio ?? .nan, f.cpuRatio ?? .nan))
        }
        lines.append(String(format: "  peak RSS %.0f MiB (%@)", Double(r.peakResidentBytes) / 1_048_576,
                            r.peakMemoryScope == .suite ? "this suite alone" : "whole process so far: the reset was refused"))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RatioBasis: ExpressibleByArgument {}
