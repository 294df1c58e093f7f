import Engines
import Foundation
import ScenarioSpec
import SimKernel
import Statistics
import Workloads

/// Assembles `RunResults` from what a run (or its replications) measured:
/// every figure comes from the measures, the engines' counters and the cost
/// model; the findings are sentences generated from those figures.
public struct ResultsBuilder {
    public struct EngineRun {
        public var name: String
        public var kind: EngineKind
        /// One per replication.
        public var measures: [EngineMeasures]
        public var counters: [EngineCounters]
        public var cost: [EngineResult.CostComponent]
        public init(name: String, kind: EngineKind, measures: [EngineMeasures], counters: [EngineCounters],
                    cost: [EngineResult.CostComponent]) {
            self.name = name; self.kind = kind; self.measures = measures; self.counters = counters; self.cost = cost
        }
    }

    public static func engineResult(_ run: EngineRun, horizonSeconds: Double) -> EngineResult {
        var merged = run.measures[0]
        for m in run.measures.dropFirst() { merged.merge(m) }
        let r = Double(run.measures.count)
        var e = EngineResult(name: run.name, kind: run.kind.rawValue)
        e.decisions = merged.decisions / run.measures.count
        e.onTimeRate = merged.decisions > 0 ? Double(merged.onTime) / Double(merged.decisions) : 0
        // Value per replication; its CI from replications, or from batch means over time for one run.
        if run.measures.count > 1 {
            let ci = ConfidenceInterval(replications: run.measures.map(\.value))
            e.value = ci.mean
            e.valueCI95 = ci.halfWidth
        } else {
            e.value = merged.value
            e.valueCI95 = merged.valueInterval.halfWidth
        }
        let days = horizonSeconds / 86_400
        e.costBreakdown = run.cost
        e.costPerDay = run.cost.reduce(0) { $0 + $1.perDay }
        let decisionsPerDay = Double(e.decisions) / days
        e.costPer1kPredictions = decisionsPerDay > 0 ? e.costPerDay / decisionsPerDay * 1000 : 0
        e.valuePerDollar = e.costPerDay > 0 ? (e.value / days) / e.costPerDay : nil
        if merged.stalenessMoments.count > 0 {
            e.stalenessMeanS = merged.stalenessMoments.mean
            e.stalenessP50S = Double(merged.staleness.percentile(50)) / 1e6
            e.stalenessP99S = Double(merged.staleness.percentile(99)) / 1e6
        }
        if merged.predictionAge.count > 0 { e.predictionAgeMeanS = merged.predictionAge.mean / 1e6 }
        e.latencyP50Ms = Double(merged.latency.percentile(50)) / 1e3
        e.latencyP95Ms = Double(merged.latency.percentile(95)) / 1e3
        e.latencyP99Ms = Double(merged.latency.percentile(99)) / 1e3
        e.latencyP999Ms = Double(merged.latency.percentile(99.9)) / 1e3
        e.auc = merged.quality.auc
        e.logLoss = merged.quality.meanLogLoss
        e.precision = merged.quality.precision
        e.recall = merged.quality.recall
        e.throughputPerSecond = Double(e.decisions) / horizonSeconds
        let c = run.counters
        func total(_ key: KeyPath<EngineCounters, Int>) -> Int { c.reduce(0) { $0 + $1[keyPath: key] } / c.count }
        let capacity = c.reduce(0.0) { $0 + $1.capacitySeconds }
        e.utilization = capacity > 0 ? c.reduce(0.0) { $0 + $1.busySeconds } / capacity : nil
        e.fallbacks = merged.fallbacks / run.measures.count
        e.failures = total(\.failures)
        e.retries = total(\.retries)
        e.slaMisses = total(\.slaMisses)
        e.batchRuns = total(\.batchRuns)
        e.lateEventsDropped = total(\.lateEventsDropped)
        e.maxLagS = c.map(\.maxLagSeconds).max() ?? 0
        let slice = horizonSeconds / Double(EngineMeasures.buckets)
        e.stalenessSeries = merged.stalenessByBucket.enumerated().compactMap { i, m in
            m.count > 0 ? .init(timeS: (Double(i) + 0.5) * slice, value: m.mean) : nil
        }
        e.valueDecay = merged.decay.points.map { .init(stalenessUpToS: $0.edge, meanValue: $0.meanValue, decisions: $0.count) }
        e.latencyCDF = merged.latency.count > 0
            ? [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99].map { .init(percentile: $0, latencyMs: Double(merged.latency.percentile($0)) / 1e3) }
            : []
        _ = r
        return e
    }

    /// Fills in the comparisons that need every engine: % of oracle, value above baseline.
    public static func compare(_ engines: inout [EngineResult]) {
        let oracle = engines.first { $0.kind == EngineKind.oracle.rawValue }?.value
        let baseline = engines.first { $0.kind == EngineKind.baseline.rawValue }?.value
        for i in engines.indices {
            if let oracle, oracle != 0 { engines[i].valuePctOfOracle = 100 * engines[i].value / oracle }
            if let baseline { engines[i].valueAboveBaseline = engines[i].value - baseline }
        }
    }

    /// Plain sentences from the figures: who captured what share of the
    /// bound, at what cost, and what the best value per dollar was.
    public static func findings(_ engines: [EngineResult], horizonSeconds: Double) -> [String] {
        var out: [String] = []
        let real = engines.filter { $0.kind != EngineKind.oracle.rawValue && $0.kind != EngineKind.baseline.rawValue }
        for e in real.sorted(by: { $0.value > $1.value }) {
            var s = "\(e.name) (\(e.kind)) captured " + (e.valuePctOfOracle.map { String(format: "%.1f%% of the oracle's value", $0) } ?? String(format: "%.0f in value", e.value))
            s += String(format: " at $%.2f a day", e.costPerDay)
            if let stale = e.stalenessMeanS { s += ", with features \(humanDuration(stale)) old on average" }
            if e.slaMisses > 0 { s += ", and missed its deadline \(e.slaMisses) time\(e.slaMisses == 1 ? "" : "s")" }
            out.append(s + ".")
        }
        if let best = real.filter({ $0.valuePerDollar != nil }).max(by: { $0.valuePerDollar! < $1.valuePerDollar! }) {
            out.append(String(format: "Best value per dollar: %@ (%.0f of value per dollar spent).", best.name, best.valuePerDollar!))
        }
        if let top = real.max(by: { $0.value < $1.value }), let cheap = real.filter({ ($0.valuePctOfOracle ?? 0) >= 0.9 * (top.valuePctOfOracle ?? 0) })
            .min(by: { $0.costPerDay < $1.costPerDay }), cheap.name != top.name {
            out.append(String(format: "%@ reaches %.0f%% of %@'s value for %.0f%% of its cost.", cheap.name,
                              100 * cheap.value / max(top.value, 1e-9), top.name, 100 * cheap.costPerDay / max(top.costPerDay, 1e-9)))
        }
        return out
    }

    static func humanDuration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: String(format: "%.0f ms", seconds * 1000)
        case ..<120: String(format: "%.1f s", seconds)
        case ..<7200: String(format: "%.0f min", seconds / 60)
        case ..<172_800: String(format: "%.1f h", seconds / 3600)
        default: String(format: "%.1f days", seconds / 86_400)
        }
    }
}
