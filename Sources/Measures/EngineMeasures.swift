import Engines
import SimKernel
import Statistics
import Workloads

/// Everything measured about one engine, accumulated decision by decision
/// in O(1) memory: the ledger's rows are summarised on the fly, never kept.
///
///     var m = EngineMeasures(horizonStart: t0, horizonEnd: t1)
///     m.add(decision, answer, value: v)
public struct EngineMeasures: Sendable {
    public let start: SimTime
    public let end: SimTime
    public private(set) var decisions = 0
    public private(set) var onTime = 0
    public private(set) var fallbacks = 0
    public private(set) var value = 0.0
    /// Value per time bucket: batch means over the run for a confidence interval.
    public private(set) var valueByBucket: [Double]
    public private(set) var latency = DurationHistogram()
    public private(set) var staleness = DurationHistogram()
    public private(set) var stalenessMoments = RunningMoments()
    public private(set) var predictionAge = DurationHistogram()
    /// Mean staleness per time bucket: the sawtooth of a periodic job.
    public private(set) var stalenessByBucket: [RunningMoments]
    /// Value per decision by staleness bin (bin edges in `DecayCurve.edges`).
    public private(set) var decay = DecayCurve()
    public private(set) var quality = BinaryQuality()

    public static let buckets = 96

    public init(start: SimTime, end: SimTime) {
        self.start = start
        self.end = end
        valueByBucket = Array(repeating: 0, count: Self.buckets)
        stalenessByBucket = Array(repeating: RunningMoments(), count: Self.buckets)
    }

    func bucket(_ t: SimTime) -> Int {
        let span = max(1, (end - start).microseconds)
        return min(Self.buckets - 1, max(0, Int((t - start).microseconds * Int64(Self.buckets) / span)))
    }

    public mutating func add(_ decision: Decision, _ answer: Answer, value v: Double) {
        let r = decision.request
        decisions += 1
        if answer.answeredAt <= r.deadline { onTime += 1 }
        if answer.fallback { fallbacks += 1 }
        value += v
        let b = bucket(r.time)
        valueByBucket[b] += v
        latency.record(microseconds: (answer.answeredAt - r.time).microseconds)
        if let asOf = answer.featuresAsOf {
            let s = r.time - asOf
            staleness.record(microseconds: s.microseconds)
            stalenessMoments.add(s.seconds)
            stalenessByBucket[b].add(s.seconds)
            decay.add(staleness: s, value: v)
        }
        if let computed = answer.computedAt { predictionAge.record(microseconds: (r.time - computed).microseconds) }
        if let score = answer.score, r.kind == .authorization {
            quality.add(score: score, label: decision.truth.label, acted: answer.action == .block)
        }
    }

    /// Adds another replication's measures of the same engine.
    public mutating func merge(_ o: EngineMeasures) {
        decisions += o.decisions; onTime += o.onTime; fallbacks += o.fallbacks; value += o.value
        for i in valueByBucket.indices { valueByBucket[i] += o.valueByBucket[i] }
        latency.merge(o.latency); staleness.merge(o.staleness); predictionAge.merge(o.predictionAge)
        stalenessMoments.merge(o.stalenessMoments)
        for i in stalenessByBucket.indices { stalenessByBucket[i].merge(o.stalenessByBucket[i]) }
        decay.merge(o.decay)
        quality.merge(o.quality)
    }

    /// Total value with the 95% half-width from batch means over time buckets.
    public var valueInterval: ConfidenceInterval {
        let ci = ConfidenceInterval(replications: valueByBucket)
        return ConfidenceInterval(mean: ci.mean * Double(Self.buckets), halfWidth: ci.halfWidth * Double(Self.buckets),
                                  samples: ci.samples, level: ci.level)
    }
}

/// Value per decision against feature staleness, in logarithmic bins from
/// 1 ms to 30 days: the *measured* value decay curve.
public struct DecayCurve: Sendable {
    /// Upper edges of the bins, in seconds; the first bin also holds anything fresher.
    public static let edges: [Double] = [0.001, 0.01, 0.1, 1, 10, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
                                         86_400, 2 * 86_400, 4 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400, .infinity]
    public private(set) var sums = Array(repeating: 0.0, count: edges.count)
    public private(set) var counts = Array(repeating: 0, count: edges.count)

    public init() {}

    mutating func add(staleness: SimDuration, value: Double) {
        let s = staleness.seconds
        let i = Self.edges.firstIndex { s <= $0 } ?? Self.edges.count - 1
        sums[i] += value
        counts[i] += 1
    }

    mutating func merge(_ other: DecayCurve) {
        for i in sums.indices { sums[i] += other.sums[i]; counts[i] += other.counts[i] }
    }

    /// (bin upper edge in seconds, mean value per decision, decisions) for non-empty bins.
    public var points: [(edge: Double, meanValue: Double, count: Int)] {
        sums.indices.filter { counts[$0] > 0 }.map { (Self.edges[$0], sums[$0] / Double(counts[$0]), counts[$0]) }
    }
}

/// Classification quality from scores, in O(1) memory: AUC from 10,000-bin
/// score histograms (ties within a bin count half, so it differs from the
/// exact rank AUC by at most the mass sharing a bin), log-loss, and
/// precision/recall of the action taken.
public struct BinaryQuality: Sendable {
    static let bins = 10_000
    var positives = [Int](repeating: 0, count: bins)
    var negatives = [Int](repeating: 0, count: bins)
    public private(set) var logLoss = 0.0
    public private(set) var scored = 0
    public private(set) var truePositives = 0, falsePositives = 0, falseNegatives = 0

    public init() {}

    mutating func add(score: Float, label: Bool, acted: Bool) {
        let p = min(max(Double(score), 1e-15), 1 - 1e-15)
        let bin = min(Self.bins - 1, max(0, Int(p * Double(Self.bins))))
        if label { positives[bin] += 1 } else { negatives[bin] += 1 }
        logLoss -= label ? Double.log(p) : Double.log(1 - p)
        scored += 1
        switch (acted, label) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        default: break
        }
    }

    mutating func merge(_ o: BinaryQuality) {
        for i in positives.indices { positives[i] += o.positives[i]; negatives[i] += o.negatives[i] }
        logLoss += o.logLoss; scored += o.scored
        truePositives += o.truePositives; falsePositives += o.falsePositives; falseNegatives += o.falseNegatives
    }

    /// P(score of a positive > score of a negative), ties counted half.
    public var auc: Double? {
        let p = positives.reduce(0, +), n = negatives.reduce(0, +)
        guard p > 0, n > 0 else { return nil }
        var below = 0.0, wins = 0.0
        for i in 0..<Self.bins {
            wins += Double(positives[i]) * (below + Double(negatives[i]) / 2)
            below += Double(negatives[i])
        }
        return wins / (Double(p) * Double(n))
    }
    public var meanLogLoss: Double? { scored > 0 ? logLoss / Double(scored) : nil }
    public var precision: Double? { truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : nil }
    public var recall: Double? { truePositives + falseNegatives > 0 ? Double(truePositives) / Double(truePositives + falseNegatives) : nil }
}

import RealModule
