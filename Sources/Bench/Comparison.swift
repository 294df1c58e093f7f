import Foundation

/// A run's figures against a baseline, benchmark by benchmark, on their
/// ratios to the reference loop (so a faster or busier machine moves both
/// sides alike), each judged against its tolerance.
///
///     let comparison = Comparison(baseline: baseline, current: report.figures, suitesRun: ["kernel", "store"])
///     print(comparison.markdown())
///     exit(comparison.passed ? 0 : 1)
///
/// A figure regressed when its ratio fell by more than its tolerance, and
/// improved when it rose by more; the edge itself counts as within. A
/// benchmark in the baseline that a suite which ran did not produce is
/// missing (a failure: a renamed or dropped figure must be re-recorded on
/// purpose); one of a suite that did not run is skipped; one the baseline
/// lacks is new. Neither skipped nor new fails a run.
public struct Comparison: Sendable, Encodable {
    public static let defaultTolerance = 0.10
    /// Below this many CPU seconds per wall second, a timed run spent much of its time waiting for a core.
    public static let busyCPUPerWall = 0.75

    public enum Verdict: String, Sendable, Codable {
        case unchanged, improved, regressed, missing, new, skipped

        public var fails: Bool { self == .regressed || self == .missing }
    }

    public struct Row: Sendable, Encodable, Equatable {
        public var name: String
        public var unit: String?
        public var baseline: Double?
        public var current: Double?
        /// current / baseline − 1, when both exist.
        public var change: Double?
        public var tolerance: Double
        public var verdict: Verdict
    }

    public var rows: [Row]
    /// Which ratio was compared.
    public var basis: RatioBasis
    /// Things a reader should know before trusting the verdicts (a quick baseline against a full run…).
    public var warnings: [String]
    public var baselinePath: String?

    public var passed: Bool { !rows.contains { $0.verdict.fails } }
    public func count(_ verdict: Verdict) -> Int { rows.filter { $0.verdict == verdict }.count }

    /// - Parameters:
    ///   - suitesRun: the suites this run measured; baseline entries of other suites are skipped, not missing.
    ///   - tolerance: the default from the command line; a benchmark's own tolerance in the baseline wins,
    ///     then this, then the baseline's default, then 10%.
    ///   - quick: whether this run used `--quick`, to warn when the baseline was recorded the other way.
    ///   - basis: which ratio to compare: per CPU second (default) or per wall second.
    public init(baseline: Baseline, current: [Figure], suitesRun: Set<String>, tolerance: Double? = nil,
                quick: Bool? = nil, baselinePath: String? = nil, basis: RatioBasis = .cpu) {
        self.basis = basis
        let fallback = tolerance ?? baseline.tolerance ?? Self.defaultTolerance
        var rows: [Row] = []
        var seen = Set<String>()
        for figure in current {
            seen.insert(figure.name)
            let entry = baseline.benchmarks[figure.name]
            let limit = entry?.tolerance ?? fallback
            // A baseline recorded without this basis's ratio has nothing to compare against: new, as if absent.
            guard let entry, let recorded = entry.ratio(basis) else {
                rows.append(Row(name: figure.name, unit: figure.unit, baseline: nil, current: figure.ratio(basis), change: nil,
                                tolerance: limit, verdict: .new))
                continue
            }
            guard let ratio = figure.ratio(basis) else {
                rows.append(Row(name: figure.name, unit: figure.unit, baseline: recorded, current: nil, change: nil,
                                tolerance: limit, verdict: .missing))
                continue
            }
            rows.append(Row(name: figure.name, unit: figure.unit, baseline: recorded, current: ratio,
                            change: ratio / recorded - 1, tolerance: limit,
                            verdict: Self.verdict(baseline: recorded, current: ratio, tolerance: limit)))
        }
        for (name, entry) in baseline.benchmarks.sorted(by: { $0.key < $1.key }) where !seen.contains(name) {
            let suite = String(name.prefix { $0 != "/" })
            rows.append(Row(name: name, unit: entry.unit, baseline: entry.ratio(basis), current: nil, change: nil,
                            tolerance: entry.tolerance ?? fallback, verdict: suitesRun.contains(suite) ? .missing : .skipped))
        }
        self.rows = rows
        self.baselinePath = baselinePath
        warnings = []
        let waited = current.filter { ($0.throughput.cpuPerWall ?? 1) < Self.busyCPUPerWall }.map(\.name)
        if !waited.isEmpty {
            warnings.append("the machine was busy: \(waited.joined(separator: ", ")) got under \(Int(Self.busyCPUPerWall * 100))% of a core while timed (CPU seconds per wall second), so their ratios are less trustworthy; rerun on a quieter machine before acting on a regression there")
        }
        if let quick, quick != baseline.quick {
            warnings.append("the baseline was recorded \(baseline.quick ? "with" : "without") --quick and this run \(quick ? "used" : "did not use") it: sizes differ, so ratios may differ for that reason alone")
        }
    }

    /// The verdict on one figure. Ratios are compared multiplicatively, with
    /// a relative slack of 1e-9 so a change of exactly the tolerance, which
    /// floating point may land a hair either side of, counts as within.
    public static func verdict(baseline: Double, current: Double, tolerance: Double) -> Verdict {
        let slack = 1e-9
        if current < baseline * (1 - tolerance) * (1 - slack) { return .regressed }
        if current > baseline * (1 + tolerance) * (1 + slack) { return .improved }
        return .unchanged
    }

    /// A Markdown summary and table for a pull-request comment or a CI job summary.
    public func markdown() -> String {
        let regressed = count(.regressed), missing = count(.missing)
        var headline: String
        if passed {
            headline = "✅ **tempo bench**: no regression beyond tolerance"
        } else {
            var parts: [String] = []
            if regressed > 0 { parts.append("\(regressed) regression\(regressed == 1 ? "" : "s") beyond tolerance") }
            if missing > 0 { parts.append("\(missing) benchmark\(missing == 1 ? "" : "s") missing") }
            headline = "❌ **tempo bench**: " + parts.joined(separator: ", ")
        }
        let improved = count(.improved)
        if improved > 0 { headline += " (\(improved) improved)" }
        var lines = [headline, ""]
        let per = basis == .cpu ? "per CPU second" : "per wall second"
        lines.append("Figures are each benchmark's median rate over a reference loop timed in the same run, both \(per) (higher is faster), so the machine's own speed cancels"
                     + (baselinePath.map { "; baseline `\($0)`" } ?? "") + ".")
        for w in warnings { lines.append("") ; lines.append("⚠️ \(w)") }
        lines.append("")
        lines.append("| benchmark | baseline | current | change | verdict |")
        lines.append("|---|---:|---:|---:|---|")
        for r in rows {
            let change = r.change.map { String(format: "%@%.1f%%", $0 >= 0 ? "+" : "", 100 * $0) } ?? "—"
            let verdict: String
            switch r.verdict {
            case .unchanged: verdict = "✅ within ±\(Tolerance.describe(r.tolerance))"
            case .improved: verdict = "🟢 improved (> +\(Tolerance.describe(r.tolerance)))"
            case .regressed: verdict = "❌ regressed (< −\(Tolerance.describe(r.tolerance)))"
            case .missing: verdict = "❌ missing from this run"
            case .new: verdict = "🆕 new: not in the baseline"
            case .skipped: verdict = "⏭ suite not run"
            }
            lines.append("| `\(r.name)` | \(Self.ratio(r.baseline)) | \(Self.ratio(r.current)) | \(change) | \(verdict) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func ratio(_ x: Double?) -> String {
        guard let x else { return "—" }
        return String(format: "%.4g", x)
    }
}
