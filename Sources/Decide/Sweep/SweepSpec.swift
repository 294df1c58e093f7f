import Foundation
import Randomness
import ScenarioSpec

/// What a sweep varies and how it picks points: from the scenario's `sweep:`
/// section, with `--vary`, `--design`, `--points` and `--target` on top.
///
///     sweep:
///       vary:
///         engines.rt.servers: [1, 2, 4, 8]
///         engines.nightly.cadence: [1h, 6h, 1d]
///       design: grid        # grid, random or lhs
///       points: 16          # random and lhs only
///       target: 95%         # share of the oracle's value that is good enough
///
///     let spec = try SweepSpec.read(scenario, vary: ["scale=0.01,0.1"])
///     let runs = spec.assignments(seed: scenario.seed)   // [[(path, value)]]
public struct SweepSpec: Sendable, Equatable, Codable {
    public enum Design: String, Codable, Sendable, CaseIterable, ScenarioScalar {
        case grid, random, lhs
    }

    public struct Parameter: Sendable, Equatable, Codable {
        public var path: String
        public var values: [String]
        public init(path: String, values: [String]) { self.path = path; self.values = values }
    }

    public var parameters: [Parameter]
    public var design: Design
    /// Points drawn by `random` and `lhs`; a grid has one per combination.
    public var points: Int?
    /// Share of the oracle's value a configuration must reach to count as good enough (0…1).
    public var target: Double

    public static let defaultTarget = 0.95

    public init(parameters: [Parameter], design: Design = .grid, points: Int? = nil, target: Double = defaultTarget) {
        self.parameters = parameters; self.design = design; self.points = points; self.target = target
    }

    /// The scenario's `sweep:` section with the command line's settings on top:
    /// `vary` (each `PATH=V1,V2,…`) replaces the section's `vary` when given.
    /// Every problem is reported with its position; `--vary` problems at 1:1 of the file.
    public static func read(_ scenario: Scenario, vary: [String] = [], design: Design? = nil, points: Int? = nil,
                            target: Double? = nil) throws(ScenarioError) -> SweepSpec {
        let diagnostics = Diagnostics()
        var spec = SweepSpec(parameters: [])
        if let section = scenario.sweep, var reader = MappingReader(section, what: "the 'sweep' mapping", diagnostics) {
            if let vary = reader.optionalMapping("vary") {
                for key in vary.keys {
                    guard let node = vary.peek(key) else { continue }
                    let values: [String]
                    switch node.content {
                    case .sequence(let items): values = items.compactMap { $0.scalarText(expecting: "a value", diagnostics) }
                    case .scalar: values = node.scalarText(expecting: "a value", diagnostics).map { [$0] } ?? []
                    case .mapping:
                        diagnostics.error("expected a list of values for '\(key)' like [1, 2, 4], found a mapping", at: node)
                        values = []
                    }
                    if values.isEmpty, case .sequence = node.content { diagnostics.error("'\(key)' lists no values", at: node) }
                    spec.parameters.append(Parameter(path: key, values: values))
                }
            }
            spec.design = reader.optional("design", default: spec.design)
            spec.points = reader.optional("points", as: Int.self, .within(1...100_000))
            spec.target = reader.optional("target", default: Percentage(fraction: spec.target),
                                          in: Percentage(fraction: 0)...Percentage(fraction: 10)).fraction
            reader.finish()
        }
        if !vary.isEmpty {
            spec.parameters = []
            for option in vary {
                guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
                    diagnostics.error("--vary takes PATH=V1,V2,…, found '\(option)'", at: .start(of: scenario.file))
                    continue
                }
                let values = option[option.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if values.contains(where: \.isEmpty) {
                    diagnostics.error("--vary \(option): a value is empty; separate values with single commas", at: .start(of: scenario.file))
                    continue
                }
                spec.parameters.append(Parameter(path: String(option[..<eq]), values: values))
            }
        }
        if let design { spec.design = design }
        if let points { spec.points = points }
        if let target { spec.target = target }
        if spec.parameters.isEmpty && !diagnostics.hasErrors {
            diagnostics.error("nothing to sweep: give --vary PATH=V1,V2,… or a 'sweep:' section with 'vary:'",
                              at: scenario.sweep?.location ?? .start(of: scenario.file))
        }
        for p in spec.parameters {
            do { _ = try ScenarioPath(parsing: p.path) } catch {
                diagnostics.error(error.message, at: scenario.sweep?.location ?? .start(of: scenario.file))
            }
        }
        let paths = spec.parameters.map(\.path)
        if let twice = paths.first(where: { p in paths.filter { $0 == p }.count > 1 }) {
            diagnostics.error("'\(twice)' is varied twice; give each path once", at: scenario.sweep?.location ?? .start(of: scenario.file))
        }
        if spec.design != .grid && spec.points == nil {
            diagnostics.error("a \(spec.design.rawValue) design needs a number of points: --points N or 'points:'",
                              at: scenario.sweep?.location ?? .start(of: scenario.file))
        }
        if diagnostics.hasErrors { throw ScenarioError(diagnostics.sorted) }
        return spec
    }

    /// Each run's value for every parameter, in parameter order, from the design:
    ///
    /// - `grid`: every combination, the first parameter varying slowest.
    /// - `random`: `points` draws, each value uniform over its list.
    /// - `lhs`: a Latin hypercube of `points` rows: each parameter's list is cut
    ///   into `points` equal strata, one draw per stratum, strata shuffled
    ///   independently per parameter, so every value is used about equally often.
    ///
    /// Draws come from the stream "sweep" of the scenario's seed: the same file
    /// gives the same points on every machine and every shard.
    public func assignments(seed: UInt64) -> [[String]] {
        switch design {
        case .grid:
            return parameters.reduce([[]]) { partial, p in partial.flatMap { prefix in p.values.map { prefix + [$0] } } }
        case .random:
            var rng = RandomSource(seed: seed).stream("sweep")
            return (0..<(points ?? 1)).map { _ in
                parameters.map { p in p.values[min(p.values.count - 1, Int(rng.nextUniform() * Double(p.values.count)))] }
            }
        case .lhs:
            let n = points ?? 1
            var rng = RandomSource(seed: seed).stream("sweep")
            let columns = parameters.map { p -> [String] in
                var strata = Array(0..<n)
                // Fisher–Yates with the seeded stream.
                for i in stride(from: n - 1, to: 0, by: -1) {
                    strata.swapAt(i, Int(rng.nextUniform() * Double(i + 1)))
                }
                return strata.map { s in
                    let u = (Double(s) + rng.nextUniform()) / Double(n)
                    return p.values[min(p.values.count - 1, Int(u * Double(p.values.count)))]
                }
            }
            return (0..<n).map { row in columns.map { $0[row] } }
        }
    }
}
