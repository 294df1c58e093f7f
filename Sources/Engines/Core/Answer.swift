import SimKernel
import Workloads

/// An engine's answer to one decision point: everything the ledger records
/// about it except the truth and the value, which the engine never sees.
public struct Answer: Hashable, Sendable {
    /// What the business does; nil means the default action (no answer).
    public var action: Action?
    /// When the answer reached the business.
    public var answeredAt: SimTime
    /// The model's probability, when a model scored this decision.
    public var score: Float?
    /// When the prediction used was computed (a batch job's publish time, a
    /// stream's re-score time, the request itself for real time).
    public var computedAt: SimTime?
    /// The event time up to which every arrived event was in the features used.
    public var featuresAsOf: SimTime?
    public var modelVersion: String
    /// The engine fell back (timeout, no prediction yet, crashed server).
    public var fallback: Bool

    public init(action: Action?, answeredAt: SimTime, score: Float? = nil, computedAt: SimTime? = nil,
                featuresAsOf: SimTime? = nil, modelVersion: String = "", fallback: Bool = false) {
        self.action = action; self.answeredAt = answeredAt; self.score = score; self.computedAt = computedAt
        self.featuresAsOf = featuresAsOf; self.modelVersion = modelVersion; self.fallback = fallback
    }
}

/// What an engine did besides answering: the operational measures.
public struct EngineCounters: Sendable, Equatable, Codable {
    public var batchRuns = 0
    public var failures = 0
    public var retries = 0
    public var slaMisses = 0
    public var skippedRecords = 0
    public var predictionsWritten = 0
    public var eventsProcessed = 0
    public var lateEventsDropped = 0
    public var fallbacks = 0
    public var timeouts = 0
    public var serverCrashes = 0
    public var replays = 0
    /// Server- or worker-seconds busy, for utilisation.
    public var busySeconds = 0.0
    /// Capacity provisioned (servers × seconds), the denominator of utilisation.
    public var capacitySeconds = 0.0
    /// Longest consumer lag a stream saw, in seconds.
    public var maxLagSeconds = 0.0
    /// Each batch job's duration, in seconds, for burst billing.
    public var jobSeconds: [Double] = []
    /// Bytes of in-memory state (online store, stream state) at the end.
    public var stateBytes = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case batchRuns = "batch_runs", failures, retries, slaMisses = "sla_misses", skippedRecords = "skipped_records"
        case predictionsWritten = "predictions_written", eventsProcessed = "events_processed"
        case lateEventsDropped = "late_events_dropped", fallbacks, timeouts, serverCrashes = "server_crashes", replays
        case busySeconds = "busy_seconds", capacitySeconds = "capacity_seconds", maxLagSeconds = "max_lag_seconds"
        case jobSeconds = "job_seconds", stateBytes = "state_bytes"
    }
}
