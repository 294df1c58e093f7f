import Foundation
import Randomness
import Testing
@testable import Models

/// Synthetic logistic data: X ~ N(0, I) and y ~ Bernoulli(σ(X·w + b)).
func logisticData(rows n: Int, weights w: [Double], intercept b: Double, seed: UInt64) -> (FeatureMatrix, [Bool]) {
    let source = RandomSource(seed: seed)
    var features = source.stream("features"), outcomes = source.stream("labels")
    var x = FeatureMatrix(columns: w.count)
    x.reserveCapacity(rows: n)
    var labels: [Bool] = []
    labels.reserveCapacity(n)
    var row = [Float](repeating: 0, count: w.count)
    for _ in 0..<n {
        var eta = b
        for j in 0..<w.count {
            row[j] = Float(Normal.standard(&features))
            eta += w[j] * Double(row[j])
        }
        x.append(row: row)
        labels.append(outcomes.nextUniform() < 1 / (1 + exp(-eta)))
    }
    return (x, labels)
}

/// A matrix of `rows` × `columns` uniform values on [−2, 2).
func uniformMatrix(rows: Int, columns: Int, seed: UInt64) -> FeatureMatrix {
    var rng = RandomSource(seed: seed).stream("uniform")
    return FeatureMatrix(columns: columns, rowMajor: (0..<rows * columns).map { _ in Float(rng.nextUniform() * 4 - 2) })
}

@Suite struct LogisticRegressionTests {
    /// The maximum-likelihood estimate is asymptotically normal with
    /// covariance I(β)⁻¹/n, I the per-row Fisher information E[σ(1−σ) x̃x̃ᵀ].
    /// For these weights and x ~ N(0, I₄), I was evaluated numerically (4M
    /// Monte Carlo rows): at n = 200,000 the standard errors are 0.0062
    /// (intercept), 0.0071, 0.0095, 0.0063 and 0.0060. A tolerance of 0.05 is
    /// therefore at least 5.3 standard errors on every coefficient (a miss by
    /// chance has odds under 1 in 10 million), while a wrong gradient, a
    /// wrong fold of the standardisation or a sign error would miss it by far.
    /// The default penalty λ = 1 biases coefficients by about λβ/(n·Iⱼⱼ) < 1e−4.
    @Test func recoversKnownWeights() throws {
        let truth = [1.0, -2.0, 0.5, 0.0], bias = -0.5
        let (x, y) = logisticData(rows: 200_000, weights: truth, intercept: bias, seed: 11)
        let model = try LogisticRegression.fit(x, labels: y)
        for j in 0..<truth.count {
            #expect(abs(Double(model.weights[j]) - truth[j]) < 0.05, "weight \(j): \(model.weights[j]) vs \(truth[j])")
        }
        #expect(abs(Double(model.intercept) - bias) < 0.05, "intercept \(model.intercept)")
        let diagnostics = try #require(model.diagnostics)
        #expect(diagnostics.converged)
        #expect(diagnostics.iterations < 15, "Newton should converge in a handful of steps, took \(diagnostics.iterations)")
        #expect(diagnostics.ridgeEscalations == 0 && diagnostics.l2 == 1)
        for (before, after) in zip(diagnostics.objective, diagnostics.objective.dropFirst()) { #expect(after <= before) }
        #expect(model.standardization != nil && model.standardizedWeights?.count == 4)
    }

    /// Standardising changes only the coordinates the fit works in: with a
    /// negligible penalty both fits land on the same MLE in raw space.
    @Test func standardisationIsFoldedBackExactly() throws {
        let (x, y) = logisticData(rows: 20_000, weights: [0.8, -0.3, 1.2], intercept: 0.4, seed: 12)
        // Shift and stretch the columns so centring and scaling really matter.
        var shifted = x
        for r in 0..<x.rows {
            shifted[r, 0] = x[r, 0] * 10 + 50
            shifted[r, 2] = x[r, 2] * 0.1 - 3
        }
        let a = try LogisticRegression.fit(shifted, labels: y, options: .init(l2: 1e-8, standardize: true))
        let b = try LogisticRegression.fit(shifted, labels: y, options: .init(l2: 1e-8, standardize: false))
        for j in 0..<3 {
            #expect(abs(a.weights[j] - b.weights[j]) <= 1e-4 * max(1, abs(b.weights[j])), "weight \(j)")
        }
        #expect(abs(a.intercept - b.intercept) < 1e-3)
        // And they recover the unshifted weights: w₀/10, w₁, w₂/0.1.
        #expect(abs(a.weights[0] - 0.08) < 0.01 && abs(a.weights[2] - 12) < 0.5)
    }

    /// Two identical columns make XᵀWX singular; with λ = 0 the fit must
    /// raise the penalty rather than fail, split the shared weight evenly
    /// (the ridge solution is symmetric) and still predict as the truth does.
    @Test func singularHessianFallsBackToALargerRidge() throws {
        let (base, y) = logisticData(rows: 50_000, weights: [1.0, -1.0], intercept: 0, seed: 13)
        var x = FeatureMatrix(columns: 4)
        for r in 0..<base.rows { x.append(row: [base[r, 0], base[r, 0], base[r, 1], 7]) }  // duplicate and constant columns
        for standardize in [false, true] {
            let model = try LogisticRegression.fit(x, labels: y, options: .init(l2: 0, standardize: standardize))
            let diagnostics = try #require(model.diagnostics)
            #expect(diagnostics.ridgeEscalations >= 1 && diagnostics.l2 > 0)
            #expect(diagnostics.converged)
            #expect(abs(model.weights[0] - model.weights[1]) < 1e-3)
            // Standard error of the summed weight is about 0.012 at this n.
            #expect(abs(model.weights[0] + model.weights[1] - 1) < 0.06)
            #expect(abs(model.weights[2] + 1) < 0.06)
            #expect(abs(model.weights[3] * 7 + model.intercept) < 0.06, "constant column and intercept share the bias")
        }
    }

    @Test func rejectsUnfittableInput() {
        let x = FeatureMatrix(columns: 2, rowMajor: [1, 2, 3, 4])
        #expect(throws: LogisticRegression.FitError.singleClass(positive: true)) {
            try LogisticRegression.fit(x, labels: [true, true])
        }
        #expect(throws: LogisticRegression.FitError.labelCount(rows: 2, labels: 1)) {
            try LogisticRegression.fit(x, labels: [true])
        }
        #expect(throws: LogisticRegression.FitError.noRows) {
            try LogisticRegression.fit(FeatureMatrix(columns: 2), labels: [])
        }
        let bad = FeatureMatrix(columns: 2, rowMajor: [1, 2, .nan, 4])
        #expect(throws: LogisticRegression.FitError.nonFiniteFeature(row: 1, column: 0)) {
            try LogisticRegression.fit(bad, labels: [true, false])
        }
    }

    /// The batch kernel and the per-record path run the same arithmetic, so
    /// they agree exactly, for the SIMD16 fast path and the general path
    /// (widths below, at and around multiples of 8), with row counts that
    /// leave partial blocks, partial SIMD chunks and, above 8 × 1,024 rows,
    /// a remainder after the 8 interleaved streams; and both stay within
    /// 1e−6 of σ(w·x + b) computed in Double.
    @Test(arguments: [1, 3, 7, 8, 15, 16, 17, 24, 33])
    func vectorisedScoresEqualPerRecordScores(columns: Int) {
        let rows = columns % 2 == 0 ? 9_001 + columns : 2_071   // even widths take the 8-stream path
        let x = uniformMatrix(rows: rows, columns: columns, seed: UInt64(columns))
        var rng = RandomSource(seed: 99).stream("weights")
        let weights = (0..<columns).map { _ in Float(Normal.standard(&rng)) / Float(columns).squareRoot() }
        let model = LogisticRegression(weights: weights, intercept: -0.3)
        let batch = model.scores(x)
        var worst = 0.0
        for r in 0..<x.rows {
            let single = x.withUnsafeRow(r) { model.score($0) }
            #expect(single == batch[r], "row \(r)")
            var eta = -0.3
            for j in 0..<columns { eta += Double(weights[j]) * Double(x[r, j]) }
            worst = max(worst, abs(Double(batch[r]) - 1 / (1 + exp(-eta))))
        }
        #expect(worst < 1e-6, "max deviation from Double σ(w·x + b): \(worst)")
        #expect(model.score(Array(x[row: 5])) == batch[5])
    }

    @Test func threadedScoringIsBitIdentical() {
        let x = uniformMatrix(rows: 300_001, columns: 16, seed: 5)
        let model = LogisticRegression(weights: (0..<16).map { Float($0 % 5) * 0.2 - 0.4 }, intercept: 0.1)
        let single = model.scores(x)
        for threads in [2, 3, 8] { #expect(model.scores(x, threads: threads) == single, "threads \(threads)") }
    }

    /// Backs the accuracy stated on `FastSigmoid`.
    @Test func sigmoidAccuracy() {
        var worstAbsolute = 0.0, worstRelative = 0.0
        func check(_ z: Float) {
            let exact = 1 / (1 + exp(-Double(z)))
            let scalar = FastSigmoid.sigmoid(z)
            let lanes = FastSigmoid.sigmoid(SIMD16<Float>(repeating: z))
            #expect(lanes[7] == scalar)
            worstAbsolute = max(worstAbsolute, abs(Double(scalar) - exact))
            if exact > 1e-30 { worstRelative = max(worstRelative, abs(Double(scalar) - exact) / exact) }
        }
        for k in -81_920...81_920 { check(Float(k) / 4096) }   // [−20, 20] by 1/4096
        for k in -6_400...6_400 { check(Float(k) / 64) }       // [−100, 100] by 1/64
        #expect(worstAbsolute <= 1e-7, "absolute error \(worstAbsolute)")
        #expect(worstRelative <= 2e-7, "relative error \(worstRelative)")
        #expect(FastSigmoid.sigmoid(Float.infinity) == 1 && FastSigmoid.sigmoid(-Float.infinity) < 1e-37)
        #expect(FastSigmoid.sigmoid(Float.nan).isNaN)
    }

    @Test func fittingIsDeterministicAndVersioned() throws {
        let (x, y) = logisticData(rows: 5_000, weights: [0.5, -0.5], intercept: 0.2, seed: 14)
        let a = try LogisticRegression.fit(x, labels: y)
        let b = try LogisticRegression.fit(x, labels: y)
        #expect(a == b)
        #expect(a.version == b.version)
        // 15 bytes at most: a Swift string that short lives inside the value, so answers stamped with it copy without reference counting.
        #expect(a.version.id.hasPrefix("lr-") && a.version.id.utf8.count == 15)
        let c = try LogisticRegression.fit(x, labels: y, options: .init(l2: 10))
        #expect(c.version != a.version)
        #expect(LogisticRegression(weights: [1, 2], intercept: 3).version == LogisticRegression(weights: [1, 2], intercept: 3).version)
        #expect(LogisticRegression(weights: [1, 2], intercept: 3).version != LogisticRegression(weights: [2, 1], intercept: 3).version)
    }

    @Test func codableRoundTripChecksTheVersion() throws {
        let (x, y) = logisticData(rows: 2_000, weights: [0.5, -0.5, 1], intercept: 0.2, seed: 15)
        let model = try LogisticRegression.fit(x, labels: y)
        let data = try JSONEncoder().encode(model)
        let back = try JSONDecoder().decode(LogisticRegression.self, from: data)
        #expect(back == model && back.version == model.version)
        #expect(back.scores(x) == model.scores(x))
        let tampered = String(decoding: data, as: UTF8.self).replacingOccurrences(of: model.version.id, with: "lr-000000000000")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LogisticRegression.self, from: Data(tampered.utf8)) }
    }
}
