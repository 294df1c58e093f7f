import Engines
import Foundation
import ScenarioSpec
import SimKernel

/// Turns what an engine used into money, by component, per day.
///
///     let parts = try CostModel(catalog: catalog).perDay(usage)
///     parts.map(\.perDay).reduce(0, +)     // cost per day
///
/// - compute: always-on instances for the whole run, or burst instances for
///   each job's duration with the catalogue's per-start minimum (per-second
///   billing); a real-time pool's instances follow its server-seconds, so
///   autoscaling shows; a lambda's speed layer is an always-on part of its own,
///   a rerank's candidates job a burst part of its own.
/// - storage: the SQLite files the engine reads and writes, per GB-month.
/// - memory: in-memory state (online store, stream windows), per GB-month.
/// - reads: one key-value read per decision served, per million.
/// Oracle and baseline are bounds, not systems: they cost nothing.
public struct CostModel: Sendable {
    public let catalog: PriceCatalog

    public init(catalog: PriceCatalog) { self.catalog = catalog }

    /// What one engine used over a run.
    public struct Usage: Sendable {
        public var engine: String
        public var kind: EngineKind
        public var resources: Resources
        public var vcpus: Int
        public var speedWorkers: Int
        /// Workers of a burst candidates job beside always-on servers (rerank).
        public var candidateWorkers: Int
        public var counters: EngineCounters
        /// Virtual seconds simulated (warm-up and horizon): what always-on pays for.
        public var runSeconds: Double
        /// Virtual seconds measured: batch jobs run only once models exist, so jobs are spread over these.
        public var horizonSeconds: Double
        /// Decisions answered over the whole run.
        public var decisionsPerDay: Double
        public var storageBytes: Int

        public init(engine: String, kind: EngineKind, resources: Resources, vcpus: Int, speedWorkers: Int,
                    counters: EngineCounters, runSeconds: Double, horizonSeconds: Double, decisionsPerDay: Double, storageBytes: Int,
                    candidateWorkers: Int = 0) {
            self.horizonSeconds = horizonSeconds; self.candidateWorkers = candidateWorkers
            self.engine = engine; self.kind = kind; self.resources = resources; self.vcpus = vcpus
            self.speedWorkers = speedWorkers; self.counters = counters; self.runSeconds = runSeconds
            self.decisionsPerDay = decisionsPerDay; self.storageBytes = storageBytes
        }
    }

    public struct UnknownInstance: Error, CustomStringConvertible {
        public let description: String
    }

    public func perDay(_ u: Usage) throws -> [EngineResult.CostComponent] {
        if u.kind == .oracle || u.kind == .baseline { return [] }
        guard let type = catalog.instances[u.resources.instance] else {
            throw UnknownInstance(description: "engine '\(u.engine)': unknown instance type '\(u.resources.instance)'; "
                                  + "the catalogue \(catalog.file) has \(catalog.instances.keys.sorted().joined(separator: ", "))")
        }
        let days = u.runSeconds / 86_400
        let hourly = type.hourly.dollarsPerHour
        var parts: [EngineResult.CostComponent] = []
        let sized = u.resources.instances ?? max(1, Int((Double(u.vcpus) / Double(type.vcpus)).rounded(.up)))
        let compute: Double
        // Jobs run once the models exist, i.e. over the horizon: spread them over it.
        func burstPerRun(hourly: Double, instances: Int) -> Double {
            let minimum = catalog.minimumBilling.seconds
            let billed = u.counters.jobSeconds.reduce(0) { $0 + max($1, minimum) }
            return billed / 3600 * hourly * Double(instances) * days / (u.horizonSeconds / 86_400)
        }
        switch u.resources.billing {
        case .burst:
            compute = burstPerRun(hourly: hourly, instances: sized)
        case .alwaysOn:
            if u.kind == .realtime || u.kind == .rerank, u.resources.instances == nil, u.counters.capacitySeconds > 0 {
                // Server-seconds → instance-hours: autoscaling is paid as it scaled.
                compute = max(u.counters.capacitySeconds / Double(type.vcpus), u.runSeconds) / 3600 * hourly
            } else {
                compute = u.runSeconds / 3600 * hourly * Double(sized)
            }
        }
        parts.append(.init(component: "compute", perDay: compute / days))
        if u.candidateWorkers > 0, let batch = catalog.instances["m6i.2xlarge"] ?? Optional(type) {
            let instances = max(1, Int((Double(u.candidateWorkers) / Double(batch.vcpus)).rounded(.up)))
            parts.append(.init(component: "candidates job", perDay: burstPerRun(hourly: batch.hourly.dollarsPerHour, instances: instances) / days))
        }
        if u.speedWorkers > 0, let speed = catalog.instances["m6i.large"] ?? Optional(type) {
            let instances = max(1, Int((Double(u.speedWorkers) / Double(speed.vcpus)).rounded(.up)))
            parts.append(.init(component: "speed layer", perDay: 24 * speed.hourly.dollarsPerHour * Double(instances)))
        }
        let gigabyte = 1_073_741_824.0
        if u.storageBytes > 0 {
            parts.append(.init(component: "storage", perDay: Double(u.storageBytes) / gigabyte * catalog.storagePerGBMonth.dollars / 30))
        }
        if u.counters.stateBytes > 0 {
            parts.append(.init(component: "memory", perDay: Double(u.counters.stateBytes) / gigabyte * catalog.memoryPerGBMonth.dollars / 30))
        }
        parts.append(.init(component: "reads", perDay: u.decisionsPerDay / 1e6 * catalog.readsPerMillion.dollars))
        return parts
    }
}
