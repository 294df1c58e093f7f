import Engines
import ScenarioSpec
import SimKernel

extension SimulationPlan {
    /// The scenario's warm-up alone, through one real-time engine: what
    /// `tempo serve` runs before it serves. The engine is the scenario's
    /// `realtime` engine named `engine` (or its first), else one with the
    /// cost profile's defaults, named "live".
    ///
    ///     let plan = try SimulationPlan.load(path: "Scenarios/fraud.yaml").warmUpOnly()
    ///     let simulation = try ScenarioSimulation(plan, directory: dir)   // run() ends when the models are ready
    public func warmUpOnly(engine name: String? = nil) throws(SimulationError) -> SimulationPlan {
        let realtime = engines.filter { $0.kind == .realtime }
        let chosen: (name: String, kind: EngineKind, configuration: EngineConfiguration, resources: Resources)
        if let name {
            guard let found = realtime.first(where: { $0.name == name }) else {
                let names = realtime.map(\.name)
                throw SimulationError("no realtime engine named '\(name)' in \(scenario.file)"
                                      + (names.isEmpty ? "" : "; its realtime engines are \(names.joined(separator: ", "))"))
            }
            chosen = found
        } else if let first = realtime.first {
            chosen = first
        } else {
            chosen = ("live", .realtime, .realtime(RealTimeConfiguration(profile: costProfile)), Resources.defaults(for: .realtime))
        }
        var s = scenario
        s.horizon = .zero
        return SimulationPlan(scenario: s, workload: workload, view: view, costProfile: costProfile, engines: [chosen])
    }
}
