import Engines
import ScenarioSpec

/// How a run splits its engines into simulations that run side by side, one
/// per core. Engines only meet through the run's stores and streams, so each
/// group replays the same workload to its own engines and every engine
/// answers exactly as in one simulation of all of them; a group costs its own
/// workload generation and offline store, a tenth of a typical run.
///
/// The split is a fixed function of the engine list — never of the machine's
/// cores — so a run's results are the same everywhere (an engine's storage
/// is its group's stores). Engines that must see one another stay together:
/// a real-time engine and the batch engine it falls back to. Real-time,
/// streaming and kappa engines stay together too, as they may share one
/// feature stream (`EngineContext.featureStream`). These sets are dealt,
/// heaviest first, to the lighter of `maximumGroups` groups.
///
///     let groups = EngineGroups.partition(plan.engines.map { ($0.name, $0.kind, $0.configuration) })
///     // fraud: [[0, 1, 4, 6], [2, 3, 5]]: nightly, rt, stream and kappa; oracle, baseline and lambda
public enum EngineGroups {
    public static let maximumGroups = 2

    /// Engine indices per group, each group in plan order, groups ordered by their first engine.
    public static func partition(_ engines: [(name: String, kind: EngineKind, configuration: EngineConfiguration)],
                                 into count: Int = maximumGroups) -> [[Int]] {
        guard !engines.isEmpty else { return [] }
        // Union-find over the engines that must share a simulation.
        var parent = Array(engines.indices)
        func root(_ i: Int) -> Int { parent[i] == i ? i : root(parent[i]) }
        func join(_ a: Int, _ b: Int) { parent[root(a)] = root(b) }
        let streamFamily = engines.indices.filter { [.realtime, .streaming, .kappa].contains(engines[$0].kind) }
        for i in streamFamily.dropFirst() { join(i, streamFamily[0]) }
        for (i, e) in engines.enumerated() {
            if case .realtime(let c) = e.configuration, case .batch(let name) = c.fallback,
               let j = engines.firstIndex(where: { $0.name == name }) {
                join(i, j)
            }
        }
        var components: [Int: [Int]] = [:]
        for i in engines.indices { components[root(i), default: []].append(i) }
        func load(_ component: [Int]) -> Int { component.reduce(0) { $0 + weight(engines[$1].kind) } }
        // Ties go by name, not position, so the groups do not depend on the order of the engine list.
        func firstName(_ component: [Int]) -> String { component.map { engines[$0].name }.min()! }
        let ordered = components.values.map { $0.sorted() }.sorted {
            load($0) != load($1) ? load($0) > load($1) : firstName($0) < firstName($1)
        }
        var groups = Array(repeating: [Int](), count: max(1, count))
        var loads = Array(repeating: 0, count: groups.count)
        for component in ordered {
            let lightest = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            groups[lightest] += component
            loads[lightest] += load(component)
        }
        return groups.filter { !$0.isEmpty }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Rough relative work per event, from `tempo bench engines` on fraud:
    /// only good enough to keep the heavy engines apart.
    static func weight(_ kind: EngineKind) -> Int {
        switch kind {
        case .lambda, .rerank: 4
        case .realtime, .streaming, .kappa: 3
        case .oracle, .batch: 2
        case .baseline: 0
        }
    }
}
