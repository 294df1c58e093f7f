import Features
import ScenarioSpec
import SimKernel
import Workloads

/// How an engine turns what it knows into the business's action: the one
/// place that knows the three shapes a decision takes, so that every engine
/// differs only in *when* its features were read.
///
///     let decider = Decider(models, usesRequestFeatures: true, context)
///     let (action, score) = decider.decide(request, features: { pipeline.values(for: $0, at: now) }, items: { … })
///
/// - **Per decision** (fraud): one entity's score → block or approve
///   (`DecisionPolicy.action`).
/// - **Population** (churn): every customer's score → contact the best, up to
///   the campaign's budget (`DecisionPolicy.contacts`).
/// - **Ranking** (digest, ui, recsys): a user's features and the catalogue's
///   → the user's best items (`RankingModel`).
///
/// A class: an engine holds one per model and consults it on every
/// decision, which should not copy the models and the view each time.
public final class Decider: Sendable {
    public enum Shape: Sendable, Equatable {
        case perDecision, population, ranking
    }

    public let shape: Shape
    /// The entity-feature model (per-decision and population shapes).
    public let scoring: ScoringModel
    public let ranking: RankingModel?
    let workload: any Workload
    let policy: DecisionPolicy
    let view: FeatureView

    /// The shape of a workload's decisions.
    public static func shape(of kind: WorkloadKind) -> Shape {
        switch kind {
        case .fraud: .perDecision
        case .churn: .population
        case .digest, .ui, .recsys: .ranking
        }
    }

    /// `usesRequestFeatures` picks the full model over the entity-only one
    /// (what an engine that scores on request can use).
    public init(_ models: TrainedModels, usesRequestFeatures: Bool, _ context: EngineContext) {
        shape = Self.shape(of: context.workload.kind)
        scoring = usesRequestFeatures ? models.full : models.entityOnly
        ranking = models.ranking
        workload = context.workload
        policy = DecisionPolicy(context.workload)
        view = context.view
        precondition(shape != .ranking || ranking != nil, "a ranking workload's models include a ranking model")
    }

    public var version: String { ranking?.version ?? scoring.version }

    /// The shortest hop of the item features' windows: how often their values can change.
    var catalogueRefresh: SimDuration {
        view.itemAggregates.map { a -> SimDuration in
            switch a.window {
            case .sliding(_, let hop): hop
            case .tumbling(let size): size
            case .session(let gap): gap
            }
        }.min() ?? .minutes(1)
    }

    // MARK: Scores

    /// The entity-feature model's probability.
    public func score(_ features: [Float], request: DecisionRequest?) -> Float {
        scoring.score(view, entity: features, request: request)
    }

    /// Block or approve, from a score (per-decision shape).
    public func action(for request: DecisionRequest, score: Float) -> Action? {
        policy.action(for: request, score: score)
    }

    /// Whom a campaign contacts, from every entity's score (population shape).
    public func contacts(_ request: DecisionRequest, scored: [(entity: Int32, score: Float)]) -> [Int32] {
        policy.contacts(for: request, scored: scored)
    }

    // MARK: Ranking

    public func prepare(_ snapshot: CatalogueSnapshot) -> PreparedItems { ranking!.prepare(snapshot, view) }

    public func rank(user: Int32, features: [Float], _ items: PreparedItems, count: Int) -> [RankingModel.RankedItem] {
        ranking!.rank(user: user, features: features, view, items, count: count)
    }

    public func rerank(_ shortlist: [Int32], user: Int32, features: [Float], _ items: PreparedItems, count: Int)
        -> [RankingModel.RankedItem] {
        ranking!.rerank(shortlist, user: user, features: features, view, items, count: count)
    }

    // MARK: Stored predictions (batch jobs, streams)

    /// What an engine that computes ahead of decisions stores for one entity
    /// from its features: a score and, for ranking, its best `length` items
    /// (the score is then the first item's).
    public func prediction(for entity: Int32, features: [Float], items: PreparedItems?, length: Int) -> (score: Float, items: [Int32]) {
        guard shape == .ranking else { return (score(features, request: nil), []) }
        guard let items else { return (0, []) }
        let ranked = rank(user: entity, features: features, items, count: length)
        return (ranked.first?.score ?? 0, ranked.map(\.item))
    }

    /// The action for one entity's decision from a stored prediction
    /// (per-decision and ranking shapes; a population decision reads all of them).
    public func action(for request: DecisionRequest, storedScore: Float, items: [Int32]) -> Action? {
        switch shape {
        case .perDecision: action(for: request, score: storedScore)
        case .ranking: .ranking(Array(items.prefix(Int(request.slateSize))))
        case .population: preconditionFailure("a population decision is answered from every entity's prediction")
        }
    }

    // MARK: On request

    /// Decides from features read now: `features(entity)` returns any
    /// entity's features at the engine's freshness (a population decision
    /// reads every entity's), `items()` the catalogue it ranks against.
    /// Returns the action and the score behind it (the top item's or the
    /// first contact's for a list).
    public func decide(_ request: DecisionRequest, features: (Int32) -> [Float], items: () -> PreparedItems?)
        -> (action: Action?, score: Float?) {
        switch shape {
        case .perDecision:
            let s = score(features(request.entity), request: request)
            return (action(for: request, score: s), s)
        case .population:
            let scored = (0..<Int32(workload.entityCount)).map { ($0, score(features($0), request: nil)) }
            let ids = contacts(request, scored: scored)
            return (.contact(ids), scored.first { $0.0 == ids.first }?.1)
        case .ranking:
            guard let items = items() else { return (nil, nil) }
            let ranked = rank(user: request.entity, features: features(request.entity), items, count: Int(request.slateSize))
            return (.ranking(ranked.map(\.item)), ranked.first?.score)
        }
    }
}

/// The prepared catalogue an engine ranks against, read again when a hop
/// boundary of the item windows passes (their values change only then; an
/// item's age drifts by less than a hop meanwhile) or the model changes:
/// once per hop instead of once per request.
struct CatalogueCache {
    private var prepared: PreparedItems?
    private var version = ""

    /// The cached items if still current at `now`, else `read()` prepared anew.
    mutating func items(at now: SimTime, _ decider: Decider, read: () -> CatalogueSnapshot?) -> PreparedItems? {
        let hop = decider.catalogueRefresh.microseconds
        if let p = prepared, version == decider.version, now >= p.asOf, now.microseconds / hop == p.asOf.microseconds / hop {
            return p
        }
        guard let snapshot = read() else { return nil }
        prepared = decider.prepare(snapshot)
        version = decider.version
        return prepared
    }

    /// Forgets the cached items (the state behind them was replaced).
    mutating func invalidate() { prepared = nil }
}
