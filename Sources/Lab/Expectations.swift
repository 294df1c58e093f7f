import Foundation
import Measures
import ScenarioSpec

/// A scenario's expected measures, from a `FILE.expect.yaml`: the story a
/// report tells, locked in so CI notices when it stops being true.
///
///     scale: 0.02                # run settings (optional): fixed seed, small scale
///     seed: 42
///     expect:
///       - value_pct_of_oracle: {engine: rt, min: 95}
///       - value_pct_of_oracle: {engine: nightly, max: 30}
///       - on_time_rate: {engine: rt, min: 0.99}
public struct Expectations: Sendable {
    public struct Expectation: Sendable {
        public var measure: String
        public var engine: String
        public var min: Double?
        public var max: Double?
        public var location: SourceLocation
    }

    public var scale: Double?
    public var seed: UInt64?
    public var replications: Int?
    public var expectations: [Expectation]

    public static func load(path: String) throws(ScenarioError) -> Expectations {
        let diagnostics = Diagnostics()
        guard let text = SpecDocument.read(path: path, diagnostics),
              let root = SpecDocument.parse(yaml: text, file: path, diagnostics),
              var top = MappingReader(root, what: "the expectation file", diagnostics)
        else { throw ScenarioError(diagnostics.sorted) }
        var result = Expectations(scale: top.optional("scale", as: Double.self, .within(0.001...1)),
                                  seed: top.optional("seed", as: UInt64.self),
                                  replications: top.optional("replications", as: Int.self, .within(1...100)), expectations: [])
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
            if min == nil && max == nil { diagnostics.error("an expectation needs 'min', 'max' or both", at: bounds.node) }
            bounds.finish()
            entry.finish()
            if let engine { result.expectations.append(Expectation(measure: measure, engine: engine, min: min, max: max, location: item.location)) }
        }
        top.finish()
        guard !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return result
    }

    public struct Verdict: Sendable {
        public var expectation: Expectation
        public var measured: Double?
        public var passed: Bool
    }

    /// Each expectation against the results; an engine or measure the run
    /// lacks fails with no measured value.
    public func check(_ results: RunResults) -> [Verdict] {
        expectations.map { e in
            let measured = results.engines.first { $0.name == e.engine }?.measure(e.measure) ?? nil
            guard let value = measured else { return Verdict(expectation: e, measured: nil, passed: false) }
            let passed = (e.min.map { value >= $0 } ?? true) && (e.max.map { value <= $0 } ?? true)
            return Verdict(expectation: e, measured: value, passed: passed)
        }
    }
}
