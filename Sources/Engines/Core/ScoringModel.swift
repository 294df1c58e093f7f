import Features
import Models
import SimKernel
import Workloads

/// A fitted model with the inputs it expects: entity features only (what a
/// batch job or a stream can score ahead of a request), or entity and
/// request features (what a real-time engine scores on request).
public struct ScoringModel: Sendable {
    public let regression: LogisticRegression
    public let usesRequestFeatures: Bool
    public var version: String { regression.version.id }

    public init(regression: LogisticRegression, usesRequestFeatures: Bool) {
        self.regression = regression
        self.usesRequestFeatures = usesRequestFeatures
    }

    /// The model's input row: entity features (missing → 0), then request
    /// features when the model uses them.
    public func input(_ view: FeatureView, entity: some Collection<Float>, request: DecisionRequest?) -> [Float] {
        // Sized for the request features from the start: a row made by `map`
        // was exactly full, and appending them moved it to a new allocation
        // on every decision scored on request.
        var row: [Float] = []
        row.reserveCapacity(entity.count + (usesRequestFeatures ? view.requestFeatures.count : 0))
        for x in entity { row.append(x.isNaN ? 0 : x) }
        if usesRequestFeatures {
            let raw = Array(entity)
            if let request { view.requestValues(request, entity: raw, into: &row) }
            else { row.append(contentsOf: repeatElement(0, count: view.requestFeatures.count)) }
        }
        return row
    }

    public func score(_ view: FeatureView, entity: some Collection<Float>, request: DecisionRequest?) -> Float {
        regression.score(input(view, entity: entity, request: request))
    }
}

/// The models fitted on the warm-up period, shared by every engine.
public struct TrainedModels: Sendable {
    public let entityOnly: ScoringModel
    public let full: ScoringModel
    public let trainingRows: Int
    public let positives: Int
    /// The ranking workloads' model (see `RankingModel`); nil for the others.
    public var ranking: RankingModel? = nil

    /// Fits both models on a point-in-time-correct training set. Negatives may
    /// have been subsampled at `negativeRate`; the intercept is corrected by
    /// log(rate) so probabilities stay calibrated (King & Zeng, "Logistic
    /// regression in rare events data", Political Analysis 2001).
    public static func fit(_ view: FeatureView, entityFeatures: [[Float]], requests: [DecisionRequest], labels: [Bool],
                           negativeRate: Double) throws -> TrainedModels {
        func fit(_ withRequest: Bool) throws -> ScoringModel {
            let shape = ScoringModel(regression: LogisticRegression(weights: [0], intercept: 0), usesRequestFeatures: withRequest)
            var matrix = FeatureMatrix(columns: withRequest ? view.width : view.entityFeatureCount)
            matrix.reserveCapacity(rows: labels.count)
            for (features, request) in zip(entityFeatures, requests) {
                matrix.append(row: shape.input(view, entity: features, request: request))
            }
            let fitted = try LogisticRegression.fit(matrix, labels: labels, options: .init(l2: 1))
            let corrected = LogisticRegression(weights: fitted.weights, intercept: fitted.intercept + Float(Double.log(negativeRate)))
            return ScoringModel(regression: corrected, usesRequestFeatures: withRequest)
        }
        return TrainedModels(entityOnly: try fit(false), full: try fit(true),
                             trainingRows: labels.count, positives: labels.filter { $0 }.count)
    }
}

/// Turns scores into the business's actions, per workload: what the
/// business knows of its own costs, read from the workload once (a cast per
/// decision copied the workload's parameters every time).
public struct DecisionPolicy: Sendable {
    /// Fraud's cost of blocking a legitimate payment; nil for other workloads.
    let frictionCost: Double?
    /// Churn: the score a customer must beat to be worth an offer; 0 for other workloads.
    let contactFloor: Float

    public init(_ workload: any Workload) {
        frictionCost = (workload as? FraudWorkload)?.parameters.frictionCost.dollars
        if let churn = workload as? ChurnWorkload {
            let p = churn.parameters
            contactFloor = Float(p.offerCost.dollars / (p.interventionSuccess * p.customerValue.dollars))
        } else {
            contactFloor = 0
        }
    }

    /// Fraud: block when the expected saving beats the expected friction,
    /// p·amount > (1 − p)·friction.
    public func action(for request: DecisionRequest, score: Float) -> Action? {
        guard let frictionCost else { return nil }
        let p = Double(score)
        return p * request.amount > (1 - p) * frictionCost ? .block : .approve
    }

    /// A retention campaign: the customers most likely at risk, best first,
    /// up to the budget (`slateSize`) — but only those worth an offer, whose
    /// p·(success at the onset)·(typical customer value) beats the offer's
    /// cost: the business knows its own offer, success rate and customers'
    /// typical value, not who is at risk since when.
    public func contacts(for request: DecisionRequest, scored: [(entity: Int32, score: Float)]) -> [Int32] {
        scored.filter { $0.score > contactFloor }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.entity < $1.entity }
            .prefix(Int(request.slateSize))
            .map(\.entity)
    }
}

import RealModule
