import Features
import Models
import RealModule
import SimKernel
import Workloads

/// The ranking workloads' model (digest, ui, recsys): which items to show a
/// user now, best first.
///
///     let items = model.prepare(catalogue.snapshot(at: now), view)      // once per catalogue read
///     let list = model.rank(user: 7, features: userFeatures, view, items, count: 10)
///
/// Two parts, both fitted at the end of warm-up (`fit`, in
/// RankingModel+Fitting.swift):
///
/// - **Collaborative filtering**: implicit-feedback ALS (Hu, Koren &
///   Volinsky, ICDM 2008; `MatrixFactorization`) on user × item click
///   counts. x_u·y_i scores how much the user's clicks resemble those of the
///   item's other clickers — taste, for items old enough to have been
///   clicked in training (0 for the rest: a new item, a new user).
/// - **A click model over pair features** of (user, candidate item): a
///   logistic regression fitted on warm-up clicks against candidates drawn
///   from the same moment, so its logit orders candidates by how likely
///   each is to be the one clicked.
///
/// The pair features (`pairFeatureNames`), each read at the engine's own
/// freshness: how much of the user's recent clicks' topic mass lies on the
/// item's topics (the session's intent) and of their clicks over days (their
/// taste); the ALS score; log(1 + the item's clicks in the last hour) and
/// day (what is trending, which carries the items' unseen quality); and the
/// item's age in days (freshness). Only features that vary between items
/// change a ranking, so user-level activity stays out.
public struct RankingModel: Sendable {
    public static let pairFeatureNames = ["intent_match", "taste_match", "als_score", "log_item_clicks_1h",
                                          "log_item_clicks_24h", "item_age_days"]

    public let regression: LogisticRegression
    public let factors: MatrixFactorization?
    /// Dense ALS rows of the users and items seen in its training clicks.
    let userRow: [Int32: Int]
    let itemRow: [Int32: Int]
    public let version: String

    init(regression: LogisticRegression, factors: MatrixFactorization?, userRow: [Int32: Int], itemRow: [Int32: Int]) {
        self.regression = regression
        self.factors = factors
        self.userRow = userRow
        self.itemRow = itemRow
        version = factors.map { "rank-\(regression.version.id)+\($0.version.id)" } ?? "rank-\(regression.version.id)"
    }

    /// One item's standing: its id and the model's probability that it is the one clicked.
    public struct RankedItem: Hashable, Sendable {
        public var item: Int32
        public var score: Float
    }

    /// The user-side inputs of the pair features: the profiles normalised to
    /// shares (nil when the user clicked nothing in that window) and the ALS
    /// factor (nil for a user the factorisation never saw).
    struct UserSide {
        var intent: [Float]?
        var taste: [Float]?
        var factor: [Float]?
    }

    func userSide(_ user: Int32, features: [Float], _ view: FeatureView) -> UserSide {
        func shares(_ name: String) -> [Float]? {
            guard let profile = view.topicProfile(named: name) else { return nil }
            let v = features[profile.features].map { $0.isNaN ? 0 : $0 }
            let total = v.reduce(0, +)
            return total > 0 ? v.map { $0 / total } : nil
        }
        let factor = factors.flatMap { f in userRow[user].map { f.userFactor($0).map { Float($0) } } }
        return UserSide(intent: shares(FeatureCatalog.ProfileName.intent), taste: shares(FeatureCatalog.ProfileName.taste),
                        factor: factor)
    }

    /// The six pair features of one user and one prepared item (position `i`).
    func pairFeatures(_ user: UserSide, _ items: PreparedItems, _ i: Int) -> [Float] {
        let t = items.topicCount, r = items.factorRank, row = i * items.rowStride
        func dot(_ a: [Float]?, from offset: Int, _ n: Int) -> Float {
            guard let a else { return 0 }
            return (0..<n).reduce(0) { $0 + a[$1] * items.rows[row + offset + $1] }
        }
        return [dot(user.intent, from: 0, t), dot(user.taste, from: 0, t), dot(user.factor, from: t, r),
                items.columns[i * 3], items.columns[i * 3 + 1], items.columns[i * 3 + 2]]
    }

    /// The catalogue snapshot in the form ranking reads: each candidate's
    /// topics, ALS factor and item-side pair features — and the part of the
    /// logit that depends on the item alone — once per read of the catalogue
    /// rather than once per user. - Complexity: O(candidates × (topics + rank))
    public func prepare(_ snapshot: CatalogueSnapshot, _ view: FeatureView) -> PreparedItems {
        let names = view.itemAggregates.map(\.name)
        let clicks1h = names.firstIndex(of: FeatureCatalog.ItemFeatureName.clicks1h)
        let clicks24h = names.firstIndex(of: FeatureCatalog.ItemFeatureName.clicks24h)
        let age = names.firstIndex(of: FeatureCatalog.ItemFeatureName.age)
        let t = view.itemTopics?.count ?? 0, r = factors?.rank ?? 0
        let w = regression.weights
        var prepared = PreparedItems(topicCount: t, factorRank: r, asOf: snapshot.asOf)
        prepared.items = snapshot.items
        prepared.rows.reserveCapacity(snapshot.count * prepared.rowStride)
        for (i, item) in snapshot.items.enumerated() {
            let row = snapshot.row(i)
            func value(_ j: Int?) -> Float {
                guard let j else { return 0 }
                let v = row[row.startIndex + j]
                return v.isNaN ? 0 : v
            }
            let columns = [Float.log(onePlus: value(clicks1h)), Float.log(onePlus: value(clicks24h)), value(age) / 86_400]
            prepared.columns += columns
            prepared.prior.append(regression.intercept + w[3] * columns[0] + w[4] * columns[1] + w[5] * columns[2])
            // The row: topics, then the ALS factor (zeros for an item it never saw), then padding.
            prepared.rows += view.itemTopics?.topics(of: item) ?? ArraySlice(repeatElement(0, count: t))
            if let factors, let row = itemRow[item] { prepared.rows += factors.itemFactor(row).map { Float($0) } } else {
                prepared.rows += repeatElement(0, count: r)
            }
            prepared.rows += repeatElement(0, count: prepared.rowStride - t - r)
            prepared.position[item] = i
        }
        return prepared
    }

    /// The best `count` prepared items at `positions` for this user, best
    /// first (ties to the lower id). Each logit is the item's prior plus one
    /// dot product: a combined user vector — w_intent·intent + w_taste·taste
    /// over the topics, w_als·factor over the ALS dimensions — with the
    /// item's row (topics then factor), eight lanes at a time over rows
    /// padded to a multiple of eight; each goes straight into a bounded
    /// insertion of the best so far, O(n) for a short list.
    func best(_ user: UserSide, _ items: PreparedItems, positions: some Sequence<Int>, count: Int) -> [RankedItem] {
        guard count > 0 else { return [] }
        let w = regression.weights
        let t = items.topicCount, r = items.factorRank, stride = items.rowStride
        var combined = [Float](repeating: 0, count: stride)
        // A missing profile or factor weighs nothing.
        for k in 0..<t { combined[k] = w[0] * (user.intent?[k] ?? 0) + w[1] * (user.taste?[k] ?? 0) }
        if let factor = user.factor { for k in 0..<r { combined[t + k] = w[2] * factor[k] } }
        let lanes = stride / 8
        var top: [(logit: Float, id: Int32)] = []
        top.reserveCapacity(count + 1)
        items.rows.withUnsafeBytes { rows in
            combined.withUnsafeBytes { u in
                items.prior.withUnsafeBufferPointer { prior in
                    items.items.withUnsafeBufferPointer { ids in
                        for i in positions {
                            var acc = SIMD8<Float>.zero
                            let base = i * stride * 4
                            for l in 0..<lanes {
                                acc += u.loadUnaligned(fromByteOffset: l * 32, as: SIMD8<Float>.self)
                                    * rows.loadUnaligned(fromByteOffset: base + l * 32, as: SIMD8<Float>.self)
                            }
                            let z = prior[i] + acc.sum(), id = ids[i]
                            if top.count == count {
                                let last = top[count - 1]
                                guard z > last.logit || (z == last.logit && id < last.id) else { continue }
                            }
                            var j = top.count
                            top.append((z, id))
                            while j > 0 && (z > top[j - 1].logit || (z == top[j - 1].logit && id < top[j - 1].id)) {
                                top[j] = top[j - 1]
                                j -= 1
                            }
                            top[j] = (z, id)
                            if top.count > count { top.removeLast() }
                        }
                    }
                }
            }
        }
        return top.map { RankedItem(item: $0.id, score: 1 / (1 + Float.exp(-$0.logit))) }
    }

    /// The user's `count` best candidates, best first (ties to the lower id).
    /// - Complexity: O(candidates × (topics + rank))
    public func rank(user: Int32, features: [Float], _ view: FeatureView, _ items: PreparedItems, count: Int) -> [RankedItem] {
        best(userSide(user, features: features, view), items, positions: items.items.indices, count: count)
    }

    /// Re-ranks a shortlist (a batch stage's candidates) with the user's
    /// current features: the shortlist's items still in the catalogue
    /// snapshot are ordered by the model, and any it no longer holds keep
    /// their order after them.
    public func rerank(_ shortlist: [Int32], user: Int32, features: [Float], _ view: FeatureView, _ items: PreparedItems,
                       count: Int) -> [RankedItem] {
        let positions = shortlist.compactMap { items.position[$0] }
        var ranked = best(userSide(user, features: features, view), items, positions: positions, count: count)
        let present = Set(ranked.map(\.item))
        for item in shortlist where ranked.count < count && !present.contains(item) && items.position[item] == nil {
            ranked.append(RankedItem(item: item, score: 0))
        }
        return ranked
    }
}

/// The candidates of one catalogue snapshot, laid out for ranking (see `RankingModel.prepare`).
public struct PreparedItems: Sendable {
    public var items: [Int32] = []
    let topicCount: Int
    let factorRank: Int
    /// Per item, `rowStride` floats: its topic weights, its ALS factor (zeros
    /// for an item the factorisation never saw), zero padding.
    var rows: [Float] = []
    /// The item-side pair features, 3 per item: log clicks 1h, log clicks 24h, age in days.
    var columns: [Float] = []
    /// The intercept plus the weighted item-side pair features.
    var prior: [Float] = []
    var position: [Int32: Int] = [:]
    /// When the catalogue was read.
    public let asOf: SimTime

    init(topicCount: Int, factorRank: Int, asOf: SimTime) {
        self.topicCount = topicCount
        self.factorRank = factorRank
        self.asOf = asOf
    }

    /// Topics and factor rounded up to whole SIMD8 lanes.
    var rowStride: Int { (topicCount + factorRank + 7) / 8 * 8 }
}
