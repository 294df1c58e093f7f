import Engines
import Foundation
import Live
import ScenarioSpec
import SimKernel
import Simulation
import Workloads

/// Small scenarios of every workload, sized like the simulation tests' so
/// each warm-up takes seconds in a debug build.
enum LiveFixtures {
    static func yaml(_ kind: WorkloadKind) -> String {
        let (scale, warmup, parameters): (Double, String, String) = switch kind {
        case .fraud: (0.005, "1d", "compromise_rate: 0.002/d")
        case .churn: (0.002, "10d", "budget: 20000\n  offer_cost: $1")
        case .digest: (0.001, "1d", "")
        case .ui: (0.001, "8h", "")
        case .recsys: (0.001, "8h", "")
        }
        return """
            name: live-\(kind.rawValue)
            seed: 7
            horizon: 1h
            warmup: \(warmup)
            scale: \(scale)
            workload:
              kind: \(kind.rawValue)
              diurnal: flat
              \(parameters)
            engines:
              - {name: rt, kind: realtime, servers: 4, service_time: 2ms, timeout: 1h}
            """
    }

    static func plan(_ kind: WorkloadKind) throws -> SimulationPlan {
        try SimulationPlan.make(try Scenario.parse(yaml: yaml(kind), file: "live-\(kind.rawValue).yaml"))
    }

    typealias Warmed = Result<(ScenarioSimulation, LiveModel), any Error>
    static func warm(_ kind: WorkloadKind) -> Warmed {
        Result {
            let simulation = try LiveModel.runWarmUp(try plan(kind))
            return (simulation, try LiveModel(simulation))
        }
    }
    // One warm-up per workload per test process, made on first use (a
    // static let is initialised once, thread-safely). Unsafe only in that
    // the simulation inside is a class: the one test that drives its engine
    // afterwards does so from one task.
    nonisolated(unsafe) static let fraud = warm(.fraud)
    nonisolated(unsafe) static let churn = warm(.churn)
    nonisolated(unsafe) static let digest = warm(.digest)
    nonisolated(unsafe) static let ui = warm(.ui)
    nonisolated(unsafe) static let recsys = warm(.recsys)
    static func warmed(_ kind: WorkloadKind) -> Warmed {
        switch kind {
        case .fraud: fraud
        case .churn: churn
        case .digest: digest
        case .ui: ui
        case .recsys: recsys
        }
    }

    static func model(_ kind: WorkloadKind) throws -> LiveModel { try warmed(kind).get().1 }
    static func simulation(_ kind: WorkloadKind) throws -> ScenarioSimulation { try warmed(kind).get().0 }

    /// The first decision points of the workload, as the load generator would send them.
    static func bodies(_ kind: WorkloadKind, count: Int = 50) throws -> [String] {
        RequestPool.bodies(try plan(kind), count: count)
    }
}

/// A decoded JSON object from a response body.
func jsonObject(_ data: some Sequence<UInt8>) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]) ?? [:]
}
