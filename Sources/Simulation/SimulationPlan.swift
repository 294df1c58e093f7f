import Engines
import Features
import ScenarioSpec
import SimKernel
import Workloads

/// A scenario checked end to end — the file, the workload's parameters,
/// every engine's settings — and ready to run.
///
///     let plan = try SimulationPlan.load(path: "Scenarios/fraud.yaml")
///     let run = try ScenarioSimulation(plan, directory: "Reports/fraud/run").run { decision, answers in … }
public struct SimulationPlan: Sendable {
    public var scenario: Scenario
    public let workload: any Workload
    public let view: FeatureView
    /// Where the engines' default work costs came from.
    public let costProfile: CostProfile
    public let engines: [(name: String, kind: EngineKind, configuration: EngineConfiguration, resources: Resources)]

    public static func load(path: String, scale: Double? = nil, seed: UInt64? = nil) throws(ScenarioError) -> SimulationPlan {
        var scenario = try Scenario.load(path: path)
        if let scale { scenario.scale = scale }
        if let seed { scenario.seed = seed }
        return try make(scenario)
    }

    /// The same plan with only the engines at `indices`, in that order: one
    /// of the simulations a run is split into (`EngineGroups`).
    public func restricted(to indices: [Int]) -> SimulationPlan {
        SimulationPlan(scenario: scenario, workload: workload, view: view, costProfile: costProfile,
                       engines: indices.map { engines[$0] })
    }

    /// Validates everything the scenario names; every problem is reported at once.
    public static func make(_ scenario: Scenario) throws(ScenarioError) -> SimulationPlan {
        let profile = try CostProfile.load(for: scenario)
        let diagnostics = Diagnostics()
        let workload = WorkloadFactory.read(scenario, diagnostics)
        let configurations = EngineConfiguration.readAll(scenario, profile: profile, diagnostics)
        var view: FeatureView?
        if let workload {
            view = FeatureCatalog.view(for: workload)
            if view == nil {
                diagnostics.error("engines cannot run the '\(scenario.workload.kind.rawValue)' workload yet: it has no feature view",
                                  at: scenario.workload.location)
            }
        }
        guard let workload, let configurations, let view, !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return SimulationPlan(scenario: scenario, workload: workload, view: view, costProfile: profile,
                              engines: zip(scenario.engines, configurations).map { ($0.name, $0.kind, $1.0, $1.1) })
    }
}
