import Foundation
import ScenarioSpec
import SimKernel

/// What a unit of engine work takes on a machine: the defaults behind every
/// engine's `per_record`, `per_event`, `service_time`, `lookup_latency` and
/// `replay_cost`. `tempo calibrate` measures them on this machine and writes
/// a profile; a scenario names one with `cost_profile: FILE`, else uses
/// `cost-profile.yaml` beside it, else the built-in defaults.
///
///     per_record: 12us        # batch: full feature recompute + scoring, per entity
///     per_event: 1.2us        # stream: one incremental feature update
///     service_time: 1.1ms     # real time: online features + request features + inference + network
///     lookup_latency: 1ms     # reading a precomputed prediction, network included
///     replay_cost: 1.2us      # kappa: per retained event replayed
public struct CostProfile: Hashable, Sendable {
    public var perRecord = SimDuration.microseconds(200)
    public var perEvent = SimDuration.microseconds(20)
    public var serviceTime = SimDuration.milliseconds(2)
    public var lookupLatency = SimDuration.milliseconds(2)
    public var replayCost = SimDuration.microseconds(5)
    /// Measured HTTP round trip of the live server, once measured.
    public var httpRoundTrip: SimDuration?
    /// Where it came from: a file path, or "built-in defaults".
    public var source = "built-in defaults"

    public init() {}

    /// The profile a scenario uses, or every problem with its position.
    public static func load(for scenario: Scenario) throws(ScenarioError) -> CostProfile {
        let directory = (scenario.file as NSString).deletingLastPathComponent
        let named = scenario.costProfile.map { $0.hasPrefix("/") ? $0 : (directory as NSString).appendingPathComponent($0) }
        let beside = (directory as NSString).appendingPathComponent("cost-profile.yaml")
        guard let path = named ?? (FileManager.default.fileExists(atPath: beside) ? beside : nil) else { return CostProfile() }
        let diagnostics = Diagnostics()
        guard let text = SpecDocument.read(path: path, diagnostics),
              let root = SpecDocument.parse(yaml: text, file: path, diagnostics),
              var r = MappingReader(root, what: "the cost profile", diagnostics)
        else { throw ScenarioError(diagnostics.sorted) }
        var p = CostProfile()
        p.source = path
        p.perRecord = r.optional("per_record", default: p.perRecord, .positive)
        p.perEvent = r.optional("per_event", default: p.perEvent, .atLeast(.zero))
        p.serviceTime = r.optional("service_time", default: p.serviceTime, .positive)
        p.lookupLatency = r.optional("lookup_latency", default: p.lookupLatency, .atLeast(.zero))
        p.replayCost = r.optional("replay_cost", default: p.replayCost, .positive)
        p.httpRoundTrip = r.optional("http_round_trip", as: SimDuration.self, .positive)
        r.expect("measured_on", "notes")
        _ = r.take("measured_on"); _ = r.take("notes")
        r.finish()
        guard !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return p
    }

    /// The profile as YAML, for `tempo calibrate --out`.
    public func yaml(measuredOn: String, notes: [String]) -> String {
        var lines = ["# A TempoLab cost profile: what engine work takes on one machine.",
                     "# Written by `tempo calibrate`; name it in a scenario with `cost_profile: FILE`."]
        lines += notes.map { "# " + $0 }
        lines += ["measured_on: \"\(measuredOn)\"",
                  "per_record: \(perRecord)         # batch: full feature recompute + scoring, per entity",
                  "per_event: \(perEvent)           # stream: one incremental feature update",
                  "service_time: \(serviceTime)     # real time: online features + request features + inference + network",
                  "lookup_latency: \(lookupLatency) # a precomputed prediction read, network included",
                  "replay_cost: \(replayCost)       # kappa: per retained event replayed"]
        if let http = httpRoundTrip { lines.append("http_round_trip: \(http)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
