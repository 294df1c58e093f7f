import Randomness

/// A low-rank model of a user × item interaction matrix, r̂ᵤᵢ = xᵤ·yᵢ,
/// fitted by alternating least squares, and retrieval of each user's top
/// items by dot product.
///
///     let mf = try MatrixFactorization.fit(clicks, users: 10_000, items: 2_000,
///                                          options: .init(rank: 32, feedback: .implicit(alpha: 40)))
///     let feed = mf.topK(user: 7, k: 20, excluding: alreadySeen)
///
/// Two objectives, both minimised one factor matrix at a time, each half-step
/// an exact least-squares solve per row (so the loss never rises):
///
/// - `.explicit` (ratings): Σ₍ᵤ,ᵢ₎∈K (rᵤᵢ − xᵤ·yᵢ)² + λ(‖xᵤ‖² + ‖yᵢ‖²) over
///   the observed set K, as written in Koren, Bell & Volinsky, "Matrix
///   factorization techniques for recommender systems", IEEE Computer 2009,
///   eq. 2. The penalty sits inside the sum, so a user with nᵤ ratings is
///   penalised λnᵤ‖xᵤ‖² — the weighted-λ of Zhou et al. (ALS-WR, 2008).
/// - `.implicit(alpha:)` (clicks, views): Σ over *all* (u, i) of
///   cᵤᵢ(pᵤᵢ − xᵤ·yᵢ)² + λ(Σ‖xᵤ‖² + Σ‖yᵢ‖²), with preference pᵤᵢ = 1 if
///   rᵤᵢ > 0 else 0 and confidence cᵤᵢ = 1 + α·rᵤᵢ (Hu, Koren & Volinsky,
///   "Collaborative filtering for implicit feedback datasets", ICDM 2008).
///   The unobserved cells are handled through the Gram matrix YᵀY, as in
///   that paper, so a sweep costs O(|K|k² + (users + items)k³), not
///   O(users × items).
public struct MatrixFactorization: Sendable, Codable {
    /// One observed cell: a rating, or a count of clicks / views.
    public struct Interaction: Sendable, Hashable, Codable {
        public var user: Int
        public var item: Int
        public var value: Float
        public init(user: Int, item: Int, value: Float = 1) {
            self.user = user; self.item = item; self.value = value
        }
    }

    /// Which objective to fit (see the type's documentation).
    public enum Feedback: Sendable, Equatable, Codable {
        /// Observed ratings; unobserved cells are missing, not zero.
        case explicit
        /// Counts; every cell is a 0/1 preference with confidence 1 + α·count.
        /// Duplicate (user, item) interactions are summed into one count.
        case implicit(alpha: Double)
    }

    /// Settings for `fit(_:users:items:options:)`.
    public struct Options: Sendable, Equatable, Codable {
        /// Latent dimensions k.
        public var rank: Int = 16
        /// L2 penalty λ (must be positive: it keeps every solve well-posed).
        public var l2: Double = 0.1
        /// Full sweeps (users then items) at most.
        public var sweeps: Int = 15
        /// Stop early once a sweep lowers the loss by less than this fraction; 0 runs every sweep.
        public var tolerance: Double = 0
        public var feedback: Feedback = .explicit
        /// Seed of the initial factors (drawn N(0, initialScale²)).
        public var seed: UInt64 = 1
        public var initialScale: Double = 0.1

        public init(rank: Int = 16, l2: Double = 0.1, sweeps: Int = 15, tolerance: Double = 0,
                    feedback: Feedback = .explicit, seed: UInt64 = 1, initialScale: Double = 0.1) {
            self.rank = rank; self.l2 = l2; self.sweeps = sweeps; self.tolerance = tolerance
            self.feedback = feedback; self.seed = seed; self.initialScale = initialScale
        }
    }

    /// The state after one sweep.
    public struct Sweep: Sendable, Equatable, Codable {
        /// The full objective being minimised (data term plus penalty).
        public let loss: Double
        /// Root-mean-square error over the training interactions between the
        /// target (the rating; for implicit feedback the preference, 1 or 0)
        /// and the model's score.
        public let reconstructionError: Double
        /// Rows whose system was too ill-conditioned to solve and were left
        /// unchanged (which cannot raise the loss); 0 in any sane fit.
        public let skippedSolves: Int
    }

    /// A retrieved item and its score.
    public struct ScoredItem: Sendable, Hashable, Codable {
        public let item: Int
        public let score: Double
    }

    public let rank: Int
    public let users: Int
    public let items: Int
    public let feedback: Feedback
    /// User factors, row-major: user u is `userFactors[u * rank ..< (u + 1) * rank]`.
    public let userFactors: [Double]
    /// Item factors, row-major, likewise.
    public let itemFactors: [Double]
    /// One entry per sweep run, in order.
    public let history: [Sweep]
    /// Deterministic id: `mf-` and a hash of the shape and every factor.
    public let version: ModelVersion

    init(rank: Int, users: Int, items: Int, feedback: Feedback, userFactors: [Double], itemFactors: [Double], history: [Sweep]) {
        self.rank = rank; self.users = users; self.items = items; self.feedback = feedback
        self.userFactors = userFactors; self.itemFactors = itemFactors; self.history = history
        var hash = StableHash()
        hash.combine(rank); hash.combine(users); hash.combine(items)
        hash.combine(userFactors); hash.combine(itemFactors)
        version = ModelVersion(kind: "mf", hash)
    }

    /// User `user`'s factor vector (no copy).
    ///
    /// - Complexity: O(1).
    public func userFactor(_ user: Int) -> ArraySlice<Double> {
        precondition(user >= 0 && user < users, "user \(user) out of 0..<\(users)")
        return userFactors[user * rank ..< (user + 1) * rank]
    }

    /// Item `item`'s factor vector (no copy).
    ///
    /// - Complexity: O(1).
    public func itemFactor(_ item: Int) -> ArraySlice<Double> {
        precondition(item >= 0 && item < items, "item \(item) out of 0..<\(items)")
        return itemFactors[item * rank ..< (item + 1) * rank]
    }

    /// The predicted rating (explicit) or preference (implicit), xᵤ·yᵢ.
    ///
    /// - Complexity: O(rank).
    public func score(user: Int, item: Int) -> Double {
        precondition(user >= 0 && user < users, "user \(user) out of 0..<\(users)")
        precondition(item >= 0 && item < items, "item \(item) out of 0..<\(items)")
        return userFactors.withUnsafeBufferPointer { u in
            itemFactors.withUnsafeBufferPointer { v in
                Self.dot(u.baseAddress! + user * rank, v.baseAddress! + item * rank, rank)
            }
        }
    }

    /// The `k` items with the highest score for `user`, best first (ties by
    /// lower item id), skipping `excluding` (items already seen, say).
    /// Fewer than `k` when fewer items remain.
    ///
    /// A bounded min-heap keeps the best `k` seen so far while every item's
    /// score is computed once: a partial selection, not a sort of all items.
    ///
    /// - Complexity: O(items × rank + items × log k) time, O(k) space.
    public func topK(user: Int, k: Int, excluding: Set<Int> = []) -> [ScoredItem] {
        precondition(user >= 0 && user < users, "user \(user) out of 0..<\(users)")
        precondition(k >= 0, "k must be non-negative, got \(k)")
        guard k > 0 else { return [] }
        var selector = TopKSelector(capacity: k)
        userFactors.withUnsafeBufferPointer { u in
            itemFactors.withUnsafeBufferPointer { v in
                let x = u.baseAddress! + user * rank
                let base = v.baseAddress!
                for item in 0..<items where !excluding.contains(item) {
                    selector.offer(item: item, score: Self.dot(x, base + item * rank, rank))
                }
            }
        }
        return selector.sortedDescending()
    }

    /// Root-mean-square error of the scores against `interactions`' values:
    /// the held-out measure for explicit ratings.
    ///
    /// - Complexity: O(interactions × rank).
    public func rootMeanSquaredError(_ interactions: [Interaction]) -> Double {
        precondition(!interactions.isEmpty, "RMSE of no interactions is undefined")
        var sum = 0.0
        for x in interactions {
            let e = Double(x.value) - score(user: x.user, item: x.item)
            sum += e * e
        }
        return (sum / Double(interactions.count)).squareRoot()
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s = 0.0
        for j in 0..<n { s += a[j] * b[j] }
        return s
    }
}

/// The best `capacity` (item, score) pairs of a stream, in a binary min-heap
/// whose root is the worst one kept (Williams, "Algorithm 232: Heapsort",
/// CACM 1964): a new candidate costs one comparison unless it beats the root.
struct TopKSelector {
    let capacity: Int
    private var heap: [MatrixFactorization.ScoredItem] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Strict "ranks below": lower score, or equal score and higher id, so
    /// the result is a total order and deterministic.
    @inline(__always)
    static func below(_ a: MatrixFactorization.ScoredItem, _ b: MatrixFactorization.ScoredItem) -> Bool {
        a.score < b.score || (a.score == b.score && a.item > b.item)
    }

    mutating func offer(item: Int, score: Double) {
        let candidate = MatrixFactorization.ScoredItem(item: item, score: score)
        if heap.count < capacity {
            heap.append(candidate)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.below(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if capacity > 0 && Self.below(heap[0], candidate) {
            heap[0] = candidate
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var lowest = parent
                if left < heap.count && Self.below(heap[left], heap[lowest]) { lowest = left }
                if right < heap.count && Self.below(heap[right], heap[lowest]) { lowest = right }
                if lowest == parent { break }
                heap.swapAt(parent, lowest)
                parent = lowest
            }
        }
    }

    func sortedDescending() -> [MatrixFactorization.ScoredItem] {
        heap.sorted { Self.below($1, $0) }
    }
}
