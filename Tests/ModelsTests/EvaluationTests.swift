import Foundation
import Randomness
import Testing
@testable import Models

@Suite struct EvaluationTests {
    /// AUC is P(score of a random positive > score of a random negative),
    /// ties counting ½: count it pair by pair and compare with the rank
    /// formula, on data with many ties (scores on a grid of 7 values).
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func aucEqualsTheBruteForcePairCount(seed: UInt64) throws {
        var rng = RandomSource(seed: seed).stream("auc")
        let n = 300 + Int(rng.next() % 200)
        var scores: [Float] = [], labels: [Bool] = []
        for _ in 0..<n {
            let label = rng.nextUniform() < 0.3
            let level = Int(rng.next() % 7) + (label ? 1 : 0)   // positives a little higher, heavy ties
            scores.append(Float(level) / 8)
            labels.append(label)
        }
        var wins = 0.0, pairs = 0.0
        for i in 0..<n where labels[i] {
            for j in 0..<n where !labels[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        let auc = try #require(Evaluation.auc(scores: scores, labels: labels))
        #expect(abs(auc - wins / pairs) < 1e-12, "\(auc) vs \(wins / pairs)")
    }

    @Test func aucHandWorked() {
        #expect(Evaluation.auc(scores: [0.9, 0.4, 0.4], labels: [true, true, false]) == 0.75)
        #expect(Evaluation.auc(scores: [0.1, 0.2, 0.3, 0.4], labels: [false, false, true, true]) == 1)
        #expect(Evaluation.auc(scores: [0.1, 0.2, 0.3, 0.4], labels: [true, true, false, false]) == 0)
        #expect(Evaluation.auc(scores: [0.5, 0.5], labels: [true, false]) == 0.5)
        #expect(Evaluation.auc(scores: [0.5, 0.7], labels: [true, true]) == nil)
    }

    /// p = (0.9, 0.2, 0.6), y = (1, 0, 0):
    /// −(ln 0.9 + ln 0.8 + ln 0.4)/3 = (0.1053605 + 0.2231436 + 0.9162907)/3 = 0.4149316.
    @Test func logLossHandWorked() {
        let loss = Evaluation.logLoss(probabilities: [0.9, 0.2, 0.6] as [Double], labels: [true, false, false])
        #expect(abs(loss - 0.414_931_6) < 1e-7)
        // A certain miss costs −ln ε, not infinity; a certain hit costs ≈ 0.
        let clamped = Evaluation.logLoss(probabilities: [0, 1] as [Float], labels: [true, true], epsilon: 1e-7)
        #expect(abs(clamped - (-log(1e-7) - log1p(-1e-7)) / 2) < 1e-9)
        #expect(abs(Evaluation.logLoss(probabilities: [1] as [Double], labels: [false]) + log(1e-15)) < 1e-6)
    }

    /// Scores ≥ 0.5 are called positive: (0.9 ✓, 0.8 ✗, 0.6 ✓, 0.4 ✓, 0.1 ✗)
    /// → TP 2, FP 1, FN 1, TN 1; precision 2/3, recall 2/3.
    @Test func precisionAndRecallAtAThreshold() {
        let c = Evaluation.confusion(scores: [0.9, 0.8, 0.6, 0.4, 0.1] as [Double],
                                     labels: [true, false, true, true, false], threshold: 0.5)
        #expect(c.truePositives == 2 && c.falsePositives == 1 && c.falseNegatives == 1 && c.trueNegatives == 1)
        #expect(c.precision == 2.0 / 3 && c.recall == 2.0 / 3)
        let none = Evaluation.confusion(scores: [0.1] as [Float], labels: [false], threshold: 0.5)
        #expect(none.precision == nil && none.recall == nil)
    }

    /// Ranked [7, 3, 9, 1, 4], relevant {3, 1, 8}: top-1 has no hit (0),
    /// top-2 one (½), top-4 two (½), and a top-10 of a 5-item list is still
    /// divided by 10 (2/10).
    @Test func precisionAtKHandWorked() {
        let ranked = [7, 3, 9, 1, 4], relevant: Set = [3, 1, 8]
        #expect(Evaluation.precisionAtK(ranked: ranked, relevant: relevant, k: 1) == 0)
        #expect(Evaluation.precisionAtK(ranked: ranked, relevant: relevant, k: 2) == 0.5)
        #expect(Evaluation.precisionAtK(ranked: ranked, relevant: relevant, k: 4) == 0.5)
        #expect(Evaluation.precisionAtK(ranked: ranked, relevant: relevant, k: 10) == 0.2)
    }

    /// A fitted model scores well above chance on held-out data from its own
    /// generating process, and its log-loss beats the constant predictor's.
    @Test func fittedModelEvaluatesSensibly() throws {
        let (x, y) = logisticData(rows: 20_000, weights: [1.5, -1], intercept: 0, seed: 31)
        let (tx, ty) = logisticData(rows: 5_000, weights: [1.5, -1], intercept: 0, seed: 32)
        let model = try LogisticRegression.fit(x, labels: y)
        let p = model.scores(tx)
        let auc = try #require(Evaluation.auc(scores: p, labels: ty))
        #expect(auc > 0.8)
        let base = Double(ty.filter { $0 }.count) / Double(ty.count)
        #expect(Evaluation.logLoss(probabilities: p, labels: ty) < Evaluation.logLoss(probabilities: [Double](repeating: base, count: ty.count), labels: ty))
    }
}
