import Foundation
import Measures
import Report

/// A sweep's outcome: every (run, engine) configuration with its measures,
/// the value-versus-cost Pareto frontier, the cheapest configuration that
/// reaches the target share of the oracle's value, and the knee. A pure
/// function of the runs, so one machine and merged shards agree byte for byte.
///
///     let results = SweepResults(identity: sweep.identity, runs: records)
///     results.pareto.map { results.points[$0].engine }
public struct SweepResults: Codable, Sendable, Equatable {
    public var scenario: String
    public var scenarioFile: String
    public var seed: UInt64
    public var design: SweepSpec.Design
    public var target: Double
    public var parameters: [SweepSpec.Parameter]
    public var runs: [Run]
    /// One per run and engine, oracle and baseline left out (they are bounds, not configurations).
    public var points: [Point]
    /// Indices into `points`, cheapest first. A point repeating an earlier
    /// point's engine and figures exactly (an engine the varied values do
    /// not touch) is listed once, at its first index.
    public var pareto: [Int]
    public var cheapestAtTarget: Choice?
    /// Why there is no cheapest point at the target, when there is none.
    public var cheapestAtTargetNote: String?
    public var knee: Int?

    public struct Run: Codable, Sendable, Equatable {
        public var index: Int
        public var assignment: [String: String]
        public var oracleValue: Double?
        enum CodingKeys: String, CodingKey { case index, assignment, oracleValue = "oracle_value" }
    }

    public struct Point: Codable, Sendable, Equatable {
        public var run: Int
        public var assignment: [String: String]
        public var engine: String
        public var kind: String
        public var measures: Measures

        public init(run: Int, assignment: [String: String], engine: String, kind: String, measures: Measures) {
            self.run = run; self.assignment = assignment; self.engine = engine; self.kind = kind; self.measures = measures
        }
    }

    /// The measures a sweep compares, by their results.json names.
    public struct Measures: Codable, Sendable, Equatable {
        public var value: Double
        public var valuePctOfOracle: Double?
        public var costPerDay: Double
        public var valuePerDollar: Double?
        public var stalenessMeanS: Double?
        public var latencyP99Ms: Double
        public var onTimeRate: Double
        public var slaMisses: Int
        public var decisions: Int

        public init(value: Double, valuePctOfOracle: Double?, costPerDay: Double, valuePerDollar: Double? = nil,
                    stalenessMeanS: Double? = nil, latencyP99Ms: Double = 0, onTimeRate: Double = 1, slaMisses: Int = 0,
                    decisions: Int = 1) {
            self.value = value; self.valuePctOfOracle = valuePctOfOracle; self.costPerDay = costPerDay
            self.valuePerDollar = valuePerDollar; self.stalenessMeanS = stalenessMeanS; self.latencyP99Ms = latencyP99Ms
            self.onTimeRate = onTimeRate; self.slaMisses = slaMisses; self.decisions = decisions
        }

        init(_ e: EngineResult) {
            self.init(value: e.value, valuePctOfOracle: e.valuePctOfOracle, costPerDay: e.costPerDay, valuePerDollar: e.valuePerDollar,
                      stalenessMeanS: e.stalenessMeanS, latencyP99Ms: e.latencyP99Ms, onTimeRate: e.onTimeRate,
                      slaMisses: e.slaMisses, decisions: e.decisions)
        }

        enum CodingKeys: String, CodingKey {
            case value, decisions
            case valuePctOfOracle = "value_pct_of_oracle"
            case costPerDay = "cost_per_day"
            case valuePerDollar = "value_per_dollar"
            case stalenessMeanS = "staleness_mean_s"
            case latencyP99Ms = "latency_p99_ms"
            case onTimeRate = "on_time_rate"
            case slaMisses = "sla_misses"
        }
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var point: Int
        public var engine: String
        public var assignment: [String: String]
        public var costPerDay: Double
        public var valuePctOfOracle: Double
        enum CodingKeys: String, CodingKey {
            case point, engine, assignment
            case costPerDay = "cost_per_day"
            case valuePctOfOracle = "value_pct_of_oracle"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, seed, design, target, parameters, runs, points, pareto, knee
        case scenarioFile = "scenario_file"
        case cheapestAtTarget = "cheapest_at_target"
        case cheapestAtTargetNote = "cheapest_at_target_note"
    }

    /// Analyses finished runs (any order; they are sorted by run number).
    public init(identity: SweepIdentity, runs records: [SweepRunRecord]) {
        let records = records.sorted { $0.index < $1.index }
        scenario = identity.scenario
        scenarioFile = identity.scenarioFile
        seed = identity.seed
        design = identity.spec.design
        target = identity.spec.target
        parameters = identity.spec.parameters
        let paths = identity.spec.parameters.map(\.path)
        runs = records.map { r in
            Run(index: r.index, assignment: Dictionary(uniqueKeysWithValues: zip(paths, r.assignment)),
                oracleValue: r.results.engines.first { $0.kind == "oracle" }?.value)
        }
        points = records.flatMap { r in
            r.results.engines.filter { $0.kind != "oracle" && $0.kind != "baseline" }.map { e in
                Point(run: r.index, assignment: Dictionary(uniqueKeysWithValues: zip(paths, r.assignment)),
                      engine: e.name, kind: e.kind, measures: Measures(e))
            }
        }
        pareto = Self.pareto(points)
        (cheapestAtTarget, cheapestAtTargetNote) = Self.cheapest(points, target: target, hasOracle: runs.contains { $0.oracleValue != nil })
        knee = Self.knee(points, frontier: pareto)
    }

    // MARK: Analysis

    /// The Pareto frontier by `paretoFrontier` (the report's), over points
    /// with decisions, exact repeats of an engine's figures counted once.
    public static func pareto(_ points: [Point]) -> [Int] {
        var firstOfKind: [String: Int] = [:]
        let distinct = points.indices.filter { i in
            let m = points[i].measures
            guard m.decisions > 0 else { return false }
            let key = "\(points[i].engine)|\(m.value)|\(m.costPerDay)|\(m.stalenessMeanS ?? -1)|\(m.latencyP99Ms)"
            if firstOfKind[key] == nil { firstOfKind[key] = i; return true }
            return false
        }
        return paretoFrontier(distinct, cost: { points[$0].measures.costPerDay }, value: { points[$0].measures.value })
    }

    /// The cheapest point at or above `target` of the oracle's value; ties go
    /// to more value, then the earlier point.
    public static func cheapest(_ points: [Point], target: Double, hasOracle: Bool = true) -> (Choice?, String?) {
        guard hasOracle else { return (nil, "the scenario has no oracle engine, so no share of its value can be measured") }
        let reaching = points.indices.filter { (points[$0].measures.valuePctOfOracle ?? -.infinity) >= 100 * target && points[$0].measures.decisions > 0 }
        guard let best = reaching.min(by: { a, b in
            let (x, y) = (points[a].measures, points[b].measures)
            return (x.costPerDay, -x.value, a) < (y.costPerDay, -y.value, b)
        }) else {
            let top = points.compactMap(\.measures.valuePctOfOracle).max()
            return (nil, "no configuration reaches \(percent(100 * target)) of the oracle's value"
                         + (top.map { "; the best reaches \(percent($0))" } ?? ""))
        }
        let p = points[best]
        return (Choice(point: best, engine: p.engine, assignment: p.assignment, costPerDay: p.measures.costPerDay,
                       valuePctOfOracle: p.measures.valuePctOfOracle!), nil)
    }

    /// The knee of the frontier: with cost on a log scale (linear if any cost
    /// is not positive) and both axes scaled to 0…1 between the frontier's
    /// cheapest and most valuable points, the interior point farthest above
    /// the straight line joining them — where more money starts buying
    /// markedly less value (Kneedle: Satopää et al., "Finding a 'Kneedle' in
    /// a Haystack", ICDCS workshops 2011). Nil with fewer than three frontier
    /// points or none above the line.
    public static func knee(_ points: [Point], frontier: [Int]) -> Int? {
        guard frontier.count >= 3 else { return nil }
        let logCost = frontier.allSatisfy { points[$0].measures.costPerDay > 0 }
        let x = frontier.map { logCost ? log10(points[$0].measures.costPerDay) : points[$0].measures.costPerDay }
        let y = frontier.map { points[$0].measures.value }
        let (x0, x1, y0, y1) = (x.first!, x.last!, y.first!, y.last!)
        guard x1 > x0, y1 > y0 else { return nil }
        var best: (gap: Double, index: Int)?
        for k in 1..<(frontier.count - 1) {
            let gap = (y[k] - y0) / (y1 - y0) - (x[k] - x0) / (x1 - x0)
            if gap > 0, gap > (best?.gap ?? 0) { best = (gap, frontier[k]) }
        }
        return best?.index
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x) }

    // MARK: JSON

    /// Sorted keys and indentation, so equal results are equal bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

extension SweepResults {
    /// The terminal summary: one line per configuration, then the decision.
    public var text: String {
        var lines = ["\(scenario): \(runs.count) runs × engines = \(points.count) configurations (\(design.rawValue), seed \(seed))"]
        let params = parameters.map(\.path)
        lines.append(" #  engine       " + params.map { $0.padding(toLength: max(12, $0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
                     + "        value  % oracle     $/day   value/$")
        for (i, p) in points.enumerated() {
            let m = p.measures
            let cells = params.map { ($0, p.assignment[$0] ?? "") }.map { $1.padding(toLength: max(12, $0.count), withPad: " ", startingAt: 0) }
            let marks = (pareto.contains(i) ? " P" : "") + (knee == i ? " knee" : "") + (cheapestAtTarget?.point == i ? " cheapest" : "")
            lines.append(String(format: "%2d  ", i) + p.engine.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + cells.joined(separator: " ")
                         + String(format: " %12.0f ", m.value) + pad(m.valuePctOfOracle.map { String(format: "%.1f%%", $0) } ?? "—", 8)
                         + String(format: " %9.2f ", m.costPerDay) + pad(m.valuePerDollar.map { String(format: "%.0f", $0) } ?? "—", 9) + marks)
        }
        lines.append("Pareto frontier (P): " + pareto.map(String.init).joined(separator: ", "))
        if let c = cheapestAtTarget {
            lines.append(String(format: "cheapest at %.0f%% of the oracle: #%d %@ (%@) at $%.2f/day, %.1f%%", 100 * target, c.point, c.engine,
                                SweepReport.describe(c.assignment, parameters), c.costPerDay, c.valuePctOfOracle))
        } else {
            lines.append("cheapest at \(String(format: "%.0f%%", 100 * target)): none — \(cheapestAtTargetNote ?? "")")
        }
        lines.append(knee.map { "knee: #\($0) \(points[$0].engine) (\(SweepReport.describe(points[$0].assignment, parameters)))" }
                     ?? "knee: none (fewer than three frontier points, or none above the chord)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
