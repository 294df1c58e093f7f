import Foundation

extension LogisticRegression {
    /// Settings for `fit(_:labels:options:)`.
    public struct FitOptions: Sendable, Equatable, Codable {
        /// L2 penalty λ on the weights (not the intercept): the fit minimises
        /// −log-likelihood + λ/2·‖w‖². With standardisation on, the penalty
        /// applies to the standardised weights, as in glmnet. The default 1
        /// matches scikit-learn's C = 1: negligible for thousands of rows,
        /// stabilising for a handful.
        public var l2: Double = 1
        /// Newton steps at most.
        public var maxIterations: Int = 50
        /// Stop when the objective's relative change |Δf| / (|f| + 0.1) falls
        /// below this: R's `glm.fit` criterion, tighter than its 1e−8 because
        /// Newton's quadratic convergence makes the extra step cheap.
        public var tolerance: Double = 1e-10
        /// Centre and scale each feature before fitting (folded back into the
        /// weights afterwards).
        public var standardize: Bool = true

        public init(l2: Double = 1, maxIterations: Int = 50, tolerance: Double = 1e-10, standardize: Bool = true) {
            self.l2 = l2
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.standardize = standardize
        }
    }

    /// What happened during a fit.
    public struct FitDiagnostics: Sendable, Equatable, Codable {
        /// Training rows.
        public let rows: Int
        /// Newton steps taken.
        public let iterations: Int
        /// Whether the tolerance was met within `maxIterations`.
        public let converged: Bool
        /// The λ actually used: the requested one, or a larger one if the
        /// Hessian was singular (collinear or constant features).
        public let l2: Double
        /// How many times λ had to be raised.
        public let ridgeEscalations: Int
        /// The penalised negative log-likelihood at the start (all weights 0)
        /// and after each step; non-increasing, by step-halving.
        public let objective: [Double]
    }

    /// Why a fit could not start or finish.
    public enum FitError: Error, Equatable, CustomStringConvertible {
        case noRows
        case labelCount(rows: Int, labels: Int)
        case singleClass(positive: Bool)
        case nonFiniteFeature(row: Int, column: Int)
        case singularHessian(l2: Double)

        public var description: String {
            switch self {
            case .noRows: "cannot fit a logistic regression on zero rows"
            case let .labelCount(rows, labels): "feature matrix has \(rows) rows but \(labels) labels were given; pass one label per row"
            case let .singleClass(positive):
                "every label is \(positive ? "positive" : "negative"); a logistic regression needs both classes (its intercept would diverge)"
            case let .nonFiniteFeature(row, column): "feature at row \(row), column \(column) is NaN or infinite; clean or impute it before fitting"
            case let .singularHessian(l2): "the Hessian stayed singular even with an L2 penalty of \(l2); check the features for NaNs or extreme scales"
            }
        }
    }

    /// Fits by Newton–Raphson (IRLS) from all-zero weights, deterministically:
    /// the same matrix, labels and options give bit-identical models.
    ///
    ///     let model = try LogisticRegression.fit(x, labels: y, options: .init(l2: 0.1))
    ///
    /// Each step solves (XᵀWX + λI′) Δ = Xᵀ(y − μ) − λI′β by Cholesky, with
    /// W = diag(μ(1 − μ)) and I′ the identity without the intercept's entry.
    /// Safeguards, as in R's `glm.fit`: a step that raises the objective is
    /// halved until it does not; and if the Hessian is singular to working
    /// precision (duplicate or constant features and λ ≈ 0), λ is raised —
    /// to 1e−6 of the mean curvature, then tenfold — and kept for the rest of
    /// the fit, reported in `diagnostics.l2`. Accumulation is in Double.
    ///
    /// - Complexity: O(iterations × rows × columns²) time, O(columns²) extra space.
    public static func fit(_ x: FeatureMatrix, labels: [Bool], options: FitOptions = FitOptions()) throws -> LogisticRegression {
        let n = x.rows, d = x.columns, p = d + 1
        guard n > 0 else { throw FitError.noRows }
        guard labels.count == n else { throw FitError.labelCount(rows: n, labels: labels.count) }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < n else { throw FitError.singleClass(positive: positives == n) }
        precondition(options.l2 >= 0 && options.maxIterations >= 1 && options.tolerance >= 0, "invalid fit options \(options)")

        let standardization = try options.standardize ? Self.standardization(of: x) : nil
        if standardization == nil {
            try x.withUnsafeBufferPointer { v in
                if let bad = v.firstIndex(where: { !$0.isFinite }) { throw FitError.nonFiniteFeature(row: bad / d, column: bad % d) }
            }
        }
        let pass = NewtonPass(x: x, labels: labels, standardization: standardization)

        var beta = [Double](repeating: 0, count: p)   // beta[0] is the intercept
        var lambda = options.l2
        var escalations = 0
        var state = pass.evaluate(beta)
        var objective = state.negLogLikelihood + penalty(beta, lambda)
        var history = [objective]
        var converged = false
        var iterations = 0
        var a = [Double](repeating: 0, count: p * p), step = [Double](repeating: 0, count: p)

        while iterations < options.maxIterations {
            iterations += 1
            // Solve for the Newton step, raising λ while the system is singular.
            while true {
                a = state.hessian
                for j in 0..<p {
                    step[j] = state.gradient[j] - (j == 0 ? 0 : lambda * beta[j])
                    if j > 0 { a[j * p + j] += lambda }
                }
                if Cholesky.solve(&a, &step, dimension: p) { break }
                guard escalations < 12 else { throw FitError.singularHessian(l2: lambda) }
                var meanCurvature = 0.0
                for j in 1..<p { meanCurvature += state.hessian[j * p + j] }
                meanCurvature = max(meanCurvature / Double(p - 1), 1e-300)
                lambda = max(lambda * 10, meanCurvature * 1e-6)
                escalations += 1
                // The objective being minimised changed with λ; restate it so
                // step-halving compares like with like.
                objective = state.negLogLikelihood + penalty(beta, lambda)
                history[history.count - 1] = objective
            }
            // Damped step: halve until the objective does not rise (it cannot
            // fall forever for a convex objective, so 30 halvings is generous).
            var candidate = beta
            var next: NewtonPass.State
            var nextObjective: Double
            var scale = 1.0
            var halvings = 0
            repeat {
                for j in 0..<p { candidate[j] = beta[j] + scale * step[j] }
                next = pass.evaluate(candidate)
                nextObjective = next.negLogLikelihood + penalty(candidate, lambda)
                scale /= 2
                halvings += 1
            } while !(nextObjective <= objective) && halvings < 30
            if !(nextObjective <= objective) {
                // No descent even for a tiny step: β is at the optimum to working precision.
                converged = true
                break
            }
            let change = abs(nextObjective - objective) / (abs(nextObjective) + 0.1)
            beta = candidate
            state = next
            objective = nextObjective
            history.append(objective)
            if change < options.tolerance { converged = true; break }
        }

        // Fold the standardisation into raw-space weights (see `standardization`).
        var weights = [Float](repeating: 0, count: d)
        var bias = beta[0]
        for j in 0..<d {
            let scale = standardization?.scales[j] ?? 1
            let mean = standardization?.means[j] ?? 0
            weights[j] = Float(beta[j + 1] / scale)
            bias -= beta[j + 1] * mean / scale
        }
        let diagnostics = FitDiagnostics(rows: n, iterations: iterations, converged: converged, l2: lambda,
                                         ridgeEscalations: escalations, objective: history)
        return LogisticRegression(weights: weights, intercept: Float(bias),
                                  standardization: standardization, diagnostics: diagnostics)
    }

    static func penalty(_ beta: [Double], _ lambda: Double) -> Double {
        var s = 0.0
        for j in 1..<beta.count { s += beta[j] * beta[j] }
        return lambda / 2 * s
    }

    /// Column means and population standard deviations, in Double (two-pass
    /// for accuracy: sums of squares about the mean, not about zero).
    ///
    /// - Complexity: O(rows × columns).
    static func standardization(of x: FeatureMatrix) throws -> Standardization {
        let n = x.rows, d = x.columns
        var means = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        try x.withUnsafeBufferPointer { v in
            for r in 0..<n {
                for j in 0..<d {
                    let value = v[r * d + j]
                    guard value.isFinite else { throw FitError.nonFiniteFeature(row: r, column: j) }
                    means[j] += Double(value)
                }
            }
            for j in 0..<d { means[j] /= Double(n) }
            for r in 0..<n {
                for j in 0..<d {
                    let dev = Double(v[r * d + j]) - means[j]
                    squares[j] += dev * dev
                }
            }
        }
        let scales = squares.map { s -> Double in
            let sd = (s / Double(n)).squareRoot()
            return sd > 0 && sd.isFinite ? sd : 1
        }
        return Standardization(means: means, scales: scales)
    }
}

/// One pass over the training data at given coefficients: the unpenalised
/// negative log-likelihood, its negative gradient Xᵀ(y − μ) and the Fisher
/// information XᵀWX (lower triangle filled, then mirrored), with the
/// intercept as column 0.
struct NewtonPass {
    let x: FeatureMatrix
    let labels: [Bool]
    let standardization: LogisticRegression.Standardization?

    struct State {
        var negLogLikelihood: Double
        var gradient: [Double]
        var hessian: [Double]
    }

    func evaluate(_ beta: [Double]) -> State {
        let n = x.rows, d = x.columns, p = d + 1
        var gradient = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: p * p)
        var nll = 0.0
        let means = standardization?.means ?? [Double](repeating: 0, count: d)
        let inverseScales = standardization?.scales.map { 1 / $0 } ?? [Double](repeating: 1, count: d)
        var row = [Double](repeating: 0, count: p)
        row[0] = 1
        x.withUnsafeBufferPointer { v in
            for r in 0..<n {
                var eta = beta[0]
                for j in 0..<d {
                    let feature = (Double(v[r * d + j]) - means[j]) * inverseScales[j]
                    row[j + 1] = feature
                    eta += beta[j + 1] * feature
                }
                // −log p(y | η) = log(1 + e^η) − yη, written to neither
                // overflow nor lose digits for large |η|.
                let y = labels[r] ? 1.0 : 0.0
                nll += max(eta, 0) + log1p(exp(-abs(eta))) - y * eta
                let mu = eta >= 0 ? 1 / (1 + exp(-eta)) : exp(eta) / (1 + exp(eta))
                let residual = y - mu
                let weight = mu * (1 - mu)
                for a in 0..<p {
                    gradient[a] += residual * row[a]
                    let wa = weight * row[a]
                    for b in 0...a { hessian[a * p + b] += wa * row[b] }
                }
            }
        }
        for a in 0..<p { for b in 0..<a { hessian[b * p + a] = hessian[a * p + b] } }
        return State(negLogLikelihood: nll, gradient: gradient, hessian: hessian)
    }
}
