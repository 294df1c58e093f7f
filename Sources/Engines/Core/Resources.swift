import ScenarioSpec
import SimKernel

/// What an engine runs on, for the cost model: an instance type from the
/// price catalogue, how many, and how it is billed.
///
///     - name: nightly
///       kind: batch
///       instance: m6i.2xlarge     # from the catalogue
///       instances: 2              # default: enough vCPUs for the workers or servers
///       billing: burst            # or always_on
public struct Resources: Hashable, Sendable {
    public enum Billing: String, Hashable, Sendable, CaseIterable, ScenarioScalar {
        /// Paid for every second of the run.
        case alwaysOn = "always_on"
        /// Paid per second while a job runs, with the catalogue's minimum per start.
        case burst
    }

    public var instance: String
    public var instances: Int?
    public var billing: Billing

    public init(instance: String, instances: Int? = nil, billing: Billing) {
        self.instance = instance; self.instances = instances; self.billing = billing
    }

    /// Sensible defaults by kind: batch jobs burst on general-purpose
    /// machines; servers and streams are always on.
    public static func defaults(for kind: EngineKind) -> Resources {
        switch kind {
        case .batch, .lambda: Resources(instance: "m6i.2xlarge", billing: .burst)
        case .realtime, .rerank: Resources(instance: "c6i.xlarge", billing: .alwaysOn)
        case .streaming, .kappa: Resources(instance: "m6i.large", billing: .alwaysOn)
        case .oracle, .baseline: Resources(instance: "none", instances: 0, billing: .alwaysOn)
        }
    }

    static func read(_ r: inout MappingReader, kind: EngineKind) -> Resources {
        var resources = defaults(for: kind)
        resources.instance = r.optional("instance", default: resources.instance)
        resources.instances = r.optional("instances", as: Int.self, .within(1...100_000)) ?? resources.instances
        resources.billing = r.optional("billing", default: resources.billing)
        return resources
    }
}
