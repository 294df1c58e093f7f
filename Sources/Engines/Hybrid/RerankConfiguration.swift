import ScenarioSpec
import SimKernel

/// Everything a scenario may set for a `kind: rerank` engine: its
/// candidates stage takes every `batch` key (trigger, costs, partitions,
/// failures, deadline), with `candidates` for the length of each user's
/// shortlist; its re-ranking stage takes the `realtime` engine's serving
/// keys (servers, service time, timeout, autoscaling, crashes, the feature
/// stream) — not its `fallback`: on a timeout the candidates are served as
/// they are.
///
///     - name: rerank
///       kind: rerank
///       schedule: "0 2 * * *"        # the candidates job
///       per_record: 500us            # per user: features + ranking the catalogue
///       candidates: 100              # per user
///       servers: 4
///       service_time: 5ms            # session features + re-ranking the shortlist
///       timeout: 80ms
public struct RerankConfiguration: Hashable, Sendable {
    public var candidates = BatchConfiguration()
    public var rerank = RealTimeConfiguration()

    /// Items (or, for a campaign, customers) on each shortlist.
    public var candidateCount: Int { candidates.listLength }

    public init() {}

    public static func read(_ r: inout MappingReader, profile: CostProfile = CostProfile()) -> RerankConfiguration {
        var c = RerankConfiguration()
        c.candidates = BatchConfiguration.read(&r, defaults: .init(profile: profile), listLength: ("candidates", 100))
        c.rerank = RealTimeConfiguration.readServing(&r, defaults: .init(profile: profile))
        return c
    }
}
