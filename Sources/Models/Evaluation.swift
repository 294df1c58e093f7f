import Foundation

/// Quality measures for scored decisions, as the ledger reports them: AUC,
/// log-loss, precision and recall at a threshold, precision@k.
///
///     let auc = Evaluation.auc(scores: predictions, labels: outcomes)   // nil if one class is absent
///     let loss = Evaluation.logLoss(probabilities: predictions, labels: outcomes)
public enum Evaluation {
    /// Area under the ROC curve, exactly: the Mann–Whitney U statistic over
    /// (positive, negative) pairs divided by their number, computed from the
    /// rank sum with tied scores given their average rank (Mann & Whitney,
    /// "On a test of whether one of two random variables is stochastically
    /// larger than the other", Ann. Math. Stat. 1947; Hanley & McNeil,
    /// Radiology 1982). A tied pair counts ½. Nil when either class is empty,
    /// where AUC is undefined.
    ///
    ///     Evaluation.auc(scores: [0.9, 0.4, 0.4], labels: [true, true, false])   // 0.75
    ///
    /// - Complexity: O(n log n) time, O(n) space.
    public static func auc<Score: BinaryFloatingPoint>(scores: [Score], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores but \(labels.count) labels")
        precondition(!scores.contains { $0.isNaN }, "a score is NaN; AUC needs ordered scores")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Sum of 1-based ranks of the positives, each tie group at its mean rank.
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            let meanRank = Double(start + 1 + end) / 2      // mean of start+1 … end
            for k in start..<end where labels[order[k]] { positiveRankSum += meanRank }
            start = end
        }
        let p = Double(positives), q = Double(negatives)
        let u = positiveRankSum - p * (p + 1) / 2
        return u / (p * q)
    }

    /// Mean binary cross-entropy −[y log p + (1 − y) log(1 − p)], with the
    /// probability of the observed outcome clamped to [ε, 1 − ε] so one
    /// confident miss costs −log ε instead of infinity.
    ///
    ///     Evaluation.logLoss(probabilities: [0.9, 0.2], labels: [true, false])  // (−ln .9 − ln .8)/2 ≈ 0.164
    ///
    /// - Complexity: O(n).
    public static func logLoss<Probability: BinaryFloatingPoint>(
        probabilities: [Probability], labels: [Bool], epsilon: Double = 1e-15
    ) -> Double {
        precondition(probabilities.count == labels.count, "\(probabilities.count) probabilities but \(labels.count) labels")
        precondition(!probabilities.isEmpty, "log-loss of no predictions is undefined")
        precondition(epsilon > 0 && epsilon < 0.5, "epsilon must be in (0, 0.5), got \(epsilon)")
        var total = 0.0
        for (probability, label) in zip(probabilities, labels) {
            // Clamp the probability given to the outcome that happened, not p
            // itself: 1 − (1 − ε) is not ε in floating point.
            let p = Double(probability)
            let assigned = label ? p : 1 - p
            total -= log(min(max(assigned, epsilon), 1 - epsilon))
        }
        return total / Double(labels.count)
    }

    /// The confusion counts when every score ≥ `threshold` is called
    /// positive.
    ///
    ///     let c = Evaluation.confusion(scores: p, labels: y, threshold: 0.5)
    ///     print(c.precision ?? .nan, c.recall ?? .nan)
    ///
    /// - Complexity: O(n).
    public static func confusion<Score: BinaryFloatingPoint>(scores: [Score], labels: [Bool], threshold: Score) -> Confusion {
        precondition(scores.count == labels.count, "\(scores.count) scores but \(labels.count) labels")
        var c = Confusion()
        for (score, label) in zip(scores, labels) {
            switch (score >= threshold, label) {
            case (true, true): c.truePositives += 1
            case (true, false): c.falsePositives += 1
            case (false, true): c.falseNegatives += 1
            case (false, false): c.trueNegatives += 1
            }
        }
        return c
    }

    /// Fraction of the first `k` entries of `ranked` that are in `relevant`.
    /// The denominator is `k` even when the list is shorter: a recommender
    /// that fills 3 of 5 slots is charged for the 2 empty ones. Entries of
    /// `ranked` are assumed distinct.
    ///
    ///     Evaluation.precisionAtK(ranked: [7, 3, 9, 1], relevant: [3, 1], k: 3)  // 1/3
    ///
    /// - Complexity: O(k).
    public static func precisionAtK<Item: Hashable>(ranked: [Item], relevant: Set<Item>, k: Int) -> Double {
        precondition(k > 0, "k must be positive, got \(k)")
        let hits = ranked.prefix(k).reduce(0) { $0 + (relevant.contains($1) ? 1 : 0) }
        return Double(hits) / Double(k)
    }

    /// True/false positives and negatives at one threshold.
    public struct Confusion: Sendable, Equatable, Codable {
        public var truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0

        public init() {}

        /// TP / (TP + FP); nil when nothing was called positive.
        public var precision: Double? {
            let called = truePositives + falsePositives
            return called == 0 ? nil : Double(truePositives) / Double(called)
        }

        /// TP / (TP + FN); nil when there are no positives.
        public var recall: Double? {
            let actual = truePositives + falseNegatives
            return actual == 0 ? nil : Double(truePositives) / Double(actual)
        }
    }
}
