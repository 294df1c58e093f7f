import Randomness
import ScenarioSpec
import SimKernel

/// An engine's validated settings, read from its mapping in the scenario.
public enum EngineConfiguration: Hashable, Sendable {
    case batch(BatchConfiguration)
    case realtime(RealTimeConfiguration)
    case streaming(StreamingConfiguration)
    case kappa(StreamingConfiguration)
    case lambda(LambdaConfiguration)
    case rerank(RerankConfiguration)
    case oracle
    case baseline

    /// Reads every engine of the scenario with its resources, or nil after
    /// reporting each problem with its position.
    public static func readAll(_ scenario: Scenario, profile: CostProfile = CostProfile(),
                               _ diagnostics: Diagnostics) -> [(EngineConfiguration, Resources)]? {
        let batchNames = scenario.engines.filter { $0.kind == .batch }.map(\.name)
        var configurations: [EngineConfiguration] = []
        var resources: [Resources] = []
        for spec in scenario.engines {
            var reader = spec.parameterReader(diagnostics)
            resources.append(Resources.read(&reader, kind: spec.kind))
            switch spec.kind {
            case .batch: configurations.append(.batch(BatchConfiguration.read(&reader, defaults: .init(profile: profile))))
            case .realtime: configurations.append(.realtime(RealTimeConfiguration.read(&reader, batchEngines: batchNames,
                                                                                      defaults: .init(profile: profile))))
            case .streaming: configurations.append(.streaming(StreamingConfiguration.read(&reader, defaults: .init(profile: profile))))
            case .kappa: configurations.append(.kappa(StreamingConfiguration.read(&reader, kappa: true, defaults: .init(profile: profile))))
            case .lambda: configurations.append(.lambda(LambdaConfiguration.read(&reader, defaults: .init(profile: profile))))
            case .rerank:
                configurations.append(.rerank(RerankConfiguration.read(&reader, profile: profile)))
                if Decider.shape(of: scenario.workload.kind) == .perDecision {
                    diagnostics.error("a 'rerank' engine re-ranks a shortlist of items or customers; the '\(scenario.workload.kind.rawValue)' workload decides about one entity at a time, with nothing to shortlist: use batch, streaming, realtime, lambda or kappa", at: spec.location)
                }
            case .oracle: configurations.append(.oracle)
            case .baseline: configurations.append(.baseline)
            }
            reader.finish()
        }
        return diagnostics.hasErrors ? nil : Array(zip(configurations, resources))
    }

    /// The vCPUs the engine's workers or servers need (one each), for sizing
    /// instances; for lambda, the batch layer's (its speed layer is sized apart).
    public var vcpus: Int {
        switch self {
        case .batch(let c): c.workers
        case .realtime(let c): c.servers
        case .streaming(let c), .kappa(let c): c.workers
        case .lambda(let c): c.batch.workers
        case .rerank(let c): c.rerank.servers
        case .oracle, .baseline: 0
        }
    }

    /// Workers of an always-on speed layer beside a batch layer (lambda), else 0.
    public var speedWorkers: Int {
        if case .lambda(let c) = self { return c.speed.workers }
        return 0
    }

    /// Workers of a burst candidates job beside always-on servers (rerank), else 0.
    public var candidateWorkers: Int {
        if case .rerank(let c) = self { return c.candidates.workers }
        return 0
    }

    public func makeEngine(name: String, index: Int32, randomness: RandomSource) -> any Engine {
        switch self {
        case .batch(let c): BatchEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .realtime(let c): RealTimeEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .streaming(let c): StreamingEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .kappa(let c): StreamingEngine(name: name, kind: .kappa, index: index, configuration: c, randomness: randomness)
        case .lambda(let c): LambdaEngine(name: name, index: index, configuration: c)
        case .rerank(let c): RerankEngine(name: name, index: index, configuration: c, randomness: randomness)
        case .oracle: OracleEngine(name: name)
        case .baseline: BaselineEngine(name: name)
        }
    }
}
