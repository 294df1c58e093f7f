import SimKernel
import Simulation
import Workloads

/// The payloads a load run sends: the scenario workload's own decision
/// points, in the order the workload produces them, from the start of its
/// stream (so the entities are the server's population when both use the
/// same scenario, scale and seed).
///
///     let bodies = RequestPool.bodies(plan, count: 4096)
public enum RequestPool {
    /// Up to `count` payloads; fewer when the workload's warm-up and horizon hold
    /// fewer decisions (a weekly campaign). - Complexity: O(items generated)
    public static func bodies(_ plan: SimulationPlan, count: Int = 4096) -> [String] {
        var generator = plan.workload.makeGenerator(horizon: plan.scenario.warmup + plan.scenario.horizon)
        var out: [String] = []
        out.reserveCapacity(count)
        var seen = 0
        while out.count < count, let item = generator.next() {
            guard case .decision(let d) = item else { continue }
            var r = d.request
            r.id = Int64(seen)
            seen += 1
            out.append(PredictionWire.body(r, workload: plan.workload.kind))
        }
        return out
    }
}
