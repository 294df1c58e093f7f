import Foundation
import Measures
import ScenarioSpec

/// A scenario's expected measures, from a `FILE.expect.yaml`: the story a
/// report tells, locked in so CI notices when it stops being true.
///
///     scale: 0.02                # run settings (optional): fixed seed, small scale
///     seed: 42
///     story: fresh engines capture nearly all the value, a nightly batch little   # shown in the report
///     note: why a run may not tell it                                               # optional
///     expect:
///       - value_pct_of_oracle: {engine: rt, min: 95}
///       - value_pct_of_oracle: {engine: nightly, max: 30}
///       - on_time_rate: {engine: rt, min: 0.99}
///       - cost_per_day: {engine: nightly, of: rt, max: 0.25}   # a ratio: nightly's cost ≤ a quarter of rt's
///       - value_per_dollar: {engine: hybrid, best: true}       # the highest of every engine but oracle and baseline
public struct Expectations: Sendable {
    public struct Expectation: Sendable {
        public var measure: String
        public var engine: String
        public var min: Double?
        public var max: Double?
        /// Compare the engine's measure as a ratio to this engine's.
        public var of: String?
        /// The engine's measure must be the highest among the engines (bounds excluded).
        public var best = false
        public var location: SourceLocation

        /// What is asserted, for a table: "≥ 90", "≤ 0.25 × rt", "highest".
        public var expected: String {
            let unit = of.map { " × \($0)" } ?? ""
            let range = [min.map { "≥ \($0)\(unit)" }, max.map { "≤ \($0)\(unit)" }, best ? "highest" : nil].compactMap { $0 }
            return range.joined(separator: ", ")
        }
    }

    public var scale: Double?
    public var seed: UInt64?
    public var replications: Int?
    /// The story in words, and why a run may not tell it: shown in the report.
    public var story: String?
    public var note: String?
    public var expectations: [Expectation]

    public static func load(path: String) throws(ScenarioError) -> Expectations {
        let diagnostics = Diagnostics()
        guard let text = SpecDocument.read(path: path, diagnostics),
              let root = SpecDocument.parse(yaml: text, file: path, diagnostics),
              var top = MappingReader(root, what: "the expectation file", diagnostics)
        else { throw ScenarioError(diagnostics.sorted) }
        var result = Expectations(scale: top.optional("scale", as: Double.self, .within(0.001...1)),
                                  seed: top.optional("seed", as: UInt64.self),
                                  replications: top.optional("replications", as: Int.self, .within(1...100)),
                                  story: top.optional("story", as: String.self, .nonEmpty),
                                  note: top.optional("note", as: String.self, .nonEmpty), expectations: [])
        let known = EngineResult.scalarMeasureNames
        for item in top.requiredSequence("expect", nonEmpty: true) ?? [] {
            guard var entry = MappingReader(item, what: "an expectation", expecting: "a mapping like 'value_pct_of_oracle: {engine: rt, min: 95}'", diagnostics)
            else { continue }
            guard entry.keys.count == 1, let measure = entry.keys.first else {
                diagnostics.error("each expectation names one measure, like 'value_pct_of_oracle: {engine: rt, min: 95}'", at: item)
                continue
            }
            if !known.contains(measure) {
                let hint = Spelling.closest(to: measure, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                diagnostics.error("unknown measure '\(measure)'\(hint); measures are \(known.joined(separator: ", "))", at: item)
            }
            guard var bounds = entry.requiredMapping(measure) else { continue }
            let engine = bounds.required("engine", as: String.self)
            let min = bounds.optional("min", as: Double.self), max = bounds.optional("max", as: Double.self)
            let of = bounds.optional("of", as: String.self, .nonEmpty)
            let best = bounds.optional("best", default: false)
            if min == nil && max == nil && !best {
                diagnostics.error("an expectation needs 'min', 'max', both, or 'best: true'", at: bounds.node)
            }
            if of != nil && min == nil && max == nil {
                diagnostics.error("'of' compares a ratio: give 'min' or 'max' for it", at: bounds.node)
            }
            bounds.finish()
            entry.finish()
            if let engine {
                result.expectations.append(Expectation(measure: measure, engine: engine, min: min, max: max, of: of, best: best,
                                                       location: item.location))
            }
        }
        top.finish()
        guard !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return result
    }

    /// The checks as the report shows them.
    public func story(file: String, _ results: RunResults) -> RunResults.Story {
        RunResults.Story(file: file, summary: story, note: note, checks: check(results).map {
            .init(engine: $0.expectation.engine, measure: $0.expectation.measure, expected: $0.expectation.expected,
                  measured: $0.measured, passed: $0.passed)
        })
    }

    public struct Verdict: Sendable {
        public var expectation: Expectation
        public var measured: Double?
        public var passed: Bool
    }

    /// Each expectation against the results; an engine or measure the run
    /// lacks fails with no measured value.
    public func check(_ results: RunResults) -> [Verdict] {
        func measure(_ engine: String, _ name: String) -> Double? {
            results.engines.first { $0.name == engine }?.measure(name) ?? nil
        }
        return expectations.map { e in
            guard var value = measure(e.engine, e.measure) else { return Verdict(expectation: e, measured: nil, passed: false) }
            var passed = true
            if e.best {
                let others = results.engines.filter { !["oracle", "baseline"].contains($0.kind) && $0.name != e.engine }
                passed = others.allSatisfy { (($0.measure(e.measure) ?? nil) ?? -.infinity) < value }
            }
            if let of = e.of {
                guard let reference = measure(of, e.measure), reference != 0 else {
                    return Verdict(expectation: e, measured: nil, passed: false)
                }
                value /= reference
            }
            passed = passed && (e.min.map { value >= $0 } ?? true) && (e.max.map { value <= $0 } ?? true)
            return Verdict(expectation: e, measured: value, passed: passed)
        }
    }
}
