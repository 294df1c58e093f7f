import Foundation
import Models
import Randomness

/// Vectorised against per-record scoring with the Models target's logistic
/// regression, in process: `scores(_:)` over a whole matrix beside a loop
/// calling `score(_:)` on one row at a time (rows already in memory, so only
/// the scoring is timed). Median of `repetitions` after a warm-up.
///
///     let s = ScoringSpeedup.measure(rows: 200_000, columns: 12)
///     print(s.vectorisedRowsPerSecond / s.perRecordRowsPerSecond)
public struct ScoringSpeedup: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var vectorisedRowsPerSecond: Double
    public var perRecordRowsPerSecond: Double

    public var speedup: Double { vectorisedRowsPerSecond / perRecordRowsPerSecond }

    public static func measure(rows: Int, columns: Int, repetitions: Int = 5, seed: UInt64 = 1) -> ScoringSpeedup {
        var rng = RandomSource(seed: seed).stream("scoring")
        let values = (0..<(rows * columns)).map { _ in Float(rng.nextUniform() * 2 - 1) }
        let matrix = FeatureMatrix(columns: columns, rowMajor: values)
        let records = (0..<rows).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
        let model = LogisticRegression(weights: (0..<columns).map { _ in Float(rng.nextUniform() - 0.5) }, intercept: -2)
        // Enough repetitions of tiny batches that the clock can see them.
        let inner = max(1, 100_000 / rows)
        func rate(_ work: () -> Float) -> Double {
            var sink: Float = 0
            sink += work()
            let clock = ContinuousClock()
            var rates: [Double] = []
            for _ in 0..<repetitions {
                let start = clock.now
                for _ in 0..<inner { sink += work() }
                rates.append(Double(rows * inner) / max((clock.now - start).seconds, 1e-9))
            }
            if sink.isNaN { print("") }  // keeps the work observable
            return rates.sorted()[rates.count / 2]
        }
        let vectorised = rate { model.scores(matrix).last ?? 0 }
        let perRecord = rate {
            var last: Float = 0
            for record in records { last = model.score(record) }
            return last
        }
        return ScoringSpeedup(rows: rows, columns: columns, vectorisedRowsPerSecond: vectorised, perRecordRowsPerSecond: perRecord)
    }
}
