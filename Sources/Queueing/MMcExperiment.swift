import Statistics

/// Independent replications of an M/M/c run (seeds S, S+1, …) summarised as
/// means with 95% Student-t half-widths.
///
///     let summary = MMcExperiment(model: base, replications: 10).run()
///     print(summary.mean.meanSojourn, summary.ci95.meanSojourn)
public struct MMcExperiment: Sendable {
    public let model: MMcSimulation
    public let replications: Int

    public init(model: MMcSimulation, replications: Int) {
        precondition(replications > 0)
        self.model = model; self.replications = replications
    }

    public func run() -> MMcSummary {
        let runs = (0..<replications).map { r in
            MMcSimulation(arrivalRate: model.arrivalRate, serviceRate: model.serviceRate, servers: model.servers,
                          customers: model.customers, warmup: model.warmup, seed: model.seed &+ UInt64(r)).run()
        }
        return MMcSummary(runs: runs)
    }
}

/// Means over replications, and each measure's 95% half-width under the same name.
public struct MMcSummary: Sendable {
    public let runs: [MMcResult]
    public let mean: MMcResult
    /// Half-widths; `.infinity` with a single replication.
    public let ci95: MMcResult

    public init(runs: [MMcResult]) {
        self.runs = runs
        func stat(_ key: KeyPath<MMcResult, Double>) -> ConfidenceInterval {
            ConfidenceInterval(replications: runs.map { $0[keyPath: key] })
        }
        let fields: [WritableKeyPath<MMcResult, Double>] = [
            \.meanWait, \.meanSojourn, \.probabilityOfWaiting, \.utilization,
            \.sojournP50, \.sojournP95, \.sojournP99, \.meanInSystem, \.wallSeconds, \.makespan,
        ]
        var mean = runs[0], half = runs[0]
        for field in fields {
            let ci = stat(field)
            mean[keyPath: field] = ci.mean
            half[keyPath: field] = ci.halfWidth
        }
        mean.events = runs.reduce(0) { $0 + $1.events } / runs.count
        mean.customers = runs[0].customers
        let eps = ConfidenceInterval(replications: runs.map(\.eventsPerSecond))
        // Events/s over replications is total events over total wall time;
        // its half-width comes from the per-run rates.
        mean.wallSeconds = runs.reduce(0) { $0 + $1.wallSeconds } / Double(runs.count)
        self.mean = mean
        self.ci95 = half
        self.eventsPerSecondCI95 = eps.halfWidth
    }

    public let eventsPerSecondCI95: Double
}

extension MMcSummary {
    /// The `tempo sim mmc --json` document: the measures under their short
    /// names, and with several replications their half-widths under `ci95`.
    public struct JSON: Encodable, Sendable {
        public struct Measures: Encodable, Sendable {
            var wq, w, p_wait, utilization, w_p50, w_p95, w_p99, wall_seconds, events_per_second: Double
        }
        let customers, replications: Int
        let measures: Measures
        let ci95: Measures?

        enum Keys: String, CodingKey {
            case customers, replications, ci95
            case wq, w, p_wait, utilization, w_p50, w_p95, w_p99, wall_seconds, events_per_second
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(customers, forKey: .customers)
            try c.encode(replications, forKey: .replications)
            try measures.encode(into: &c)
            if let ci95 {
                var nested = c.nestedContainer(keyedBy: Keys.self, forKey: .ci95)
                try ci95.encode(into: &nested)
            }
        }
    }

    public var json: JSON {
        func measures(_ r: MMcResult, eventsPerSecond: Double) -> JSON.Measures {
            JSON.Measures(wq: r.meanWait, w: r.meanSojourn, p_wait: r.probabilityOfWaiting, utilization: r.utilization,
                          w_p50: r.sojournP50, w_p95: r.sojournP95, w_p99: r.sojournP99,
                          wall_seconds: r.wallSeconds, events_per_second: eventsPerSecond)
        }
        return JSON(customers: mean.customers, replications: runs.count,
                    measures: measures(mean, eventsPerSecond: mean.eventsPerSecond),
                    ci95: runs.count > 1 ? measures(ci95, eventsPerSecond: eventsPerSecondCI95) : nil)
    }
}

extension MMcSummary.JSON.Measures {
    func encode(into c: inout KeyedEncodingContainer<MMcSummary.JSON.Keys>) throws {
        try c.encode(wq, forKey: .wq)
        try c.encode(w, forKey: .w)
        try c.encode(p_wait, forKey: .p_wait)
        try c.encode(utilization, forKey: .utilization)
        try c.encode(w_p50, forKey: .w_p50)
        try c.encode(w_p95, forKey: .w_p95)
        try c.encode(w_p99, forKey: .w_p99)
        try c.encode(wall_seconds, forKey: .wall_seconds)
        try c.encode(events_per_second, forKey: .events_per_second)
    }
}
