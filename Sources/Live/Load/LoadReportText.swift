import Foundation

/// A load result as a terminal reads it.
public enum LoadReportText {
    public static func render(_ r: LoadResult) -> String {
        func ms(_ us: Int64) -> String { us < 1000 ? "\(us) µs" : String(format: "%.2f ms", Double(us) / 1000) }
        let statuses = r.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        var lines = [
            "target       \(r.target)",
            "mode         \(r.mode == .open ? String(format: "open loop, Poisson %.0f/s (seed %llu)", r.requestedRate, r.seed) : "closed loop"), \(r.connections) connections, \(r.seconds) s",
            String(format: "requests     %d scheduled, %d answered (%@), %d unanswered", r.scheduled, r.completed, statuses.isEmpty ? "none" : statuses, r.unanswered),
            String(format: "throughput   %.0f answers/s over %.2f s", r.achievedRate, r.wallSeconds),
            "latency      p50 \(ms(r.latencyP50Microseconds))  p90 \(ms(r.latencyP90Microseconds))  p99 \(ms(r.latencyP99Microseconds))  p99.9 \(ms(r.latencyP999Microseconds))  max \(ms(r.latencyMaxMicroseconds))"
                + (r.mode == .open ? "   (from each request's scheduled send time)" : "   (from each send)"),
            "service      p50 \(ms(r.serviceP50Microseconds))  p99 \(ms(r.serviceP99Microseconds))   (round trip from the actual send)",
        ]
        let c = r.claim
        let verdict: String = switch c.verdict {
        case .pass: "PASS"
        case .fail: "FAIL"
        case .tooFewSamples: "INCONCLUSIVE"
        }
        lines.append(String(format: "claim        p%g ≤ %@ at %g%% confidence: %@ — %d of %d samples over the target; %d samples needed for that many",
                            c.percentile, ms(r.targetMicroseconds), c.confidence * 100, verdict, c.overTarget, c.samples, c.minimumSamples))
        if !r.errors.isEmpty { lines.append("errors       " + r.errors.prefix(5).joined(separator: "; ")) }
        lines.append("result       " + (r.passed ? "PASS" : "FAIL"))
        return lines.joined(separator: "\n")
    }
}
