import Foundation
import Randomness
import ScenarioSpec
import SimKernel

/// A service-time distribution measured against the live server (`tempo load
/// --save-profile FILE`), which a `realtime` engine draws from in place of
/// its cost model:
///
///     - name: rt
///       kind: realtime
///       latency_profile: profiles/fraud-live.yaml    # relative to the scenario
///
/// The file holds the histogram of each request's round trip from its actual
/// send (what one server is busy for, network included: the simulated pool
/// adds its own queueing on top) and, for the report's side-by-side, the
/// latency percentiles measured from each request's *scheduled* send time.
///
///     service_time_us: [[120, 40], [125, 38], …]   # bucket upper bound (µs), requests
///     latency_p50: 210us
///     latency_p99: 900us
///
/// Sampling picks a bucket with the alias method (`Empirical`), then a time
/// uniformly within it. - Complexity: O(1) per sample.
public struct LatencyProfile: Hashable, Sendable {
    /// Bucket upper bounds in microseconds, increasing, and the requests in each.
    public let bounds: [Int64]
    public let counts: [Int]
    /// Latency measured from the scheduled send time, as the load run saw it.
    public var measuredP50: SimDuration
    public var measuredP99: SimDuration
    public var measuredP999: SimDuration
    /// Where it came from: the file, or how it was made.
    public var source: String
    /// The load that produced it, in words (`open loop, 2000/s over 16 connections`).
    public var load: String
    let empirical: Empirical

    /// - Precondition: `bounds` increasing and positive, one count per bound, some count positive.
    public init(bounds: [Int64], counts: [Int], measuredP50: SimDuration, measuredP99: SimDuration,
                measuredP999: SimDuration, source: String = "measured", load: String = "") {
        precondition(bounds.count == counts.count && !bounds.isEmpty, "one count per bucket")
        self.bounds = bounds
        self.counts = counts
        self.measuredP50 = measuredP50; self.measuredP99 = measuredP99; self.measuredP999 = measuredP999
        self.source = source
        self.load = load
        empirical = Empirical(weights: counts.map(Double.init))
    }

    public static func == (a: LatencyProfile, b: LatencyProfile) -> Bool {
        a.bounds == b.bounds && a.counts == b.counts && a.measuredP50 == b.measuredP50 && a.measuredP99 == b.measuredP99
            && a.measuredP999 == b.measuredP999 && a.source == b.source && a.load == b.load
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bounds); hasher.combine(counts); hasher.combine(source)
    }

    /// Requests the distribution was measured on.
    public var samples: Int { counts.reduce(0, +) }

    /// One service time: a bucket by its share of requests, then uniformly within it.
    public func sample(_ rng: inout RandomStream) -> SimDuration {
        let i = empirical.sample(&rng)
        let low = i == 0 ? max(0, bounds[0] - 1) : bounds[i - 1]
        let width = bounds[i] - low
        let offset = width > 0 ? Int64(rng.nextUniform() * Double(width)) : 0
        return SimDuration(microseconds: max(1, low + offset + 1))
    }

    /// The mean of the distribution (bucket midpoints).
    public var mean: SimDuration {
        var total = 0.0
        for i in bounds.indices {
            let low = i == 0 ? Double(bounds[0]) : Double(bounds[i - 1])
            total += (low + Double(bounds[i])) / 2 * Double(counts[i])
        }
        return SimDuration(microseconds: Int64(total / Double(max(1, samples))))
    }

    // MARK: File

    /// Reads `latency_profile:` from an engine's mapping: the path is relative
    /// to the scenario file; a missing or malformed file is reported at the key's value.
    static func read(_ r: inout MappingReader) -> LatencyProfile? {
        guard let node = r.take("latency_profile") else { return nil }
        guard let path = node.scalarText(expecting: "a file written by `tempo load --save-profile`", r.diagnostics) else { return nil }
        let directory = (node.location.file as NSString).deletingLastPathComponent
        let resolved = path.hasPrefix("/") || directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: resolved) else {
            r.diagnostics.error("latency_profile: no such file '\(resolved)'; write one with `tempo load URL --save-profile FILE`", at: node)
            return nil
        }
        do {
            return try load(path: resolved)
        } catch {
            r.diagnostics.error("latency_profile: '\(resolved)' is not a latency profile: "
                                + error.diagnostics.map(\.description).joined(separator: "; "), at: node)
            return nil
        }
    }

    /// Reads a profile file, reporting every problem with its position.
    public static func load(path: String) throws(ScenarioError) -> LatencyProfile {
        let diagnostics = Diagnostics()
        guard let text = SpecDocument.read(path: path, diagnostics),
              let root = SpecDocument.parse(yaml: text, file: path, diagnostics),
              var r = MappingReader(root, what: "the latency profile", diagnostics)
        else { throw ScenarioError(diagnostics.sorted) }
        let pairs = r.required("service_time_us", as: [[Int64]].self) ?? []
        let p50 = r.required("latency_p50", as: SimDuration.self, .atLeast(.zero)) ?? .zero
        let p99 = r.required("latency_p99", as: SimDuration.self, .atLeast(.zero)) ?? .zero
        let p999 = r.required("latency_p999", as: SimDuration.self, .atLeast(.zero)) ?? .zero
        let load = r.optional("load", default: "")
        r.expect("measured_on", "target", "requests", "notes")
        for key in ["measured_on", "target", "requests", "notes"] { _ = r.take(key) }
        r.finish()
        var bounds: [Int64] = [], counts: [Int] = []
        for pair in pairs {
            guard pair.count == 2, pair[0] > 0, pair[1] >= 0, pair[0] > (bounds.last ?? 0) else {
                diagnostics.error("service_time_us must list [upper bound µs, requests] pairs with increasing positive bounds, found \(pair)",
                                  at: r.peek("service_time_us")?.location ?? root.location)
                break
            }
            bounds.append(pair[0]); counts.append(Int(pair[1]))
        }
        if !diagnostics.hasErrors && !counts.contains(where: { $0 > 0 }) {
            diagnostics.error("service_time_us holds no requests", at: r.peek("service_time_us")?.location ?? root.location)
        }
        guard !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return LatencyProfile(bounds: bounds, counts: counts, measuredP50: p50, measuredP99: p99, measuredP999: p999,
                              source: path, load: load)
    }

    /// The profile as YAML, for `tempo load --save-profile`.
    public func yaml(measuredOn: String, target: String, notes: [String] = []) -> String {
        var lines = ["# A TempoLab latency profile: service times measured against a live server by `tempo load`.",
                     "# Name it on a realtime engine with `latency_profile: FILE` to replace the cost model's service time."]
        lines += notes.map { "# " + $0 }
        lines += ["measured_on: \"\(measuredOn)\"",
                  "target: \"\(target)\"",
                  "load: \"\(load)\"",
                  "requests: \(samples)",
                  "latency_p50: \(measuredP50)     # from each request's scheduled send time",
                  "latency_p99: \(measuredP99)",
                  "latency_p999: \(measuredP999)",
                  "# each request's round trip from its actual send: [bucket upper bound in µs, requests]",
                  "service_time_us:"]
        lines += zip(bounds, counts).map { "  - [\($0), \($1)]" }
        return lines.joined(separator: "\n") + "\n"
    }
}
