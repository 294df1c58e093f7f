import Randomness
import Testing
@testable import Models

typealias Interaction = MatrixFactorization.Interaction

/// A rank-3 ratings matrix U·Vᵀ (U, V ~ N(0, 1)), each cell observed with
/// probability ½; the rest is returned as a held-out set.
func lowRankRatings(users: Int, items: Int, rank: Int, seed: UInt64) -> (train: [Interaction], test: [Interaction]) {
    let source = RandomSource(seed: seed)
    var factors = source.stream("truth"), mask = source.stream("mask")
    let u = (0..<users * rank).map { _ in Normal.standard(&factors) }
    let v = (0..<items * rank).map { _ in Normal.standard(&factors) }
    var train: [Interaction] = [], test: [Interaction] = []
    for i in 0..<users {
        for j in 0..<items {
            var r = 0.0
            for k in 0..<rank { r += u[i * rank + k] * v[j * rank + k] }
            let cell = Interaction(user: i, item: j, value: Float(r))
            if mask.nextUniform() < 0.5 { train.append(cell) } else { test.append(cell) }
        }
    }
    return (train, test)
}

/// Two taste groups (user and item parity): users click 60% of their own
/// group's items, one to three times each, and 3% of the other group's.
func clusteredClicks(users: Int, items: Int, seed: UInt64) -> [Interaction] {
    var rng = RandomSource(seed: seed).stream("clicks")
    var clicks: [Interaction] = []
    for u in 0..<users {
        for i in 0..<items {
            let p = u % 2 == i % 2 ? 0.6 : 0.03
            if rng.nextUniform() < p { clicks.append(Interaction(user: u, item: i, value: Float(1 + rng.next() % 3))) }
        }
    }
    return clicks
}

func expectNonIncreasing(_ losses: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
    for (s, (before, after)) in zip(losses, losses.dropFirst()).enumerated() {
        #expect(after <= before * (1 + 1e-9), "loss rose at sweep \(s + 1): \(before) → \(after)", sourceLocation: sourceLocation)
    }
}

@Suite struct MatrixFactorizationTests {
    /// Every half-sweep is an exact block minimisation, so the objective can
    /// only fall (to rounding); and noiseless rank-3 data with half the cells
    /// seen is recovered on the unseen half to a small fraction of its
    /// spread (ratings have standard deviation √3 ≈ 1.7).
    @Test func explicitALSDescendsAndRecoversALowRankMatrix() throws {
        let (train, test) = lowRankRatings(users: 60, items: 50, rank: 3, seed: 21)
        let mf = try MatrixFactorization.fit(train, users: 60, items: 50,
                                             options: .init(rank: 3, l2: 1e-4, sweeps: 60, feedback: .explicit, seed: 3))
        #expect(mf.history.count == 60)
        expectNonIncreasing(mf.history.map(\.loss))
        #expect(mf.history.allSatisfy { $0.skippedSolves == 0 })
        #expect(mf.history.last!.reconstructionError < 0.005, "training RMSE \(mf.history.last!.reconstructionError)")
        #expect(mf.history.first!.loss > 10 * mf.history.last!.loss)
        let heldOut = mf.rootMeanSquaredError(test)
        #expect(heldOut < 0.01, "held-out RMSE \(heldOut)")
        #expect(abs(mf.rootMeanSquaredError(train) - mf.history.last!.reconstructionError) < 1e-12)
    }

    /// Implicit feedback (Hu et al.): the loss falls sweep over sweep, and the
    /// top unclicked items recommended to each user are from the user's own
    /// taste group. A user has about 8 unclicked own-group items among about
    /// 27 unclicked in all, so picking at random scores about 0.3; rank 2 is
    /// the rank of the two-block preference structure (higher ranks start
    /// fitting the 3% off-group clicks of 80 users).
    @Test func implicitALSDescendsAndRetrievesTheRightGroup() throws {
        let users = 80, items = 40
        let clicks = clusteredClicks(users: users, items: items, seed: 22)
        let mf = try MatrixFactorization.fit(clicks, users: users, items: items,
                                             options: .init(rank: 2, l2: 0.1, sweeps: 20, feedback: .implicit(alpha: 10), seed: 4))
        expectNonIncreasing(mf.history.map(\.loss))
        var precision = 0.0
        for u in 0..<users {
            let seen = Set(clicks.filter { $0.user == u }.map(\.item))
            let top = mf.topK(user: u, k: 3, excluding: seen).map(\.item)
            #expect(top.allSatisfy { !seen.contains($0) })
            precision += Evaluation.precisionAtK(ranked: top, relevant: Set((0..<items).filter { $0 % 2 == u % 2 }), k: 3)
        }
        precision /= Double(users)
        #expect(precision > 0.95, "mean precision@3 of own-group items \(precision)")
    }

    /// The implicit objective is computed through Gram matrices without
    /// visiting unobserved cells; check it against the literal sum over every
    /// (user, item) on a small problem.
    @Test func implicitObjectiveMatchesTheBruteForceSum() throws {
        let users = 7, items = 9, alpha = 2.5, lambda = 0.3
        let clicks = clusteredClicks(users: users, items: items, seed: 23) + [Interaction(user: 0, item: 2, value: 0)]
        let mf = try MatrixFactorization.fit(clicks, users: users, items: items,
                                             options: .init(rank: 2, l2: lambda, sweeps: 2, feedback: .implicit(alpha: alpha), seed: 5))
        var counts = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for c in clicks { counts[c.user][c.item] += Double(c.value) }
        var brute = 0.0
        for u in 0..<users {
            for i in 0..<items {
                let r = counts[u][i], s = mf.score(user: u, item: i)
                let p = r > 0 ? 1.0 : 0.0
                brute += (1 + alpha * r) * (p - s) * (p - s)
            }
        }
        brute += lambda * (mf.userFactors.reduce(0) { $0 + $1 * $1 } + mf.itemFactors.reduce(0) { $0 + $1 * $1 })
        #expect(abs(mf.history.last!.loss - brute) <= 1e-9 * brute, "\(mf.history.last!.loss) vs \(brute)")
    }

    @Test func implicitDuplicatesAreSummed() throws {
        let options = MatrixFactorization.Options(rank: 2, l2: 0.1, sweeps: 3, feedback: .implicit(alpha: 1), seed: 6)
        let split = [Interaction(user: 0, item: 1, value: 1), Interaction(user: 1, item: 0, value: 2), Interaction(user: 0, item: 1, value: 2)]
        let merged = [Interaction(user: 1, item: 0, value: 2), Interaction(user: 0, item: 1, value: 3)]
        let a = try MatrixFactorization.fit(split, users: 2, items: 2, options: options)
        let b = try MatrixFactorization.fit(merged, users: 2, items: 2, options: options)
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors)
    }

    /// The partial selection returns what a full sort would, ties broken
    /// towards the lower item id, honouring exclusions and short catalogues.
    @Test func topKAgreesWithAFullSort() throws {
        let (train, _) = lowRankRatings(users: 20, items: 200, rank: 3, seed: 24)
        let mf = try MatrixFactorization.fit(train, users: 20, items: 200, options: .init(rank: 3, sweeps: 5))
        for user in [0, 7, 19] {
            let excluded: Set<Int> = [3, 50, 199]
            let all = (0..<200).filter { !excluded.contains($0) }
                .map { MatrixFactorization.ScoredItem(item: $0, score: mf.score(user: user, item: $0)) }
                .sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
            for k in [1, 10, 197, 500] {
                #expect(mf.topK(user: user, k: k, excluding: excluded) == Array(all.prefix(k)), "user \(user) k \(k)")
            }
        }
        var selector = TopKSelector(capacity: 3)
        for (item, score) in [(5, 1.0), (2, 1.0), (9, 2.0), (1, 1.0), (4, 0.5)] { selector.offer(item: item, score: score) }
        #expect(selector.sortedDescending().map(\.item) == [9, 1, 2])
        #expect(mf.topK(user: 0, k: 0).isEmpty)
    }

    @Test func sameSeedSameModel() throws {
        let clicks = clusteredClicks(users: 15, items: 12, seed: 25)
        let options = MatrixFactorization.Options(rank: 3, sweeps: 4, feedback: .implicit(alpha: 5), seed: 9)
        let a = try MatrixFactorization.fit(clicks, users: 15, items: 12, options: options)
        let b = try MatrixFactorization.fit(clicks, users: 15, items: 12, options: options)
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors && a.history == b.history)
        #expect(a.version == b.version && a.version.id.hasPrefix("mf-"))
        var reseeded = options
        reseeded.seed = 10
        #expect(try MatrixFactorization.fit(clicks, users: 15, items: 12, options: reseeded).version != a.version)
    }

    @Test func earlyStopAndInputErrors() throws {
        let (train, _) = lowRankRatings(users: 10, items: 10, rank: 2, seed: 26)
        let mf = try MatrixFactorization.fit(train, users: 10, items: 10, options: .init(rank: 2, sweeps: 500, tolerance: 1e-6))
        #expect(mf.history.count < 500)
        #expect(throws: MatrixFactorization.FitError.userOutOfRange(index: 0, user: 10, users: 10)) {
            try MatrixFactorization.fit([Interaction(user: 10, item: 0)], users: 10, items: 10)
        }
        #expect(throws: MatrixFactorization.FitError.negativeImplicitValue(index: 0, value: -1)) {
            try MatrixFactorization.fit([Interaction(user: 1, item: 0, value: -1)], users: 10, items: 10,
                                        options: .init(feedback: .implicit(alpha: 1)))
        }
        #expect(throws: MatrixFactorization.FitError.noInteractions) {
            try MatrixFactorization.fit([], users: 1, items: 1)
        }
    }
}
