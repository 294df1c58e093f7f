import Randomness

extension MatrixFactorization {
    /// Why a fit could not start.
    public enum FitError: Error, Equatable, CustomStringConvertible {
        case noInteractions
        case userOutOfRange(index: Int, user: Int, users: Int)
        case itemOutOfRange(index: Int, item: Int, items: Int)
        case nonFiniteValue(index: Int)
        case negativeImplicitValue(index: Int, value: Float)

        public var description: String {
            switch self {
            case .noInteractions: "cannot factorise an empty interaction list"
            case let .userOutOfRange(index, user, users): "interaction \(index) names user \(user), outside 0..<\(users); raise `users` or re-index"
            case let .itemOutOfRange(index, item, items): "interaction \(index) names item \(item), outside 0..<\(items); raise `items` or re-index"
            case let .nonFiniteValue(index): "interaction \(index) has a NaN or infinite value"
            case let .negativeImplicitValue(index, value):
                "interaction \(index) has value \(value); implicit feedback counts must be ≥ 0 (use .explicit for signed ratings)"
            }
        }
    }

    /// Fits by alternating least squares: initial factors drawn from the
    /// seeded stream, then up to `options.sweeps` sweeps, each solving every
    /// user's factor with the items fixed and then every item's with the
    /// users fixed. Deterministic: same inputs and seed, bit-identical model.
    ///
    ///     let mf = try MatrixFactorization.fit(ratings, users: 500, items: 300, options: .init(rank: 8))
    ///     print(mf.history.map(\.loss))          // non-increasing
    ///
    /// - Complexity: O(sweeps × (|interactions| × rank² + (users + items) × rank³)) time,
    ///   O(|interactions| + (users + items) × rank) space.
    public static func fit(_ interactions: [Interaction], users: Int, items: Int, options: Options = Options()) throws -> MatrixFactorization {
        precondition(options.rank >= 1, "rank must be at least 1, got \(options.rank)")
        precondition(options.l2 > 0, "l2 must be positive (it keeps each least-squares solve well-posed), got \(options.l2)")
        precondition(options.sweeps >= 1, "at least one sweep, got \(options.sweeps)")
        precondition(users >= 1 && items >= 1, "need at least one user and one item")
        if case let .implicit(alpha) = options.feedback { precondition(alpha >= 0, "alpha must be non-negative, got \(alpha)") }
        guard !interactions.isEmpty else { throw FitError.noInteractions }
        for (index, x) in interactions.enumerated() {
            guard x.user >= 0 && x.user < users else { throw FitError.userOutOfRange(index: index, user: x.user, users: users) }
            guard x.item >= 0 && x.item < items else { throw FitError.itemOutOfRange(index: index, item: x.item, items: items) }
            guard x.value.isFinite else { throw FitError.nonFiniteValue(index: index) }
            if case .implicit = options.feedback, x.value < 0 { throw FitError.negativeImplicitValue(index: index, value: x.value) }
        }

        var cells = interactions.map { Cell(user: $0.user, item: $0.item, value: Double($0.value)) }
        if case .implicit = options.feedback { cells = Self.summingDuplicates(cells) }
        let byUser = SparseRows(cells, rows: users, row: \.user, column: \.item)
        let byItem = SparseRows(cells, rows: items, row: \.item, column: \.user)

        let k = options.rank
        let source = RandomSource(seed: options.seed)
        func initial(_ name: String, _ count: Int) -> [Double] {
            var stream = source.stream(name)
            return (0..<count * k).map { _ in options.initialScale * Normal.standard(&stream) }
        }
        var userFactors = initial("mf.users", users)
        var itemFactors = initial("mf.items", items)

        let solver = ALSHalfStep(rank: k, l2: options.l2, feedback: options.feedback)
        var history: [Sweep] = []
        for _ in 0..<options.sweeps {
            var skipped = solver.solve(byUser, fixed: itemFactors, into: &userFactors)
            skipped += solver.solve(byItem, fixed: userFactors, into: &itemFactors)
            let (loss, rmse) = solver.objective(byUser, byItem, users: userFactors, items: itemFactors)
            history.append(Sweep(loss: loss, reconstructionError: rmse, skippedSolves: skipped))
            if options.tolerance > 0, history.count >= 2 {
                let before = history[history.count - 2].loss
                if before - loss < options.tolerance * abs(before) { break }
            }
        }
        return MatrixFactorization(rank: k, users: users, items: items, feedback: options.feedback,
                                   userFactors: userFactors, itemFactors: itemFactors, history: history)
    }

    struct Cell {
        var user: Int
        var item: Int
        var value: Double
    }

    /// Implicit counts are per cell: repeated (user, item) pairs are one
    /// cell whose count is their sum.
    static func summingDuplicates(_ cells: [Cell]) -> [Cell] {
        let sorted = cells.sorted { ($0.user, $0.item) < ($1.user, $1.item) }
        var merged: [Cell] = []
        merged.reserveCapacity(sorted.count)
        for cell in sorted {
            if let last = merged.last, last.user == cell.user, last.item == cell.item {
                merged[merged.count - 1].value += cell.value
            } else {
                merged.append(cell)
            }
        }
        return merged
    }
}

/// Interactions grouped by one side (compressed sparse rows): the entries of
/// row r are `columns[offsets[r] ..< offsets[r + 1]]` with their values, in
/// input order (a stable counting sort).
struct SparseRows {
    let offsets: [Int]
    let columns: [Int]
    let values: [Double]

    init(_ cells: [MatrixFactorization.Cell], rows: Int, row: KeyPath<MatrixFactorization.Cell, Int>, column: KeyPath<MatrixFactorization.Cell, Int>) {
        var offsets = [Int](repeating: 0, count: rows + 1)
        for cell in cells { offsets[cell[keyPath: row] + 1] += 1 }
        for r in 0..<rows { offsets[r + 1] += offsets[r] }
        var next = offsets
        var columns = [Int](repeating: 0, count: cells.count)
        var values = [Double](repeating: 0, count: cells.count)
        for cell in cells {
            let r = cell[keyPath: row]
            columns[next[r]] = cell[keyPath: column]
            values[next[r]] = cell.value
            next[r] += 1
        }
        self.offsets = offsets
        self.columns = columns
        self.values = values
    }

    var rowCount: Int { offsets.count - 1 }
}

/// One ALS half-step and the objective, for either feedback model.
struct ALSHalfStep {
    let rank: Int
    let l2: Double
    let feedback: MatrixFactorization.Feedback

    /// Σ over rows of fᵣfᵣᵀ (rank × rank, full).
    func gram(_ factors: [Double]) -> [Double] {
        let k = rank
        var g = [Double](repeating: 0, count: k * k)
        factors.withUnsafeBufferPointer { f in
            for r in 0..<(f.count / k) {
                let row = f.baseAddress! + r * k
                for a in 0..<k { for b in 0...a { g[a * k + b] += row[a] * row[b] } }
            }
        }
        for a in 0..<k { for b in 0..<a { g[b * k + a] = g[a * k + b] } }
        return g
    }

    /// Replaces each row of `target` by the exact minimiser of the objective
    /// with `fixed` held constant. Returns how many rows could not be solved
    /// (left unchanged).
    ///
    /// Explicit: (Σᵢ yᵢyᵢᵀ + λnᵤI) xᵤ = Σᵢ rᵤᵢyᵢ over the row's entries.
    /// Implicit: (YᵀY + Σᵢ α rᵤᵢ yᵢyᵢᵀ + λI) xᵤ = Σᵢ (1 + α rᵤᵢ) yᵢ over its
    /// entries with rᵤᵢ > 0 (Hu et al., eq. 4): only observed cells add
    /// work beyond the shared YᵀY.
    func solve(_ rows: SparseRows, fixed: [Double], into target: inout [Double]) -> Int {
        let k = rank
        var base: [Double]
        let alpha: Double
        switch feedback {
        case .explicit:
            base = [Double](repeating: 0, count: k * k)
            alpha = 0
        case let .implicit(a):
            base = gram(fixed)
            for j in 0..<k { base[j * k + j] += l2 }
            alpha = a
        }
        var skipped = 0
        var a = [Double](repeating: 0, count: k * k)
        var b = [Double](repeating: 0, count: k)
        fixed.withUnsafeBufferPointer { fixedBuffer in
            let y = fixedBuffer.baseAddress!
            target.withUnsafeMutableBufferPointer { out in
                a.withUnsafeMutableBufferPointer { ap in
                    b.withUnsafeMutableBufferPointer { bp in
                        let A = ap.baseAddress!, B = bp.baseAddress!
                        for r in 0..<rows.rowCount {
                            let lo = rows.offsets[r], hi = rows.offsets[r + 1]
                            for j in 0..<(k * k) { A[j] = base[j] }
                            for j in 0..<k { B[j] = 0 }
                            var anyEntry = false
                            for e in lo..<hi {
                                let v = rows.values[e]
                                let yi = y + rows.columns[e] * k
                                let (weight, rhs): (Double, Double)
                                switch feedback {
                                case .explicit: (weight, rhs) = (1, v)
                                case .implicit:
                                    guard v > 0 else { continue }   // pᵤᵢ = 0, cᵤᵢ = 1: already in YᵀY
                                    (weight, rhs) = (alpha * v, 1 + alpha * v)
                                }
                                anyEntry = true
                                for p in 0..<k {
                                    let wp = weight * yi[p]
                                    for q in 0...p { A[p * k + q] += wp * yi[q] }
                                    B[p] += rhs * yi[p]
                                }
                            }
                            let row = out.baseAddress! + r * k
                            if case .explicit = feedback {
                                // A row with no ratings has no terms at all in
                                // the objective; zero is its natural value.
                                guard anyEntry else { for p in 0..<k { row[p] = 0 }; continue }
                                let penalty = l2 * Double(hi - lo)
                                for p in 0..<k { A[p * k + p] += penalty }
                            }
                            if Cholesky.solve(A, B, dimension: k) {
                                for p in 0..<k { row[p] = B[p] }
                            } else {
                                skipped += 1
                            }
                        }
                    }
                }
            }
        }
        return skipped
    }

    /// The objective and the training RMSE (see `MatrixFactorization.Sweep`).
    ///
    /// For implicit feedback the sum over all users × items is split as
    /// Σ_all s² + Σ_observed [(cᵤᵢ(1 − s)² − s²)], and Σ_all s² = Σ_ab
    /// (XᵀX)_ab (YᵀY)_ab, so no unobserved cell is visited.
    func objective(_ byUser: SparseRows, _ byItem: SparseRows, users x: [Double], items y: [Double]) -> (loss: Double, rmse: Double) {
        let k = rank
        var data = 0.0, squaredError = 0.0, penalty = 0.0
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                for u in 0..<byUser.rowCount {
                    let xu = xb.baseAddress! + u * k
                    for e in byUser.offsets[u]..<byUser.offsets[u + 1] {
                        let v = byUser.values[e]
                        let s = MatrixFactorization.dot(xu, yb.baseAddress! + byUser.columns[e] * k, k)
                        switch feedback {
                        case .explicit:
                            data += (v - s) * (v - s)
                            squaredError += (v - s) * (v - s)
                        case let .implicit(alpha):
                            if v > 0 {
                                data += (1 + alpha * v) * (1 - s) * (1 - s) - s * s
                                squaredError += (1 - s) * (1 - s)
                            } else {
                                squaredError += s * s
                            }
                        }
                    }
                }
                func squaredNorm(_ f: UnsafePointer<Double>, _ r: Int) -> Double { MatrixFactorization.dot(f + r * k, f + r * k, k) }
                switch feedback {
                case .explicit:
                    // Koren et al.'s penalty inside the sum: weight nᵤ (nᵢ) per row.
                    for u in 0..<byUser.rowCount {
                        penalty += Double(byUser.offsets[u + 1] - byUser.offsets[u]) * squaredNorm(xb.baseAddress!, u)
                    }
                    for i in 0..<byItem.rowCount {
                        penalty += Double(byItem.offsets[i + 1] - byItem.offsets[i]) * squaredNorm(yb.baseAddress!, i)
                    }
                case .implicit:
                    for u in 0..<byUser.rowCount { penalty += squaredNorm(xb.baseAddress!, u) }
                    for i in 0..<byItem.rowCount { penalty += squaredNorm(yb.baseAddress!, i) }
                }
            }
        }
        if case .implicit = feedback {
            let gx = gram(x), gy = gram(y)
            for j in 0..<(k * k) { data += gx[j] * gy[j] }
        }
        let observed = max(byUser.columns.count, 1)
        return (data + l2 * penalty, (squaredError / Double(observed)).squareRoot())
    }
}
