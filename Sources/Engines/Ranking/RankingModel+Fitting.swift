import Features
import Models
import Randomness
import SimKernel
import Workloads

extension RankingModel {
    /// Settings for `fit`.
    public struct FitOptions: Sendable {
        /// Candidates drawn as the items not clicked, per click.
        public var negativesPerClick = 4
        /// Clicks the click model learns from at most (a uniform sample of the period's).
        public var maxClicks = 20_000
        /// The share of the training period whose clicks the ALS factors
        /// learn from; the click model learns from the rest, so the ALS score
        /// it weighs was never fitted on the very click it is asked to explain.
        public var factorShare = 0.5
        public var factorization = MatrixFactorization.Options(rank: 16, l2: 1, sweeps: 10, feedback: .implicit(alpha: 20))
        public var seed: UInt64 = 1

        public init() {}
    }

    /// Calls its argument with every event that had arrived by the end of
    /// training, in arrival order; `fit` replays twice.
    public typealias Replay = ((DomainEvent) throws -> Void) throws -> Void

    /// Fits both parts on the clicks of (`start`, `end`].
    ///
    ///     let fitted = try RankingModel.fit(view, from: .zero, to: warmupEnd) { body in
    ///         try offline.forEachArrival(upTo: warmupEnd, body)
    ///     }
    ///
    /// First pass: the clicks of the period's first `factorShare` (as they
    /// had arrived by then) become ALS's implicit feedback, and the rest are
    /// sampled (reservoir) as the click model's positives. Second pass: the
    /// events are replayed in arrival order through the view's incremental
    /// features, user and catalogue; just before anything arriving at or
    /// after a sampled click's time is applied, the clicking user's features
    /// and the catalogue's candidates are read — a point-in-time join, with
    /// exactly what had arrived — and the clicked item (label 1) and
    /// `negativesPerClick` other candidates of that moment (label 0) become
    /// rows of pair features.
    public static func fit(_ view: FeatureView, from start: SimTime, to end: SimTime, options: FitOptions = FitOptions(),
                           replay: Replay) throws -> (model: RankingModel, rows: Int, positives: Int) {
        let split = start + SimDuration(microseconds: Int64(Double((end - start).microseconds) * options.factorShare))
        var rng = RandomSource(seed: options.seed).stream("ranking-training")

        // Pass 1: ALS feedback, and a uniform sample of the clicks to explain.
        var feedback: [(user: Int32, item: Int32)] = []
        var clicks: [(user: Int32, item: Int32, time: SimTime)] = []
        var clicksSeen = 0
        try replay { e in
            guard e.kind == .click, e.entity >= 0, e.item >= 0, e.eventTime > start else { return }
            if e.eventTime <= split {
                if e.arrivalTime <= split { feedback.append((e.entity, e.item)) }
            } else if e.eventTime <= end {
                clicksSeen += 1
                if clicks.count < options.maxClicks {
                    clicks.append((e.entity, e.item, e.eventTime))
                } else {
                    let slot = Int(rng.next() % UInt64(clicksSeen))
                    if slot < options.maxClicks { clicks[slot] = (e.entity, e.item, e.eventTime) }
                }
            }
        }
        clicks.sort { ($0.time, $0.user, $0.item) < ($1.time, $1.user, $1.item) }

        var userRow: [Int32: Int] = [:], itemRow: [Int32: Int] = [:]
        for f in feedback {
            if userRow[f.user] == nil { userRow[f.user] = userRow.count }
            if itemRow[f.item] == nil { itemRow[f.item] = itemRow.count }
        }
        let factors = feedback.isEmpty ? nil : try MatrixFactorization.fit(
            feedback.map { MatrixFactorization.Interaction(user: userRow[$0.user]!, item: itemRow[$0.item]!) },
            users: userRow.count, items: itemRow.count, options: options.factorization)
        let draft = RankingModel(regression: LogisticRegression(weights: Array(repeating: 0, count: pairFeatureNames.count), intercept: 0),
                                 factors: factors, userRow: userRow, itemRow: itemRow)

        // Pass 2: replay, reading each sampled click's moment just before it.
        var users = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        guard var catalogue = CatalogueFeatures(view, outOfOrderness: .zero, allowedLateness: nil) else {
            preconditionFailure("a ranking view has item features")
        }
        var x = FeatureMatrix(columns: pairFeatureNames.count)
        var labels: [Bool] = []
        var next = 0
        func readClicks(before arrival: SimTime?) {
            while next < clicks.count, arrival.map({ clicks[next].time <= $0 }) ?? true {
                let click = clicks[next]
                next += 1
                var others = catalogue.candidates(at: click.time).filter { $0 != click.item }
                var chosen = [click.item]
                while chosen.count <= options.negativesPerClick && !others.isEmpty {
                    chosen.append(others.remove(at: Int(rng.next() % UInt64(others.count))))
                }
                var snapshot = CatalogueSnapshot(width: view.itemAggregates.count, asOf: click.time)
                for item in chosen { snapshot.append(item, catalogue.values(for: item, asOf: click.time)) }
                let items = draft.prepare(snapshot, view)
                let user = draft.userSide(click.user, features: users.values(for: click.user, asOf: click.time), view)
                for i in chosen.indices {
                    x.append(row: draft.pairFeatures(user, items, i))
                    labels.append(i == 0)
                }
            }
        }
        try replay { e in
            readClicks(before: e.arrivalTime)
            users.process(e)
            catalogue.process(e)
        }
        readClicks(before: nil)

        let regression = try LogisticRegression.fit(x, labels: labels, options: .init(l2: 1))
        return (RankingModel(regression: regression, factors: factors, userRow: userRow, itemRow: itemRow),
                labels.count, labels.filter { $0 }.count)
    }
}
