import Foundation
import ScenarioSpec

/// A rule of thumb put to the test: a scenario's `claim:` section says what
/// is claimed, which figure of the run measures it, and the range in which
/// the claim counts as holding. The scenario's `sweep:` section, if any,
/// moves the conditions to find where it breaks.
///
///     claim:
///       statement: Batch is about 10× cheaper than real time at about a million predictions a day
///       measure: cost_ratio        # versus's cost per day over engine's
///       engine: nightly
///       versus: rt
///       holds: [5, 20]             # "about 10×": within a factor of two
public struct Claim: Sendable, Equatable {
    public enum Measure: String, Sendable, CaseIterable, ScenarioScalar {
        /// `versus`'s cost per day over `engine`'s.
        case costRatio = "cost_ratio"
        /// `engine`'s value and cost as shares of `versus`'s: holds when the
        /// value share is at least `value_at_least` and the cost share at most `cost_at_most`.
        case valueAndCostShare = "value_and_cost_share"
        /// A batch job's duration (mean staleness less mean prediction age:
        /// features are as of the job's start, predictions as of its publish)
        /// and its deadline misses, along the sweep: holds when the duration
        /// grows with the data and the job overruns its window somewhere.
        case batchOverrun = "batch_overrun"
        /// Rows per second of vectorised scoring over a per-record loop, with
        /// the Models target's logistic regression at the scenario's entity
        /// count and feature width, and at smaller batches.
        case scoringSpeedup = "scoring_speedup"
    }

    public var statement: String
    public var measure: Measure
    public var engine: String?
    public var versus: String?
    /// The figure's range in which the claim holds (cost_ratio, scoring_speedup).
    public var holds: ClosedRange<Double>?
    public var valueAtLeast: Double
    public var costAtMost: Double
    /// Batch sizes for scoring_speedup besides the full population.
    public var batchSizes: [Int]

    /// Reads the section, reporting every problem with its position.
    public static func read(_ node: SpecNode, engines: [String]) throws(ScenarioError) -> Claim {
        let diagnostics = Diagnostics()
        guard var r = MappingReader(node, what: "the 'claim' mapping", diagnostics) else { throw ScenarioError(diagnostics.sorted) }
        let statement = r.required("statement", as: String.self, .nonEmpty)
        let measure = r.required("measure", as: Measure.self)
        let engine = r.optional("engine", as: String.self)
        let versus = r.optional("versus", as: String.self)
        var holds: ClosedRange<Double>?
        if let node = r.take("holds"), let bounds = [Double].read(node, diagnostics) {
            if bounds.count == 2, bounds[0] <= bounds[1] { holds = bounds[0]...bounds[1] }
            else { diagnostics.error("'holds' takes [low, high] with low ≤ high, found \(bounds.count) numbers", at: node) }
        }
        let valueAtLeast = r.optional("value_at_least", default: Percentage(fraction: 0.9)).fraction
        let costAtMost = r.optional("cost_at_most", default: Percentage(fraction: 0.3)).fraction
        let batchSizes = r.optional("batch_sizes", default: [1, 10, 100, 1000, 10_000] as [Int])
        r.finish()
        for (key, name) in [("engine", engine), ("versus", versus)] {
            if let name, !engines.contains(name), let at = r.peek(key) {
                diagnostics.error("claim \(key) '\(name)' is not an engine of this scenario; it has \(engines.joined(separator: ", "))", at: at)
            }
        }
        if let measure {
            let needs: [String] = switch measure {
            case .costRatio, .valueAndCostShare: ["engine", "versus"]
            case .batchOverrun: ["engine"]
            case .scoringSpeedup: []
            }
            for key in needs where r.peek(key) == nil {
                diagnostics.error("measure \(measure.rawValue) needs '\(key)'", at: node)
            }
            if (measure == .costRatio || measure == .scoringSpeedup) && holds == nil && r.peek("holds") == nil {
                diagnostics.error("measure \(measure.rawValue) needs 'holds: [low, high]', the range in which the claim holds", at: node)
            }
        }
        guard let statement, let measure, !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return Claim(statement: statement, measure: measure, engine: engine, versus: versus, holds: holds,
                     valueAtLeast: valueAtLeast, costAtMost: costAtMost, batchSizes: batchSizes)
    }
}
