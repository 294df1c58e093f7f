import Engines
import Foundation
import Measures
import ScenarioSpec
import SimKernel
import Workloads

/// The five-axis matrix teams use to choose a serving tempo (DESIGN.md,
/// "What practitioners decide by"), scored from a scenario's own parameters.
///
///     let matrix = try DecisionMatrix(path: "Scenarios/fraud.yaml")
///     for a in matrix.axes { print(a.axis.title, a.score, a.reason) }
///     print(matrix.recommendation)     // .realTime for the shipped fraud scenario
///
/// Every axis scores in −1…+1: −1 leans batch, +1 leans real time. Four axes
/// map one quantity through `logScore`: +1 at or below a real-time anchor,
/// −1 at or beyond a batch anchor, linear in the logarithm between, so each
/// factor of ten moves the score by the same amount. The rules (`Axis.rule`)
/// are printed by `tempo recommend --help` and the README.
///
/// The recommendation adds the five scores: a total ≥ +1.5 is `real-time`,
/// ≤ −1.5 `batch`, anything between `hybrid` (the axes disagree, or none
/// leans far: keep a batch layer and add a fresh one where it pays).
public struct DecisionMatrix: Sendable {
    public var axes: [AxisScore]

    public static let decisiveTotal = 1.5

    public var total: Double { axes.reduce(0) { $0 + $1.score } }

    public var recommendation: Tempo {
        if total >= Self.decisiveTotal { return .realTime }
        if total <= -Self.decisiveTotal { return .batch }
        return .hybrid
    }

    public init(axes: [AxisScore]) { self.axes = axes }

    /// Scores a scenario file. Only the workload's and engines' parameters and
    /// the prices are read — not the feature views — so a workload the engines
    /// cannot run yet is still scored.
    ///
    ///     let matrix = try DecisionMatrix(path: "Scenarios/churn.yaml")
    public init(path: String) throws(ScenarioError) {
        try self.init(Scenario.load(path: path))
    }

    public init(_ scenario: Scenario) throws(ScenarioError) {
        let diagnostics = Diagnostics()
        let workload = WorkloadFactory.read(scenario, diagnostics)
        let configurations = EngineConfiguration.readAll(scenario, diagnostics)
        guard let workload, let configurations, !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        let catalog = try PriceCatalog.load(for: scenario)
        let engines = zip(scenario.engines, configurations).map { (name: $0.name, kind: $0.kind, configuration: $1.0, resources: $1.1) }
        axes = [
            Self.valueDecay(workload.shelfLife),
            Self.actionability(workload.actionWindow),
            Self.refresh(workload.sources),
            Self.costTolerance(budget: scenario.budget, alwaysOn: Self.alwaysOnCosts(engines, workload, catalog)),
            Self.computeProfile(configurations.map(\.0)),
        ]
    }

    // MARK: The rules, one per axis

    /// +1 when `x ≤ realTime`, −1 when `x ≥ batch`, linear in log x between.
    /// With `realTime > batch` the scale runs the other way (more is real time).
    public static func logScore(_ x: Double, realTimeAt realTime: Double, batchAt batch: Double) -> Double {
        guard x > 0 else { return realTime < batch ? 1 : -1 }
        let t = (log(x) - log(realTime)) / (log(batch) - log(realTime))
        return 1 - 2 * min(1, max(0, t))
    }

    public static func valueDecay(_ life: ShelfLife) -> AxisScore {
        let score = logScore(life.duration.seconds, realTimeAt: 60, batchAt: 86_400)
        return AxisScore(axis: .valueDecay, score: score, quantity: life.duration.seconds,
                         reason: "a prediction keeps its worth for about \(life.duration) (\(life.because))")
    }

    public static func actionability(_ window: SimDuration) -> AxisScore {
        let score = logScore(window.seconds, realTimeAt: 1, batchAt: 3600)
        let how = score > 0.5 ? "it must follow the event at once" : score < -0.5 ? "it can be scheduled" : "minutes: either can meet it"
        return AxisScore(axis: .actionability, score: score, quantity: window.seconds,
                         reason: "action_window \(window): \(how)")
    }

    public static func refresh(_ sources: [SourceTiming]) -> AxisScore {
        let keys = sources.filter(\.isKey)
        guard let slowest = keys.max(by: { $0.refreshInterval < $1.refreshInterval }) else {
            return AxisScore(axis: .refresh, score: 0, quantity: nil, reason: "the workload declares no key source: neutral")
        }
        let interval = slowest.refreshInterval
        let score = logScore(interval.seconds, realTimeAt: 60, batchAt: 86_400)
        let how: String
        switch slowest.delay {
        case .dailyDump(let at): how = "lands as a daily dump at \(TimeOfDay(hour: Int(at.seconds) / 3600, minute: Int(at.seconds) % 3600 / 60))"
        case .none: how = "arrives the moment it happens"
        case .lognormal(let median, _): how = "arrives \(median) after it happens (median)"
        }
        let names = keys.map(\.name).joined(separator: ", ")
        return AxisScore(axis: .refresh, score: score, quantity: interval.seconds,
                         reason: "key source \(slowest.name) \(how)" + (keys.count > 1 ? " (key sources: \(names); the slowest counts)" : ""))
    }

    /// An always-on engine's estimated cost per day, for the cost axis.
    public struct AlwaysOnCost: Sendable, Equatable {
        public var engine: String
        public var perDay: Double
        public var declared: Bool
    }

    public static func costTolerance(budget: MoneyRate?, alwaysOn: [AlwaysOnCost]) -> AxisScore {
        guard let budget else {
            return AxisScore(axis: .cost, score: 0, quantity: nil,
                             reason: "no budget declared: cost tolerance unknown, neutral (add `budget: $…/d` to weigh it)")
        }
        let perDay = budget.dollarsPerHour * 24
        guard let cheapest = alwaysOn.min(by: { $0.perDay < $1.perDay }), cheapest.perDay > 0 else {
            return AxisScore(axis: .cost, score: 1, quantity: nil,
                             reason: "budget \(money(perDay))/d, and always-on serving costs nothing here")
        }
        let ratio = perDay / cheapest.perDay
        let score = logScore(ratio, realTimeAt: 4, batchAt: 1)
        let what = cheapest.declared ? "the cheapest always-on engine, \(cheapest.engine)," : "a default real-time pool (none declared)"
        return AxisScore(axis: .cost, score: score, quantity: ratio,
                         reason: "budget \(money(perDay))/d is \(String(format: "%.1f", ratio))× the \(money(cheapest.perDay))/d \(what) costs"
                             + (ratio < 1 ? ": always-on serving does not fit" : ""))
    }

    public static func computeProfile(_ configurations: [EngineConfiguration]) -> AxisScore {
        var service: SimDuration?
        var perRecord: SimDuration?
        for c in configurations {
            switch c {
            case .realtime(let r): service = min(service ?? r.service.mean, r.service.mean)
            case .batch(let b): perRecord = min(perRecord ?? b.perRecord, b.perRecord)
            case .lambda(let l): perRecord = min(perRecord ?? l.batch.perRecord, l.batch.perRecord)
            default: break
            }
        }
        let s = service ?? RealTimeConfiguration().service.mean
        let p = perRecord ?? BatchConfiguration().perRecord
        let single = logScore(s.seconds, realTimeAt: 0.010, batchAt: 1)
        let benefit = s.seconds / p.seconds
        let batching = logScore(benefit, realTimeAt: 2, batchAt: 100)
        let score = (single + batching) / 2
        return AxisScore(axis: .compute, score: score, quantity: s.seconds,
                         reason: "one inference on request takes \(s)\(service == nil ? " (default)" : "") [\(signed(single))]; "
                             + "in batch a record takes \(p)\(perRecord == nil ? " (default)" : ""), "
                             + String(format: "%.0f", benefit) + "× less [\(signed(batching))]; mean of the two")
    }

    /// Every always-on engine's cost per day by the cost model, with no batch
    /// jobs counted; a default real-time pool when the scenario has none.
    static func alwaysOnCosts(_ engines: [(name: String, kind: EngineKind, configuration: EngineConfiguration, resources: Resources)],
                              _ workload: any Workload, _ catalog: PriceCatalog) -> [AlwaysOnCost] {
        let model = CostModel(catalog: catalog)
        let decisions = workload.expectedDecisionsPerDay ?? 0
        func cost(_ name: String, _ kind: EngineKind, _ c: EngineConfiguration, _ r: Resources) -> Double? {
            let usage = CostModel.Usage(engine: name, kind: kind, resources: r, vcpus: c.vcpus, speedWorkers: c.speedWorkers,
                                        counters: EngineCounters(), runSeconds: 86_400, horizonSeconds: 86_400,
                                        decisionsPerDay: decisions, storageBytes: 0)
            return (try? model.perDay(usage))?.reduce(0) { $0 + $1.perDay }
        }
        let alwaysOn: Set<EngineKind> = [.realtime, .streaming, .kappa, .lambda, .rerank]
        let declared = engines.filter { alwaysOn.contains($0.kind) }.compactMap { e in
            cost(e.name, e.kind, e.configuration, e.resources).map { AlwaysOnCost(engine: e.name, perDay: $0, declared: true) }
        }
        if !declared.isEmpty { return declared }
        let fallback = cost("real-time", .realtime, .realtime(RealTimeConfiguration()), Resources.defaults(for: .realtime))
        return fallback.map { [AlwaysOnCost(engine: "real-time", perDay: $0, declared: false)] } ?? []
    }

    static func money(_ dollars: Double) -> String {
        dollars >= 100 ? String(format: "$%.0f", dollars) : String(format: "$%.2f", dollars)
    }

    static func signed(_ x: Double) -> String { String(format: "%+.2f", x) }
}

/// One axis of the matrix.
public enum Axis: String, Codable, Sendable, CaseIterable {
    case valueDecay = "business_value_decay"
    case actionability = "actionability_window"
    case refresh = "data_refresh_cadence"
    case cost = "cost_and_complexity_tolerance"
    case compute = "computational_profile"

    public var title: String {
        switch self {
        case .valueDecay: "business value decay"
        case .actionability: "actionability window"
        case .refresh: "data refresh cadence"
        case .cost: "cost & complexity tolerance"
        case .compute: "computational profile"
        }
    }

    /// The rule, as `--help` and the README print it.
    public var rule: String {
        switch self {
        case .valueDecay:
            "the workload's shelf life L of a prediction (fraud: compromise_duration; churn: intervention_half_life; "
                + "digest: freshness_half_life; ui, recsys: mean intent duration; otherwise the declared decay): "
                + "+1 if L ≤ 1m, −1 if L ≥ 1d, log-linear between"
        case .actionability:
            "the workload's action_window W: +1 if W ≤ 1s, −1 if W ≥ 1h, log-linear between"
        case .refresh:
            "the slowest key source's refresh R (its median delay; a daily dump counts as 1d): "
                + "+1 if R ≤ 1m, −1 if R ≥ 1d, log-linear between; 0 if no key source"
        case .cost:
            "the top-level budget B ($/day) over C, the cost model's price of the cheapest always-on engine "
                + "(a default real-time pool if none): −1 if B/C ≤ 1, +1 if B/C ≥ 4, log-linear between; 0 without a budget"
        case .compute:
            "mean of two scores: one inference on request S (the real-time service_time, default 2ms): +1 if S ≤ 10ms, "
                + "−1 if S ≥ 1s; and batching's saving S/P (P: batch per_record, default 200us): +1 if ≤ 2×, −1 if ≥ 100×"
        }
    }
}

/// One axis scored: −1 leans batch, +1 leans real time.
public struct AxisScore: Sendable, Equatable {
    public var axis: Axis
    public var score: Double
    /// The quantity the rule read (seconds, or a ratio for the cost axis); nil when there was none.
    public var quantity: Double?
    public var reason: String

    public init(axis: Axis, score: Double, quantity: Double?, reason: String) {
        self.axis = axis; self.score = score; self.quantity = quantity; self.reason = reason
    }

    public var leaning: String {
        score >= 0.25 ? "real-time" : score <= -0.25 ? "batch" : "neutral"
    }
}
