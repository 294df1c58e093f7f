import Engines
import Features
import Foundation
import Randomness
import SimKernel
import Stores
import Workloads

extension ScenarioSimulation {
    /// The models the workload's decisions need, fitted on what is labelled
    /// so far, by the shape of its decisions:
    ///
    /// - one entity per decision (fraud): the sampled decisions and their
    ///   truth, joined point in time to the offline store;
    /// - a whole population (churn campaigns): each sampled campaign becomes
    ///   one row per entity, labelled by the workload's per-entity truth at
    ///   the campaign (`EntityLabels`) — read here, by the driver, as a
    ///   decision's truth is; never by an engine — then joined the same way;
    /// - rankings (digest, ui, recsys): the period's clicks, replayed from
    ///   the offline store in arrival order (`RankingModel.fit`).
    func fitModels() throws -> TrainedModels {
        switch Decider.shape(of: plan.workload.kind) {
        case .perDecision:
            return try fitOnDecisions(training)
        case .population:
            return try fitOnDecisions(entityRows(of: training))
        case .ranking:
            let end = context.now
            let start = fits == 0 ? SimTime.zero : end - (plan.scenario.retrain ?? (end - .zero))
            let reach = plan.view.reach
            var options = RankingModel.FitOptions()
            options.seed = plan.scenario.seed &+ UInt64(fits)
            let fitted = try RankingModel.fit(plan.view, from: start, to: end, options: options) { body in
                // From a reach before the period, so the first clicks' windows are full.
                try context.offlineStore.forEachArrival(after: start - reach, upTo: end, body)
            }
            return .ranking(fitted.model, trainingRows: fitted.rows, positives: fitted.positives)
        }
    }

    /// Fits the entity models on sampled decisions with entity-level labels.
    func fitOnDecisions(_ sample: TrainingSample) throws -> TrainedModels {
        let rows = sample.rows
        guard rows.contains(where: \.truth.label), rows.contains(where: { !$0.truth.label }) else {
            throw SimulationError("warm-up \(plan.scenario.warmup) produced no \(rows.contains(where: \.truth.label) ? "negative" : "positive") labels to train on; lengthen 'warmup' or raise the scale")
        }
        let set = try context.offlineStore.trainingSet(plan.view, labels: rows.map { ($0.request.entity, $0.request.time, $0.truth.label) })
        return try TrainedModels.fit(plan.view, entityFeatures: set.features, requests: rows.map(\.request),
                                     labels: set.labels, negativeRate: sample.negativeRate)
    }

    /// One labelled row per entity and sampled population decision: the
    /// entity as the decision saw it, positive if it was then.
    func entityRows(of sample: TrainingSample) throws -> TrainingSample {
        guard let truth = plan.workload as? any EntityLabels else {
            throw SimulationError("the '\(plan.workload.kind.rawValue)' workload labels no single entity to train on")
        }
        var expanded = TrainingSample(randomness: RandomSource(seed: plan.scenario.seed).source("training").stream("entities-\(fits)"))
        let population = Int64(plan.workload.entityCount)
        for d in sample.rows where d.request.entity < 0 {
            for entity in 0..<Int32(population) {
                let request = DecisionRequest(id: d.request.id * population + Int64(entity), kind: d.request.kind,
                                              time: d.request.time, deadline: d.request.deadline, entity: entity)
                expanded.offer(Decision(request: request, truth: Truth(label: truth.label(of: entity, at: d.request.time))))
            }
        }
        return expanded
    }
}

/// The model fits of one replication, shared by the simulations its engines
/// are split into (`EngineGroups`): each would fit exactly the same models —
/// the same workload, seed and training sample, joined to the same offline
/// store — so the first to reach a fit makes it and the others wait for it,
/// as one training pipeline serves every tempo. A fit that failed fails for
/// every simulation that waits on it.
///
///     let fits = SharedFits()
///     let models = try fits.fit(0) { try simulation.fitModels() }
public final class SharedFits: @unchecked Sendable {
    private let condition = NSCondition()
    private var fits: [Int: Result<TrainedModels, any Error>] = [:]
    private var inProgress: Set<Int> = []

    public init() {}

    /// Fit number `number` (0: the end of warm-up, then one per retraining):
    /// made by `make` if no simulation has made or is making it, else the
    /// one it made, once made.
    public func fit(_ number: Int, make: () throws -> TrainedModels) throws -> TrainedModels {
        condition.lock()
        while inProgress.contains(number) { condition.wait() }
        if let made = fits[number] {
            condition.unlock()
            return try made.get()
        }
        inProgress.insert(number)
        condition.unlock()
        let made = Result { try make() }
        condition.lock()
        fits[number] = made
        inProgress.remove(number)
        condition.broadcast()
        condition.unlock()
        return try made.get()
    }
}
