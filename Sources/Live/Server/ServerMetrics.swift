import Atomics

/// The server's counters, shared by every connection without a lock: one
/// relaxed atomic add per counter per request. Rendered as Prometheus text
/// by `GET /metrics`. Responses are the server's own: the 400 that
/// Hummingbird's parser sends for bytes that are not HTTP is not counted.
///
///     metrics.record(status: 200, microseconds: 85)
///     print(metrics.prometheus(storeEntities: 9_812))
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in microseconds (Prometheus `le`).
    public static let bucketBounds: [Int64] = [25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000]
    public static let statuses = [200, 400, 404, 413, 503]

    let byStatus: [ManagedAtomic<Int>]
    let otherStatus = ManagedAtomic<Int>(0)
    let buckets: [ManagedAtomic<Int>]
    let latencySum = ManagedAtomic<Int>(0)
    let latencyCount = ManagedAtomic<Int>(0)
    let fallbacks = ManagedAtomic<Int>(0)
    /// Requests being handled now (the in-flight limiter's count).
    public let inFlight = ManagedAtomic<Int>(0)
    /// Client connections open now, and the most open at once since start
    /// (`ConnectionCap` keeps both, from the accepting loop only).
    public let openConnections = ManagedAtomic<Int>(0)
    public let peakConnections = ManagedAtomic<Int>(0)
    /// Connections closed because a request was not answered in time (`RequestTimeoutHandler`).
    public let requestTimeouts = ManagedAtomic<Int>(0)

    public init() {
        byStatus = Self.statuses.map { _ in ManagedAtomic(0) }
        buckets = (Self.bucketBounds + [Int64.max]).map { _ in ManagedAtomic(0) }
    }

    /// Counts one response; `microseconds` is the server's time on it
    /// (recorded in the histogram for predictions only, `nil` otherwise).
    @inline(__always)
    public func record(status: Int, microseconds: Int64?, fallback: Bool = false) {
        if let i = Self.statuses.firstIndex(of: status) { byStatus[i].wrappingIncrement(ordering: .relaxed) }
        else { otherStatus.wrappingIncrement(ordering: .relaxed) }
        if fallback { fallbacks.wrappingIncrement(ordering: .relaxed) }
        guard let us = microseconds else { return }
        var b = 0
        while b < Self.bucketBounds.count && us > Self.bucketBounds[b] { b += 1 }
        buckets[b].wrappingIncrement(ordering: .relaxed)
        latencySum.wrappingIncrement(by: Int(us), ordering: .relaxed)
        latencyCount.wrappingIncrement(ordering: .relaxed)
    }

    /// Responses sent with `status`.
    public func count(status: Int) -> Int {
        Self.statuses.firstIndex(of: status).map { byStatus[$0].load(ordering: .relaxed) } ?? otherStatus.load(ordering: .relaxed)
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func prometheus(storeEntities: Int, workload: String, modelVersion: String) -> String {
        var out = """
        # HELP tempo_requests_total Responses sent, by HTTP status.
        # TYPE tempo_requests_total counter

        """
        for (i, status) in Self.statuses.enumerated() {
            out += "tempo_requests_total{status=\"\(status)\"} \(byStatus[i].load(ordering: .relaxed))\n"
        }
        out += "tempo_requests_total{status=\"other\"} \(otherStatus.load(ordering: .relaxed))\n"
        out += """
        # HELP tempo_fallbacks_total Predictions answered with the engine's fallback (unknown entity).
        # TYPE tempo_fallbacks_total counter
        tempo_fallbacks_total \(fallbacks.load(ordering: .relaxed))
        # HELP tempo_request_duration_seconds Server-side time per prediction.
        # TYPE tempo_request_duration_seconds histogram

        """
        var cumulative = 0
        for (i, bound) in Self.bucketBounds.enumerated() {
            cumulative += buckets[i].load(ordering: .relaxed)
            out += "tempo_request_duration_seconds_bucket{le=\"\(Double(bound) / 1e6)\"} \(cumulative)\n"
        }
        cumulative += buckets[Self.bucketBounds.count].load(ordering: .relaxed)
        out += "tempo_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        out += "tempo_request_duration_seconds_sum \(Double(latencySum.load(ordering: .relaxed)) / 1e6)\n"
        out += "tempo_request_duration_seconds_count \(latencyCount.load(ordering: .relaxed))\n"
        out += """
        # HELP tempo_in_flight_requests Requests being handled now.
        # TYPE tempo_in_flight_requests gauge
        tempo_in_flight_requests \(inFlight.load(ordering: .relaxed))
        # HELP tempo_open_connections Client connections open now.
        # TYPE tempo_open_connections gauge
        tempo_open_connections \(openConnections.load(ordering: .relaxed))
        # HELP tempo_request_timeouts_total Connections closed because a request had not been answered within the request timeout of its first byte.
        # TYPE tempo_request_timeouts_total counter
        tempo_request_timeouts_total \(requestTimeouts.load(ordering: .relaxed))
        # HELP tempo_online_store_entities Entities holding state in the online store.
        # TYPE tempo_online_store_entities gauge
        tempo_online_store_entities \(storeEntities)
        # HELP tempo_model_info The model being served.
        # TYPE tempo_model_info gauge
        tempo_model_info{workload="\(workload)",model_version="\(modelVersion)"} 1

        """
        return out
    }
}

/// A bound on requests handled at once: past it the server answers 503 at
/// once instead of queueing, so memory stays bounded however hard it is pushed.
///
///     guard limiter.tryAcquire() else { return 503 }
///     defer { limiter.release() }
public struct InFlightLimiter: Sendable {
    public let limit: Int
    let count: ManagedAtomic<Int>

    public init(limit: Int, counter: ManagedAtomic<Int>) {
        self.limit = limit
        count = counter
    }

    /// Takes a slot, or returns false when all `limit` are taken. - Complexity: O(1), lock-free
    @inline(__always)
    public func tryAcquire() -> Bool {
        if count.loadThenWrappingIncrement(ordering: .acquiring) >= limit {
            count.wrappingDecrement(ordering: .releasing)
            return false
        }
        return true
    }

    @inline(__always)
    public func release() { count.wrappingDecrement(ordering: .releasing) }
}
