import Measures

/// A table of text cells, built once from the results and rendered alike as
/// Markdown and as HTML, so the two pages cannot disagree.
struct SummaryTable: Sendable {
    struct Column: Sendable {
        let header: String
        /// Numbers are right-aligned so their digits line up.
        let numeric: Bool
    }
    let columns: [Column]
    let rows: [[String]]

    init(_ columns: [(String, Bool)], rows: [[String]]) {
        self.columns = columns.map { Column(header: $0.0, numeric: $0.1) }
        self.rows = rows
    }

    /// What each engine earned and what it cost.
    static func valueAndCost(_ results: RunResults) -> SummaryTable {
        SummaryTable([("engine", false), ("kind", false), ("decisions", true), ("value ± 95% CI", true),
                      ("% of oracle", true), ("cost / day", true), ("cost / 1k predictions", true), ("value per $", true)],
                     rows: results.engines.map { e in
                         [e.name, e.kind, ReadableNumber.count(e.decisions), valueWithInterval(e),
                          ReadableNumber.percent(e.valuePctOfOracle), ReadableNumber.money(e.costPerDay),
                          ReadableNumber.money(e.costPer1kPredictions), ReadableNumber.decimal(e.valuePerDollar)]
                     })
    }

    /// How fresh, how fast and how good each engine's answers were.
    static func freshnessAndLatency(_ results: RunResults) -> SummaryTable {
        SummaryTable([("engine", false), ("on time", true), ("staleness mean", true), ("staleness p50", true),
                      ("staleness p99", true), ("latency p50", true), ("latency p99", true), ("latency p99.9", true),
                      ("AUC", true), ("failures", true), ("SLA misses", true)],
                     rows: results.engines.map { e in
                         [e.name, ReadableNumber.percent(fraction: e.onTimeRate),
                          ReadableNumber.duration(seconds: e.stalenessMeanS), ReadableNumber.duration(seconds: e.stalenessP50S),
                          ReadableNumber.duration(seconds: e.stalenessP99S),
                          ReadableNumber.latency(milliseconds: e.latencyP50Ms), ReadableNumber.latency(milliseconds: e.latencyP99Ms),
                          ReadableNumber.latency(milliseconds: e.latencyP999Ms),
                          ReadableNumber.fixed(e.auc, 3), ReadableNumber.count(e.failures), ReadableNumber.count(e.slaMisses)]
                     })
    }

    /// The expectation file's checks on this run.
    static func story(_ story: RunResults.Story) -> SummaryTable {
        SummaryTable([("engine", false), ("measure", false), ("expected", true), ("measured", true), ("verdict", false)],
                     rows: story.checks.map { c in
                         [c.engine, c.measure, c.expected, ReadableNumber.decimal(c.measured),
                          c.passed ? "held" : "did not hold"]
                     })
    }

    /// The compact table of the scenarios index: one line per engine.
    static func overview(_ results: RunResults) -> SummaryTable {
        SummaryTable([("engine", false), ("value ± 95% CI", true), ("% of oracle", true), ("cost / day", true),
                      ("value per $", true), ("on time", true), ("staleness mean", true), ("latency p99", true)],
                     rows: results.engines.map { e in
                         [e.name, valueWithInterval(e), ReadableNumber.percent(e.valuePctOfOracle),
                          ReadableNumber.money(e.costPerDay), ReadableNumber.decimal(e.valuePerDollar),
                          ReadableNumber.percent(fraction: e.onTimeRate), ReadableNumber.duration(seconds: e.stalenessMeanS),
                          ReadableNumber.latency(milliseconds: e.latencyP99Ms)]
                     })
    }

    /// The run's parameters, as (label, value) rows.
    static func parameters(_ r: RunResults) -> SummaryTable {
        SummaryTable([("parameter", false), ("value", false)], rows: [
            ["scenario file", r.scenarioFile],
            ["workload", r.workload],
            ["seed", String(r.seed)],
            ["scale", ReadableNumber.decimal(r.scale, trimmingZeros: true)],
            ["replications", ReadableNumber.count(r.replications)],
            ["horizon", ReadableNumber.duration(seconds: r.horizonSeconds, trimmingZeros: true)],
            ["warm-up", ReadableNumber.duration(seconds: r.warmupSeconds, trimmingZeros: true)],
            ["cost profile", r.costProfile],
            ["code version", r.codeVersion],
            ["scenario sha256", r.scenarioSHA256],
            ["wall time", ReadableNumber.duration(seconds: r.timing.wallSeconds) + ", started " + r.timing.startedAt],
        ])
    }

    /// "$1,234 ± $56"; the interval is left off when the run gave none.
    static func valueWithInterval(_ e: EngineResult) -> String {
        e.valueCI95 > 0 ? ReadableNumber.money(e.value) + " ± " + ReadableNumber.money(e.valueCI95) : ReadableNumber.money(e.value)
    }
}
