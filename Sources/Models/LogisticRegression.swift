/// A binary classifier p(y = 1 | x) = σ(w·x + b), fitted by iteratively
/// reweighted least squares and scored in Float32 with SIMD.
///
///     let model = try LogisticRegression.fit(features, labels: outcomes)
///     let p = features.withUnsafeRow(0) { model.score($0) }     // one request
///     model.score(features, into: output)                      // a whole batch
///
/// Fitting is Newton–Raphson on the L2-penalised log-likelihood, which for
/// the logistic model is IRLS (Nelder & Wedderburn, "Generalized linear
/// models", JRSS A 1972; McCullagh & Nelder, *Generalized Linear Models*,
/// 2nd ed., 1989, §4.4); see `fit(_:labels:options:)`.
///
/// The model is a value: weights, intercept, the standardisation it was fitted
/// under and a `version` derived from all of them, so every score an engine
/// writes can say which model produced it.
public struct LogisticRegression: Sendable {
    /// Per-feature weights in the raw feature space (any standardisation is
    /// already folded in), one per column.
    public let weights: [Float]
    /// The bias b, in the raw feature space.
    public let intercept: Float
    /// The centring and scaling applied while fitting, if any. Scoring does
    /// not apply it per row: it is folded into `weights` and `intercept`
    /// (w'ⱼ = wⱼ/sⱼ, b' = b − Σ wⱼmⱼ/sⱼ), so a standardised model costs one
    /// dot product like any other.
    public let standardization: Standardization?
    /// How the fit went; nil for a model built from given weights.
    public let diagnostics: FitDiagnostics?
    /// Deterministic id: `lr-` and a hash of columns, weights and intercept.
    public let version: ModelVersion

    /// The weights repacked for the scoring kernels: zero-padded to a
    /// multiple of 8 lanes, and as one SIMD16 when there are exactly 16.
    @usableFromInline let packed: [SIMD8<Float>]
    @usableFromInline let weights16: SIMD16<Float>

    /// Features per row the model expects.
    @inlinable public var columns: Int { weights.count }

    /// A model with known parameters (from a file, or a synthetic workload's
    /// ground truth).
    ///
    ///     let truth = LogisticRegression(weights: [0.8, -1.2], intercept: -3)
    ///
    /// - Complexity: O(columns).
    public init(weights: [Float], intercept: Float) {
        self.init(weights: weights, intercept: intercept, standardization: nil, diagnostics: nil)
    }

    init(weights: [Float], intercept: Float, standardization: Standardization?, diagnostics: FitDiagnostics?) {
        precondition(!weights.isEmpty, "a logistic regression needs at least one weight")
        self.weights = weights
        self.intercept = intercept
        self.standardization = standardization
        self.diagnostics = diagnostics
        var hash = StableHash()
        hash.combine(weights.count)
        hash.combine(weights)
        hash.combine(intercept)
        self.version = ModelVersion(kind: "lr", hash)

        var lanes = [SIMD8<Float>](repeating: .zero, count: (weights.count + 7) / 8)
        for (j, w) in weights.enumerated() { lanes[j / 8][j % 8] = w }
        self.packed = lanes
        var w16 = SIMD16<Float>.zero
        if weights.count == 16 { for j in 0..<16 { w16[j] = weights[j] } }
        self.weights16 = w16
    }

    /// σ(w·x + b) for one row of `columns` values: the real-time path.
    ///
    /// Bit-for-bit equal to the same row's entry from `score(_:into:)`: both
    /// run the same dot-product kernel and the same `FastSigmoid`.
    ///
    /// - Complexity: O(columns).
    @inlinable
    public func score(_ row: UnsafeBufferPointer<Float>) -> Float {
        precondition(row.count == columns, "row has \(row.count) values, model expects \(columns)")
        return FastSigmoid.sigmoid(logit(UnsafeRawPointer(row.baseAddress!)))
    }

    /// σ(w·x + b) for one row given as an array.
    ///
    /// - Complexity: O(columns).
    public func score(_ row: [Float]) -> Float {
        row.withUnsafeBufferPointer { score($0) }
    }

    /// w·x + b for the `columns` floats at `row`; no alignment needed.
    @inlinable @inline(__always)
    func logit(_ row: UnsafeRawPointer) -> Float {
        if columns == 16 {
            return Self.sum(row.loadUnaligned(as: SIMD16<Float>.self) * weights16) + intercept
        }
        return generalDot(row) + intercept
    }

    /// Any column count: whole 8-lane chunks, then the remainder gathered
    /// lane by lane (reading a full vector there could run off the buffer's
    /// end on the last row).
    @inlinable @inline(__always)
    func generalDot(_ row: UnsafeRawPointer) -> Float {
        let full = columns / 8
        var acc = SIMD8<Float>.zero
        for k in 0..<full {
            acc += row.loadUnaligned(fromByteOffset: k * 32, as: SIMD8<Float>.self) * packed[k]
        }
        let rest = columns - full * 8
        if rest > 0 {
            var tail = SIMD8<Float>.zero
            let floats = row.assumingMemoryBound(to: Float.self) + full * 8
            for j in 0..<rest { tail[j] = floats[j] }
            acc += tail * packed[full]
        }
        return Self.sum(acc)
    }

    // Pairwise (tree) horizontal sums: `SIMD.sum()` adds lanes one after
    // another, a 15-deep dependency chain the compiler may not reorder.
    @inlinable @inline(__always)
    static func sum(_ v: SIMD16<Float>) -> Float { sum(v.lowHalf + v.highHalf) }

    @inlinable @inline(__always)
    static func sum(_ v: SIMD8<Float>) -> Float {
        let four = v.lowHalf + v.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }
}

extension LogisticRegression {
    /// Per-feature centring and scaling: x̃ⱼ = (xⱼ − meanⱼ) / scaleⱼ.
    public struct Standardization: Sendable, Equatable, Codable {
        /// Training means, one per column.
        public let means: [Double]
        /// Training standard deviations (population); 1 for a constant column
        /// so it maps to 0 instead of dividing by zero.
        public let scales: [Double]

        public init(means: [Double], scales: [Double]) {
            precondition(means.count == scales.count, "means and scales differ in length")
            precondition(scales.allSatisfy { $0 > 0 && $0.isFinite }, "scales must be positive and finite")
            self.means = means
            self.scales = scales
        }
    }

    /// The coefficients on the standardised features (comparable across
    /// features of different units), or nil if the model was fitted without
    /// standardisation.
    ///
    /// - Complexity: O(columns).
    public var standardizedWeights: [Double]? {
        guard let s = standardization else { return nil }
        return zip(weights, s.scales).map { Double($0) * $1 }
    }
}

extension LogisticRegression: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        a.weights == b.weights && a.intercept == b.intercept
            && a.standardization == b.standardization && a.diagnostics == b.diagnostics
    }
}

extension LogisticRegression: Codable {
    enum CodingKeys: String, CodingKey { case weights, intercept, standardization, diagnostics, version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(weights: try c.decode([Float].self, forKey: .weights),
                  intercept: try c.decode(Float.self, forKey: .intercept),
                  standardization: try c.decodeIfPresent(Standardization.self, forKey: .standardization),
                  diagnostics: try c.decodeIfPresent(FitDiagnostics.self, forKey: .diagnostics))
        let stored = try c.decode(ModelVersion.self, forKey: .version)
        guard stored == version else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c,
                debugDescription: "stored version \(stored) does not match the weights (which hash to \(version)); the model file was edited or corrupted")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(weights, forKey: .weights)
        try c.encode(intercept, forKey: .intercept)
        try c.encodeIfPresent(standardization, forKey: .standardization)
        try c.encodeIfPresent(diagnostics, forKey: .diagnostics)
        try c.encode(version, forKey: .version)
    }
}
