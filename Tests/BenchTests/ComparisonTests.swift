import Foundation
import Testing
@testable import Bench

/// A figure as a suite would produce it, with its reference ratios already set (per CPU second as given, per wall second too unless given).
func figure(_ name: String, ratio: Double?, wall: Double? = nil, unit: String = "ops/s") -> Figure {
    var f = Figure(name, unit: unit, Throughput(rates: [1000 * (ratio ?? 1)]))
    f.cpuRatio = ratio
    f.ratio = wall ?? ratio
    return f
}

func baseline(_ entries: [String: Double], tolerances: [String: Double] = [:], tolerance: Double? = nil, quick: Bool = true) -> Baseline {
    var benchmarks: [String: Baseline.Entry] = [:]
    for (name, ratio) in entries { benchmarks[name] = Baseline.Entry(ratio: ratio, cpuRatio: ratio, tolerance: tolerances[name]) }
    return Baseline(benchmarks: benchmarks, quick: quick, tolerance: tolerance)
}

func verdicts(_ c: Comparison) -> [String: Comparison.Verdict] {
    Dictionary(uniqueKeysWithValues: c.rows.map { ($0.name, $0.verdict) })
}

@Suite struct ComparisonTests {
    @Test func equalFiguresAreUnchangedAndPass() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5, "kernel/heap_hold": 2]),
                           current: [figure("kernel/mmc_events", ratio: 0.5), figure("kernel/heap_hold", ratio: 2)],
                           suitesRun: ["kernel"])
        #expect(verdicts(c) == ["kernel/mmc_events": .unchanged, "kernel/heap_hold": .unchanged])
        #expect(c.passed)
        #expect(c.rows.allSatisfy { $0.change == 0 })
    }

    @Test func aFasterFigureIsImprovedAndPasses() {
        let c = Comparison(baseline: baseline(["store/prediction_rows": 0.01]),
                           current: [figure("store/prediction_rows", ratio: 0.013)], suitesRun: ["store"])
        #expect(c.rows[0].verdict == .improved)
        #expect(abs(c.rows[0].change! - 0.3) < 1e-12)
        #expect(c.passed)
    }

    @Test func aSlowerFigureBeyondToleranceRegressesAndFails() {
        let c = Comparison(baseline: baseline(["features/incremental_update": 0.004, "kernel/mmc_events": 0.5]),
                           current: [figure("features/incremental_update", ratio: 0.003), figure("kernel/mmc_events", ratio: 0.5)],
                           suitesRun: ["features", "kernel"])
        #expect(verdicts(c) == ["features/incremental_update": .regressed, "kernel/mmc_events": .unchanged])
        #expect(!c.passed)
        #expect(c.count(.regressed) == 1)
    }

    @Test func aBaselineFigureMissingFromASuiteThatRanFails() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5, "kernel/heap_hold": 2]),
                           current: [figure("kernel/mmc_events", ratio: 0.5)], suitesRun: ["kernel"])
        #expect(verdicts(c)["kernel/heap_hold"] == .missing)
        #expect(!c.passed, "a dropped or renamed figure must be re-recorded on purpose")
    }

    @Test func aFigureWithoutARatioIsMissing() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5]),
                           current: [figure("kernel/mmc_events", ratio: nil)], suitesRun: ["kernel"])
        #expect(c.rows[0].verdict == .missing)
        #expect(!c.passed)
    }

    @Test func baselineFiguresOfSuitesNotRunAreSkippedNotMissing() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5, "store/prediction_rows": 0.01]),
                           current: [figure("kernel/mmc_events", ratio: 0.5)], suitesRun: ["kernel"])
        #expect(verdicts(c)["store/prediction_rows"] == .skipped)
        #expect(c.passed)
    }

    @Test func aFigureTheBaselineLacksIsNewAndPasses() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5]),
                           current: [figure("kernel/mmc_events", ratio: 0.5), figure("engines/realtime", ratio: 0.001)],
                           suitesRun: ["kernel", "engines"])
        #expect(verdicts(c)["engines/realtime"] == .new)
        #expect(c.rows.first { $0.name == "engines/realtime" }?.baseline == nil)
        #expect(c.passed)
    }

    /// A change of exactly the tolerance is within it, either way; a hair past it is not.
    @Test(arguments: [0.10, 0.05, 0.25, 0.333])
    func toleranceEdges(tolerance: Double) {
        let base = 0.0123
        #expect(Comparison.verdict(baseline: base, current: base * (1 - tolerance), tolerance: tolerance) == .unchanged)
        #expect(Comparison.verdict(baseline: base, current: base * (1 + tolerance), tolerance: tolerance) == .unchanged)
        #expect(Comparison.verdict(baseline: base, current: base * (1 - tolerance) * 0.9999, tolerance: tolerance) == .regressed)
        #expect(Comparison.verdict(baseline: base, current: base * (1 + tolerance) * 1.0001, tolerance: tolerance) == .improved)
        #expect(Comparison.verdict(baseline: base, current: base, tolerance: 0) == .unchanged)
        #expect(Comparison.verdict(baseline: base, current: base * 0.9999, tolerance: 0) == .regressed)
    }

    @Test func decimalEdgesAsPeopleWriteThem() {
        #expect(Comparison.verdict(baseline: 1, current: 0.9, tolerance: 0.1) == .unchanged)
        #expect(Comparison.verdict(baseline: 1, current: 1.1, tolerance: 0.1) == .unchanged)
        #expect(Comparison.verdict(baseline: 1, current: 0.89, tolerance: 0.1) == .regressed)
        #expect(Comparison.verdict(baseline: 0.3, current: 0.27, tolerance: 0.1) == .unchanged)
    }

    /// A benchmark's own tolerance wins; then the command line's; then the file's default; then 10%.
    @Test func tolerancePrecedence() {
        let file = baseline(["a/own": 1, "a/other": 1], tolerances: ["a/own": 0.30], tolerance: 0.20)
        let current = [figure("a/own", ratio: 0.75), figure("a/other", ratio: 0.85)]
        let fromFile = Comparison(baseline: file, current: current, suitesRun: ["a"])
        #expect(verdicts(fromFile) == ["a/own": .unchanged, "a/other": .unchanged])
        #expect(fromFile.rows.map(\.tolerance) == [0.30, 0.20])
        let fromCommandLine = Comparison(baseline: file, current: current, suitesRun: ["a"], tolerance: 0.05)
        #expect(verdicts(fromCommandLine) == ["a/own": .unchanged, "a/other": .regressed])
        let bare = Comparison(baseline: baseline(["a/other": 1]), current: [figure("a/other", ratio: 0.85)], suitesRun: ["a"])
        #expect(bare.rows[0].tolerance == Comparison.defaultTolerance)
        #expect(bare.rows[0].verdict == .regressed)
    }

    @Test func aQuickBaselineAgainstAFullRunWarns() {
        let c = Comparison(baseline: baseline(["a/x": 1], quick: true), current: [figure("a/x", ratio: 1)], suitesRun: ["a"], quick: false)
        #expect(c.warnings.count == 1)
        #expect(Comparison(baseline: baseline(["a/x": 1], quick: true), current: [figure("a/x", ratio: 1)], suitesRun: ["a"], quick: true)
            .warnings.isEmpty)
    }

    /// Per CPU second by default; per wall second on request; a baseline
    /// without CPU ratios (recorded elsewhere) has nothing to compare on that basis.
    @Test func theComparedRatioIsPerCPUSecondUnlessAskedOtherwise() {
        let recorded = baseline(["a/x": 1])
        let busy = [figure("a/x", ratio: 0.98, wall: 0.5)]  // half the wall rate, same work per CPU second
        #expect(Comparison(baseline: recorded, current: busy, suitesRun: ["a"]).rows[0].verdict == .unchanged)
        #expect(Comparison(baseline: recorded, current: busy, suitesRun: ["a"], basis: .wall).rows[0].verdict == .regressed)
        let wallOnly = Baseline(benchmarks: ["a/x": Baseline.Entry(ratio: 1)], quick: true)
        #expect(Comparison(baseline: wallOnly, current: busy, suitesRun: ["a"]).rows[0].verdict == .new)
        #expect(Comparison(baseline: wallOnly, current: busy, suitesRun: ["a"], basis: .wall).rows[0].verdict == .regressed)
    }

    @Test func aRunThatWaitedForACoreIsFlagged() {
        var busy = figure("features/incremental_update", ratio: 1)
        busy.throughput = Throughput(rates: [1000], cpuPerWall: 0.5)
        let c = Comparison(baseline: baseline(["features/incremental_update": 1, "a/x": 1]),
                           current: [busy, figure("a/x", ratio: 1)], suitesRun: ["features", "a"])
        #expect(c.warnings.count == 1)
        #expect(c.warnings[0].contains("features/incremental_update") && !c.warnings[0].contains("a/x"))
        #expect(c.markdown().contains("⚠️ the machine was busy"))
        #expect(c.passed, "a warning, not a verdict")
    }

    @Test func markdownTableHasOneRowPerBenchmarkAndAHeadline() {
        let c = Comparison(baseline: baseline(["kernel/mmc_events": 0.5, "kernel/heap_hold": 2, "store/raw_sqlite_rows": 0.01]),
                           current: [figure("kernel/mmc_events", ratio: 0.4), figure("engines/batch", ratio: 0.001)],
                           suitesRun: ["kernel", "engines"], baselinePath: "Benchmarks/baseline.json")
        let text = c.markdown()
        let lines = text.split(separator: "\n")
        #expect(lines[0].hasPrefix("❌ **tempo bench**: 1 regression beyond tolerance, 1 benchmark missing"))
        #expect(lines.contains("| benchmark | baseline | current | change | verdict |"))
        #expect(lines.contains("| `kernel/mmc_events` | 0.5 | 0.4 | -20.0% | ❌ regressed (< −10%) |"))
        #expect(lines.contains("| `engines/batch` | — | 0.001 | — | 🆕 new: not in the baseline |"))
        #expect(lines.contains("| `kernel/heap_hold` | 2 | — | — | ❌ missing from this run |"))
        #expect(lines.contains("| `store/raw_sqlite_rows` | 0.01 | — | — | ⏭ suite not run |"))
        #expect(text.contains("`Benchmarks/baseline.json`"))
        let passing = Comparison(baseline: baseline(["a/x": 1]), current: [figure("a/x", ratio: 1.02)], suitesRun: ["a"]).markdown()
        #expect(passing.hasPrefix("✅ **tempo bench**: no regression beyond tolerance"))
        #expect(passing.contains("| `a/x` | 1 | 1.02 | +2.0% | ✅ within ±10% |"))
    }
}

@Suite struct BaselineFileTests {
    func temporaryPath(_ name: String = #function) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)-\(name.prefix(20)).json").path
    }

    @Test func savedFiguresReadBackWithTheirRatiosAndTolerances() throws {
        let previous = baseline(["kernel/mmc_events": 9], tolerances: ["kernel/mmc_events": 0.25], tolerance: 0.15)
        let saved = Baseline(figures: [figure("kernel/mmc_events", ratio: 0.5, unit: "events/s"), figure("kernel/unrated", ratio: nil)],
                             quick: true, previous: previous)
        #expect(saved.benchmarks.keys.sorted() == ["kernel/mmc_events"], "figures without a ratio are not recorded")
        #expect(saved.benchmarks["kernel/mmc_events"] == Baseline.Entry(ratio: 0.5, cpuRatio: 0.5, unit: "events/s", median: 500, tolerance: 0.25))
        #expect(saved.tolerance == 0.15)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try saved.save(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"tolerance\" : \"25%\""))
        #expect(try Baseline.load(from: path) == saved)
    }

    @Test func reRecordingOneSuiteKeepsTheOthersFigures() throws {
        let previous = baseline(["kernel/mmc_events": 9, "models/vectorized_rows": 3], tolerances: ["models/vectorized_rows": 0.6])
        let saved = Baseline(figures: [figure("models/vectorized_rows", ratio: 0.5)], quick: true, previous: previous,
                             suitesRun: ["models"])
        #expect(saved.benchmarks["kernel/mmc_events"] == previous.benchmarks["kernel/mmc_events"], "a suite not run keeps its entry")
        #expect(saved.benchmarks["models/vectorized_rows"]?.ratio == 0.5)
        #expect(saved.benchmarks["models/vectorized_rows"]?.tolerance == 0.6)
        let dropped = Baseline(figures: [], quick: true, previous: previous, suitesRun: ["models", "kernel"])
        #expect(dropped.benchmarks.isEmpty, "a suite that ran and lost a figure does not keep the old one")
        let otherSizes = Baseline(figures: [], quick: false, previous: previous, suitesRun: ["models"])
        #expect(otherSizes.benchmarks.isEmpty, "a full run does not keep a quick file's entries")
    }

    /// `--rounds`: each figure comes whole from its median round by CPU
    /// ratio (its wall ratio and rate with it), the lower middle of an even count.
    @Test func eachFigureIsTakenFromItsMedianRound() {
        let rounds = [[figure("a/x", ratio: 3, wall: 30), figure("a/y", ratio: 1)],
                      [figure("a/x", ratio: 1, wall: 10), figure("a/y", ratio: 5)],
                      [figure("a/x", ratio: 2, wall: 20), figure("a/y", ratio: 4)]]
        let medians = Figure.medians(of: rounds)
        #expect(medians.map(\.name) == ["a/x", "a/y"])
        #expect(medians.map(\.cpuRatio) == [2, 4])
        #expect(medians[0].ratio == 20, "the wall ratio comes from the same round")
        #expect(Figure.medians(of: Array(rounds.prefix(2))).map(\.cpuRatio) == [1, 1])
        #expect(Figure.medians(of: []).isEmpty)
    }

    @Test func tolerancesAreReadAsPercentagesOrFractions() throws {
        let json = #"{"format": 1, "quick": true, "tolerance": 0.2, "benchmarks": {"a/x": {"ratio": 1.5, "tolerance": "12.5%"}}}"#
        let b = try JSONDecoder().decode(Baseline.self, from: Data(json.utf8))
        #expect(b.tolerance == 0.2)
        #expect(b.benchmarks["a/x"]?.tolerance == 0.125)
        #expect(try Tolerance.parse("10%").get() == 0.1)
        #expect(try Tolerance.parse(" 0.1 ").get() == 0.1)
        #expect(throws: BenchError.self) { try Tolerance.parse("10").get() }
        #expect(throws: BenchError.self) { try Tolerance.parse("-5%").get() }
        #expect(throws: BenchError.self) { try Tolerance.parse("ten").get() }
        #expect(Tolerance.describe(0.1) == "10%")
        #expect(Tolerance.describe(0.125) == "12.5%")
    }

    @Test func badFilesAreReportedWithTheirPathAndWhatIsWrong() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        func message(_ json: String) -> String {
            try? Data(json.utf8).write(to: URL(fileURLWithPath: path))
            do { _ = try Baseline.load(from: path); return "" } catch { return "\(error)" }
        }
        #expect(message(#"{"format": 2, "benchmarks": {}}"#).contains("format 2 is not understood"))
        #expect(message(#"{"format": 1}"#).contains("missing 'benchmarks'"))
        #expect(message(#"{"format": 1, "benchmarks": {"a/x": {"ratio": -1}}}"#).contains("must be a positive number"))
        #expect(message(#"{"format": 1, "benchmarks": {"a/x": {"ratio": 1, "tolerance": "lots"}}}"#).contains("tolerance 'lots'"))
        #expect(message("not json").hasPrefix(path))
        let absent = "\(path).absent"
        #expect(throws: BenchError.self) { try Baseline.load(from: absent) }
    }
}
