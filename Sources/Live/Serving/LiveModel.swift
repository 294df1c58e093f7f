import Engines
import Foundation
import ScenarioSpec
import SimKernel
import Simulation
import Workloads

/// What `tempo serve` serves: a scenario's real-time engine after its
/// warm-up, frozen. The warm-up is the simulation's own — the workload
/// generated for the warm-up period, the models fitted as a run fits them,
/// the online store materialised by the engine's feature stream from the
/// shared feature definitions — run with that one engine and no measured
/// horizon.
///
///     let model = try LiveModel.warmUp(SimulationPlan.load(path: "Scenarios/fraud.yaml"))
///     let answer = model.state.answer(request)
public struct LiveModel: Sendable {
    public let workload: WorkloadKind
    public let scenario: String
    public let engine: String
    public let state: ServingState
    /// Decisions the models were fitted on.
    public let trainingRows: Int
    /// Wall-clock seconds the warm-up took.
    public let warmUpSeconds: Double

    public init(_ simulation: ScenarioSimulation, warmUpSeconds: Double = 0) throws(SimulationError) {
        guard let engine = simulation.engines.first as? RealTimeEngine, let models = simulation.models,
              let state = engine.servingState(at: simulation.context.now, entityCount: simulation.plan.workload.entityCount)
        else { throw SimulationError("the warm-up of \(simulation.plan.scenario.file) left no trained real-time engine to serve") }
        workload = simulation.plan.workload.kind
        scenario = simulation.plan.scenario.name
        self.engine = engine.name
        self.state = state
        trainingRows = models.trainingRows
        self.warmUpSeconds = warmUpSeconds
    }

    /// Runs the plan's warm-up through its real-time engine (`engine`, or
    /// the first) in a scratch directory, and freezes the engine.
    public static func warmUp(_ plan: SimulationPlan, engine: String? = nil) throws -> LiveModel {
        let start = ContinuousClock.now
        let simulation = try runWarmUp(plan, engine: engine)
        let elapsed = ContinuousClock.now - start
        return try LiveModel(simulation, warmUpSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The warm-up alone, its simulation kept (the tests compare the served
    /// answers with the engine's own `decide`).
    public static func runWarmUp(_ plan: SimulationPlan, engine: String? = nil) throws -> ScenarioSimulation {
        let warmUp = try plan.warmUpOnly(engine: engine)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tempo-serve-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulation = try ScenarioSimulation(warmUp, directory: directory)
        try simulation.run { _, _ in }
        return simulation
    }
}
