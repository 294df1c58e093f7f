import Foundation
import Measures
import Report

/// The matrix's answer set beside what the simulation measured: the engine
/// with the best value per dollar (among those within the budget, when the
/// scenario declares one), whether its tempo is the one recommended, and
/// when not, the axis that pulled the matrix the wrong way.
///
///     let r = Recommendation(matrix: matrix, results: outcome.results, budgetPerDay: 50)
///     print(r.agrees == true ? "the simulation agrees" : r.misled ?? "")
public struct Recommendation: Sendable, Encodable {
    public var matrix: DecisionMatrix
    public var simulationBest: SimulationBest?
    /// nil without a simulation, or when no engine qualified.
    public var agrees: Bool?
    /// The axis that pulled hardest toward the wrong answer, when they disagree.
    public var misledBy: Axis?
    /// One sentence on the comparison.
    public var verdict: String?

    public struct SimulationBest: Sendable, Codable, Equatable {
        public var engine: String
        public var kind: String
        public var tempo: Tempo
        public var valuePerDollar: Double
        public var valuePctOfOracle: Double?
        public var costPerDay: Double

        enum CodingKeys: String, CodingKey {
            case engine, kind, tempo
            case valuePerDollar = "value_per_dollar"
            case valuePctOfOracle = "value_pct_of_oracle"
            case costPerDay = "cost_per_day"
        }
    }

    /// The matrix alone (`--no-sim`).
    public init(matrix: DecisionMatrix) { self.matrix = matrix }

    public init(matrix: DecisionMatrix, results: RunResults, budgetPerDay: Double?) {
        self.matrix = matrix
        let candidates = results.engines.filter { e in
            Tempo(engineKind: e.kind) != nil && e.decisions > 0 && e.valuePerDollar != nil
                && budgetPerDay.map { e.costPerDay <= $0 } ?? true
        }
        // Ties: more value, then the name, so the answer never depends on the engine list's order.
        let best = candidates.max { a, b in
            (a.valuePerDollar!, a.value, b.name) < (b.valuePerDollar!, b.value, a.name)
        }
        guard let best, let tempo = Tempo(engineKind: best.kind) else {
            let why = budgetPerDay.map { String(format: "no engine with decisions costs at most $%.2f a day", $0) }
                ?? "no engine answered a decision"
            verdict = "The simulation names no best engine: \(why)."
            return
        }
        simulationBest = SimulationBest(engine: best.name, kind: best.kind, tempo: tempo, valuePerDollar: best.valuePerDollar!,
                                        valuePctOfOracle: best.valuePctOfOracle, costPerDay: best.costPerDay)
        let recommended = matrix.recommendation
        agrees = tempo == recommended
        let figures = "\(ReadableNumber.grouped(best.valuePerDollar!, fractionDigits: 0)) of value per dollar"
            + (best.valuePctOfOracle.map { String(format: ", %.1f%% of the oracle's value", $0) } ?? "")
            + String(format: ", $%.2f a day", best.costPerDay)
        let within = budgetPerDay == nil ? "" : " within the budget"
        let label = best.kind == tempo.rawValue ? best.kind : "\(best.kind), \(tempo.rawValue)"
        // Value per dollar favours a cheap engine that earns little: name the top earner beside it.
        var context = ""
        if let top = candidates.max(by: { ($0.value, $1.name) < ($1.value, $0.name) }), top.name != best.name {
            context = " For comparison, \(top.name) (\(top.kind)) earns the most\(within)"
                + (top.valuePctOfOracle.map { String(format: ", %.1f%% of the oracle's value,", $0) } ?? "")
                + String(format: " at $%.2f a day.", top.costPerDay)
        }
        if agrees == true {
            verdict = "The simulation agrees: \(best.name) (\(label)) has the best value per dollar\(within) — \(figures).\(context)"
        } else {
            // The axis whose score pushed furthest from the measured answer towards the recommended one.
            let away = recommended.direction - tempo.direction
            let culprit = matrix.axes.max { ($0.score * away, $1.axis.rawValue) < ($1.score * away, $0.axis.rawValue) }!
            misledBy = culprit.axis
            verdict = "The simulation disagrees: \(best.name) (\(label)) has the best value per dollar\(within) — \(figures). "
                + "The \(culprit.axis.title) axis misled the matrix: it scored \(DecisionMatrix.signed(culprit.score)) "
                + "toward \(culprit.score >= 0 ? "real time" : "batch") because \(culprit.reason).\(context)"
        }
    }

    enum CodingKeys: String, CodingKey {
        case axes, recommendation, total
        case simulationBest = "simulation_best"
        case agrees
        case misledBy = "misled_by"
        case verdict
    }

    struct AxisJSON: Encodable { var score: Double; var leaning: String; var reason: String; var rule: String }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Dictionary(uniqueKeysWithValues: matrix.axes.map {
            ($0.axis.rawValue, AxisJSON(score: $0.score, leaning: $0.leaning, reason: $0.reason, rule: $0.axis.rule))
        }), forKey: .axes)
        try c.encode(matrix.recommendation, forKey: .recommendation)
        try c.encode(matrix.total, forKey: .total)
        // Present but null without a simulation, so readers find every key.
        try c.encode(simulationBest, forKey: .simulationBest)
        try c.encode(agrees, forKey: .agrees)
        try c.encode(misledBy, forKey: .misledBy)
        try c.encode(verdict, forKey: .verdict)
    }

    /// The terminal text: one line per axis with its score and reason, then the verdict.
    public var text: String {
        var lines = ["axis                          score  leans      reason"]
        for a in matrix.axes {
            lines.append(a.axis.title.padding(toLength: 29, withPad: " ", startingAt: 0) + " "
                         + String(format: "%+5.2f", a.score) + "  " + a.leaning.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + " " + a.reason)
        }
        lines.append(String(format: "total %+.2f → recommendation: %@ (≥ +%.1f real-time, ≤ −%.1f batch, else hybrid)",
                            matrix.total, matrix.recommendation.rawValue, DecisionMatrix.decisiveTotal, DecisionMatrix.decisiveTotal))
        if let verdict { lines.append(verdict) }
        return lines.joined(separator: "\n")
    }
}
