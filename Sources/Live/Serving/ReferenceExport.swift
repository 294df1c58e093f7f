import Engines
import Features
import Foundation
import Workloads

/// The fraud engine's frozen state as plain JSON — every entity's online
/// features, the model's weights, the request features and the decision
/// rule — so a reference service in another stack (Benchmarks/fastapi_reference.py)
/// can do exactly the same scoring for a like-for-like benchmark.
///
///     try ReferenceExport.fraud(model).write(to: URL(fileURLWithPath: "/tmp/fraud-reference.json"))
public enum ReferenceExport {
    public struct Unsupported: Error, CustomStringConvertible { public let description: String }

    public static func fraud(_ model: LiveModel) throws -> Data {
        let state = model.state
        guard let fraud = state.workload as? FraudWorkload else {
            throw Unsupported(description: "the reference export covers the fraud workload only")
        }
        let scoring = state.decider.scoring
        let request: [String] = state.view.requestFeatures.map {
            switch $0 {
            case .logAmount: "log_amount"
            case .amountOver(let i): "amount_over:\(i)"
            case .itemAtLeast(let t): "item_at_least:\(t)"
            case .hourOfDay: "hour_of_day"
            }
        }
        var entities: [[Float]] = []
        entities.reserveCapacity(state.entityCount)
        for e in 0..<Int32(state.entityCount) { entities.append(state.entityFeatures(e)) }
        let object: [String: Any] = [
            "model_version": state.decider.version,
            "weights": scoring.regression.weights.map(Double.init),
            "intercept": Double(scoring.regression.intercept),
            "request_features": request,
            "uses_request_features": scoring.usesRequestFeatures,
            "now_us": state.now.microseconds,
            "features_as_of_us": state.featuresAsOf.microseconds,
            "friction": fraud.parameters.frictionCost.dollars,
            // NaN (a missing value) is written as null; the scorer reads it as 0, as ScoringModel.input does.
            "entity_features": entities.map { $0.map { $0.isNaN ? NSNull() as Any : Double($0) as Any } },
        ]
        return try JSONSerialization.data(withJSONObject: object)
    }
}
