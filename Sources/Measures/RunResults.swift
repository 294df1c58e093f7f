/// Everything a run produced, as `results.json` holds it and as the report
/// renders it. Measures only: the report reads this and nothing else.
///
/// Wall-clock figures live under `timing`, apart, so two runs of the same
/// scenario and seed produce byte-identical files once `timing` is removed.
public struct RunResults: Codable, Sendable, Equatable {
    public var scenario: String
    public var scenarioFile: String
    public var scenarioSHA256: String
    public var description: String?
    public var workload: String
    public var seed: UInt64
    public var scale: Double
    public var replications: Int
    public var horizonSeconds: Double
    public var warmupSeconds: Double
    /// The cost profile the run's per-record and per-request costs came from.
    public var costProfile: String
    /// The price catalogue its costs came from.
    public var priceCatalog: String
    /// The code version (git describe) that produced the run.
    public var codeVersion: String
    public var engines: [EngineResult]
    /// The declared value decay, for the decay chart's overlay: (delay in seconds, remaining fraction).
    public var declaredDecay: [DecayPoint]
    /// One finding per notable comparison, produced from the numbers (never typed in).
    public var findings: [String]
    /// The story the scenario's expectation file says the report should tell, checked against this run.
    public var story: Story?
    public var timing: Timing

    /// What `FILE.expect.yaml` expects of the scenario, and whether this run bore it out.
    public struct Story: Codable, Sendable, Equatable {
        public var file: String
        /// The story in words (`story:`).
        public var summary: String?
        /// Why the run tells a different story than a practitioner expects, when it does (`note:`).
        public var note: String?
        public var checks: [Check]

        public struct Check: Codable, Sendable, Equatable {
            public var engine: String
            public var measure: String
            public var expected: String
            public var measured: Double?
            public var passed: Bool
            public init(engine: String, measure: String, expected: String, measured: Double?, passed: Bool) {
                self.engine = engine; self.measure = measure; self.expected = expected; self.measured = measured; self.passed = passed
            }
        }

        public init(file: String, summary: String?, note: String?, checks: [Check]) {
            self.file = file; self.summary = summary; self.note = note; self.checks = checks
        }

        public var held: Bool { checks.allSatisfy(\.passed) }
    }

    public struct Timing: Codable, Sendable, Equatable {
        public var wallSeconds: Double
        public var startedAt: String
        public init(wallSeconds: Double, startedAt: String) { self.wallSeconds = wallSeconds; self.startedAt = startedAt }
    }

    public struct DecayPoint: Codable, Sendable, Equatable {
        public var delaySeconds: Double
        public var remaining: Double
        public init(delaySeconds: Double, remaining: Double) { self.delaySeconds = delaySeconds; self.remaining = remaining }
        enum CodingKeys: String, CodingKey { case delaySeconds = "delay_s", remaining }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, description, workload, seed, scale, replications, engines, findings, story, timing
        case scenarioFile = "scenario_file"
        case scenarioSHA256 = "scenario_sha256"
        case horizonSeconds = "horizon_seconds"
        case warmupSeconds = "warmup_seconds"
        case costProfile = "cost_profile"
        case priceCatalog = "price_catalog"
        case codeVersion = "code_version"
        case declaredDecay = "declared_decay"
    }

    public init(scenario: String, scenarioFile: String, scenarioSHA256: String, description: String?, workload: String,
                seed: UInt64, scale: Double, replications: Int, horizonSeconds: Double, warmupSeconds: Double,
                costProfile: String, priceCatalog: String = "", codeVersion: String, engines: [EngineResult], declaredDecay: [DecayPoint],
                findings: [String], timing: Timing) {
        self.scenario = scenario; self.scenarioFile = scenarioFile; self.scenarioSHA256 = scenarioSHA256
        self.description = description; self.workload = workload; self.seed = seed; self.scale = scale
        self.replications = replications; self.horizonSeconds = horizonSeconds; self.warmupSeconds = warmupSeconds
        self.costProfile = costProfile; self.priceCatalog = priceCatalog; self.codeVersion = codeVersion; self.engines = engines
        self.declaredDecay = declaredDecay; self.findings = findings; self.timing = timing
    }
}

/// One engine's measures. Values in the workload's money unit (dollars);
/// staleness in seconds; latency in milliseconds.
public struct EngineResult: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var decisions: Int
    public var onTimeRate: Double
    public var value: Double
    public var valueCI95: Double
    public var valuePctOfOracle: Double?
    public var valueAboveBaseline: Double?
    public var costPerDay: Double
    public var costPer1kPredictions: Double
    public var valuePerDollar: Double?
    public var costBreakdown: [CostComponent]
    public var stalenessMeanS: Double?
    public var stalenessP50S: Double?
    public var stalenessP99S: Double?
    public var predictionAgeMeanS: Double?
    public var latencyP50Ms: Double
    public var latencyP95Ms: Double
    public var latencyP99Ms: Double
    public var latencyP999Ms: Double
    /// Latency measured against the live server (the engine's `latency_profile:`), beside the simulated; nil without one.
    public var measuredLatencyP50Ms: Double?
    public var measuredLatencyP99Ms: Double?
    public var measuredLatencyP999Ms: Double?
    public var auc: Double?
    public var logLoss: Double?
    public var precision: Double?
    public var recall: Double?
    public var throughputPerSecond: Double
    public var utilization: Double?
    public var fallbacks: Int
    public var failures: Int
    public var retries: Int
    public var slaMisses: Int
    public var batchRuns: Int
    public var lateEventsDropped: Int
    public var maxLagS: Double
    /// Mean staleness per equal slice of the horizon: the sawtooth.
    public var stalenessSeries: [SeriesPoint]
    /// Measured value per decision by staleness bin.
    public var valueDecay: [DecayBin]
    /// Latency percentiles for the CDF chart: (percentile, milliseconds).
    public var latencyCDF: [CDFPoint]

    public struct CostComponent: Codable, Sendable, Equatable {
        public var component: String
        public var perDay: Double
        public init(component: String, perDay: Double) { self.component = component; self.perDay = perDay }
        enum CodingKeys: String, CodingKey { case component, perDay = "per_day" }
    }
    public struct SeriesPoint: Codable, Sendable, Equatable {
        public var timeS: Double
        public var value: Double
        public init(timeS: Double, value: Double) { self.timeS = timeS; self.value = value }
        enum CodingKeys: String, CodingKey { case timeS = "time_s", value }
    }
    public struct DecayBin: Codable, Sendable, Equatable {
        public var stalenessUpToS: Double
        public var meanValue: Double
        public var decisions: Int
        public init(stalenessUpToS: Double, meanValue: Double, decisions: Int) {
            self.stalenessUpToS = stalenessUpToS; self.meanValue = meanValue; self.decisions = decisions
        }
        enum CodingKeys: String, CodingKey { case stalenessUpToS = "staleness_up_to_s", meanValue = "mean_value", decisions }
    }
    public struct CDFPoint: Codable, Sendable, Equatable {
        public var percentile: Double
        public var latencyMs: Double
        public init(percentile: Double, latencyMs: Double) { self.percentile = percentile; self.latencyMs = latencyMs }
        enum CodingKeys: String, CodingKey { case percentile, latencyMs = "latency_ms" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, decisions, value, auc, precision, recall, fallbacks, failures, retries, utilization
        case onTimeRate = "on_time_rate"
        case valueCI95 = "value_ci95"
        case valuePctOfOracle = "value_pct_of_oracle"
        case valueAboveBaseline = "value_above_baseline"
        case costPerDay = "cost_per_day"
        case costPer1kPredictions = "cost_per_1k_predictions"
        case valuePerDollar = "value_per_dollar"
        case costBreakdown = "cost_breakdown"
        case stalenessMeanS = "staleness_mean_s"
        case stalenessP50S = "staleness_p50_s"
        case stalenessP99S = "staleness_p99_s"
        case predictionAgeMeanS = "prediction_age_mean_s"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP95Ms = "latency_p95_ms"
        case latencyP99Ms = "latency_p99_ms"
        case latencyP999Ms = "latency_p999_ms"
        case measuredLatencyP50Ms = "measured_latency_p50_ms"
        case measuredLatencyP99Ms = "measured_latency_p99_ms"
        case measuredLatencyP999Ms = "measured_latency_p999_ms"
        case logLoss = "log_loss"
        case throughputPerSecond = "throughput_per_second"
        case slaMisses = "sla_misses"
        case batchRuns = "batch_runs"
        case lateEventsDropped = "late_events_dropped"
        case maxLagS = "max_lag_s"
        case stalenessSeries = "staleness_series"
        case valueDecay = "value_decay"
        case latencyCDF = "latency_cdf"
    }

    public init(name: String, kind: String) {
        self.name = name; self.kind = kind
        decisions = 0; onTimeRate = 0; value = 0; valueCI95 = 0; costPerDay = 0; costPer1kPredictions = 0
        costBreakdown = []; latencyP50Ms = 0; latencyP95Ms = 0; latencyP99Ms = 0; latencyP999Ms = 0
        throughputPerSecond = 0; fallbacks = 0; failures = 0; retries = 0; slaMisses = 0; batchRuns = 0
        lateEventsDropped = 0; maxLagS = 0; stalenessSeries = []; valueDecay = []; latencyCDF = []
    }
}

import Foundation

extension EngineResult {
    /// Every scalar measure under its results.json name (nil where unmeasured):
    /// what the results database stores and what expectations and comparisons read.
    public var scalarMeasures: [(String, Double?)] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let data = try? encoder.encode(self),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return object.keys.sorted().compactMap { key in
            switch object[key] {
            case let n as NSNumber: (key, n.doubleValue)
            case is NSNull: (key, nil)
            default: nil
            }
        }
    }

    /// The names of every scalar measure an engine result can carry.
    public static var scalarMeasureNames: [String] {
        let lists: Set<CodingKeys> = [.name, .kind, .costBreakdown, .stalenessSeries, .valueDecay, .latencyCDF]
        return CodingKeys.allCases.filter { !lists.contains($0) }.map(\.rawValue).sorted()
    }

    /// One scalar measure by its results.json name.
    public func measure(_ name: String) -> Double?? {
        scalarMeasures.first { $0.0 == name }.map { $0.1 }
    }
}
