import RealModule
import Randomness
import SimKernel

/// One item of a catalogue, as its latent process made it.
public struct CatalogueItem: Hashable, Sendable {
    public var id: Int32
    public var published: SimTime
    /// The item leaves the catalogue here: it can no longer be clicked or sent.
    public var expires: SimTime
    /// In 0...1: how likely the item is to be clicked when it is relevant.
    public var quality: Double
    /// What the item is about: a distribution over topics (sums to 1).
    public var topics: [Float]

    public func isLive(at t: SimTime) -> Bool { published <= t && t < expires }

    /// Σ interests·topics: the chance that a topic drawn from the reader's
    /// interests is one drawn from the item's, in 0...1.
    public func relevance(to interests: [Float]) -> Double {
        var dot: Float = 0
        for k in 0..<min(interests.count, topics.count) { dot += interests[k] * topics[k] }
        return Double(dot)
    }
}

/// Items published day by day, the catalogue of the digest and the
/// recommender.
///
///     let item = catalogue.item(1234)          // re-derived in O(log days)
///     for id in catalogue.ids(onDay: 3) { … }  // that day's items
///
/// Day d publishes round(perDay·(1+growth)^d) items, each at a time of day
/// drawn from the diurnal profile: a Poisson process conditioned on its daily
/// totals, which lets ids be dense and ordered by day. An item's publication
/// time, quality (Beta(2, 3)), topic vector (Dirichlet(topicAlpha): small α,
/// few topics per item) and lifetime (lognormal) come from the item's own
/// split stream, so any id is re-derived without a table. Items of the
/// `warmupDays` before the start exist already when a run begins.
struct ItemCatalogue: Sendable {
    let topics: Int
    let perDay: Double
    let growth: Double
    let profile: DiurnalProfile
    let topicAlpha: Double
    let lifetime: LogNormal
    let warmupDays: Int
    let stream: RandomStream
    /// firstID[c] is the first id of day c − warmupDays; the last entry ends the
    /// table (ids fit an Int32, and a century of days is plenty).
    let firstID: [Int64]

    init(topics: Int, perDay: Double, growth: Double, profile: DiurnalProfile, topicAlpha: Double,
         lifetimeMedian: SimDuration, lifetimeSigma: Double, stream: RandomStream) {
        self.topics = topics; self.perDay = perDay; self.growth = growth; self.profile = profile
        self.topicAlpha = topicAlpha; self.stream = stream
        lifetime = LogNormal(mu: Double.log(lifetimeMedian.seconds), sigma: lifetimeSigma)
        // Long enough that nearly every item live at the start (all but 0.13%) was published within it.
        let longest = lifetimeMedian.seconds * Double.exp(3 * lifetimeSigma)
        warmupDays = max(1, min(60, Int((longest / Day.seconds).rounded(.up))))
        var table: [Int64] = [0]
        for day in -warmupDays..<36_500 {
            let next = table.last! + Int64(Self.count(perDay, growth, day))
            if next > Int64(Int32.max) { break }
            table.append(next)
        }
        firstID = table
    }

    static func count(_ perDay: Double, _ growth: Double, _ day: Int) -> Int {
        let n = perDay * Double.pow(1 + growth, Double(day))
        return n < 1e12 ? Int(n.rounded()) : Int(1e12)
    }

    /// The last day with items (ids run out after it).
    var lastDay: Int { firstID.count - 2 - warmupDays }

    /// The ids published on `day`; empty outside the catalogue.
    func ids(onDay day: Int) -> Range<Int32> {
        let c = day + warmupDays
        guard c >= 0, c + 1 < firstID.count else { return 0..<0 }
        return Int32(firstID[c])..<Int32(firstID[c + 1])
    }

    /// The day item `id` was published on. - Complexity: O(log days)
    func day(of id: Int32) -> Int? {
        let x = Int64(id)
        guard x >= 0, x < firstID.last! else { return nil }
        var lo = 0, hi = firstID.count - 1  // firstID[lo] <= x < firstID[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if firstID[mid] <= x { lo = mid } else { hi = mid }
        }
        return lo - warmupDays
    }

    /// The item, or nil if `id` is not in the catalogue. - Complexity: O(log days + topics)
    func item(_ id: Int32) -> CatalogueItem? {
        guard let day = day(of: id) else { return nil }
        return item(id, day: day)
    }

    func item(_ id: Int32, day: Int) -> CatalogueItem {
        var rng = stream.split(UInt64(UInt32(bitPattern: id)))
        // Time of day by rejection against the diurnal profile (expected peak/mean ≈ 2 tries).
        var offset: Double
        repeat { offset = rng.nextUniform() * Day.seconds } while rng.nextUniform() * profile.peak >= profile.factor(at: offset)
        let published = Day.start(day) + SimDuration(seconds: offset)
        let x = Gamma(shape: 2, scale: 1).sample(&rng), y = Gamma(shape: 3, scale: 1).sample(&rng)
        var v = [Float](repeating: 0, count: topics)
        var sum = 0.0
        let g = Gamma(shape: topicAlpha, scale: 1)
        for k in 0..<topics {
            let draw = g.sample(&rng)
            v[k] = Float(draw)
            sum += draw
        }
        if sum > 0 && sum.isFinite {
            for k in 0..<topics { v[k] = Float(Double(v[k]) / sum) }
        } else {
            // A tiny α can underflow every draw: all the mass on one topic, as α → 0 would put it.
            for k in 0..<topics { v[k] = 0 }
            v[Int(rng.next() % UInt64(topics))] = 1
        }
        let expires = published + SimDuration(seconds: lifetime.sample(&rng))
        return CatalogueItem(id: id, published: published, expires: expires, quality: x / (x + y), topics: v)
    }
}

/// A catalogue's publications in time order, one day's items at a time:
/// O(items per day) memory.
struct Publisher {
    let catalogue: ItemCatalogue
    let horizon: SimTime
    private var day = -1
    private var pending: [CatalogueItem] = []
    private var index = 0

    /// Starts at the horizon's beginning; items still live then go into `live`.
    init(_ catalogue: ItemCatalogue, horizon: SimTime, live: inout LiveItems) {
        self.catalogue = catalogue
        self.horizon = horizon
        for day in -catalogue.warmupDays..<0 {
            for id in catalogue.ids(onDay: day) {
                let item = catalogue.item(id, day: day)
                if item.expires > .zero { live.insert(item) }
            }
        }
        refill()
    }

    /// When the next item is published; `.never` when none is left before the horizon.
    var nextTime: SimTime { index < pending.count ? pending[index].published : .never }

    mutating func pop() -> CatalogueItem {
        let item = pending[index]
        index += 1
        refill()
        return item
    }

    private mutating func refill() {
        while index == pending.count {
            day += 1
            guard day <= catalogue.lastDay, Day.start(day) < horizon else {
                pending = []
                index = 0
                return
            }
            let today = day
            pending = catalogue.ids(onDay: today).map { catalogue.item($0, day: today) }
                .sorted { ($0.published, $0.id) < ($1.published, $1.id) }
            index = 0
        }
    }
}

/// The items live now, for a generator to draw clicks from and to count
/// them: inserted at publication, removed at expiry. O(live items) memory,
/// kept as flat arrays so that drawing a click touches no reference counts.
struct LiveItems {
    let topics: Int
    private(set) var ids: [Int32] = []
    private(set) var published: [Double] = []
    private(set) var quality: [Double] = []
    /// Topic vectors, `topics` floats per slot.
    private(set) var vectors: [Float] = []
    /// Clicks each live item has had since publication, by slot.
    private(set) var clicks: [Int32] = []
    private var slotOf: [Int32: Int] = [:]
    private var expiries = EventQueue<Int32>()

    init(topics: Int) { self.topics = topics }

    var count: Int { ids.count }
    var isEmpty: Bool { ids.isEmpty }

    mutating func insert(_ item: CatalogueItem) {
        slotOf[item.id] = ids.count
        ids.append(item.id)
        published.append(item.published.seconds)
        quality.append(item.quality)
        vectors.append(contentsOf: item.topics)
        clicks.append(0)
        // The id orders equal expiry times, so removal order never depends on insertion order.
        expiries.push(ScheduledEvent(time: item.expires, sequence: UInt64(UInt32(bitPattern: item.id)), payload: item.id))
    }

    /// Removes every item that expires at or before `t`.
    mutating func expire(through t: SimTime) {
        while let next = expiries.min, next.time <= t {
            _ = expiries.popMin()
            guard let slot = slotOf.removeValue(forKey: next.payload) else { continue }
            let last = ids.count - 1
            if slot != last {
                ids[slot] = ids[last]
                published[slot] = published[last]
                quality[slot] = quality[last]
                clicks[slot] = clicks[last]
                for k in 0..<topics { vectors[slot * topics + k] = vectors[last * topics + k] }
                slotOf[ids[slot]] = slot
            }
            ids.removeLast()
            published.removeLast()
            quality.removeLast()
            clicks.removeLast()
            vectors.removeLast(topics)
        }
    }

    mutating func recordClick(slot: Int) { clicks[slot] += 1 }

    /// A live slot drawn with probability ∝ `weight(topics, quality, published)`
    /// (each weight in 0...1), by rejection: uniform candidates kept with
    /// probability `weight`. Nil when nothing is live or 10 000 candidates in
    /// a row were rejected.
    func draw(_ rng: inout RandomStream,
              weight: (_ topics: UnsafeBufferPointer<Float>, _ quality: Double, _ published: Double) -> Double) -> Int? {
        guard !ids.isEmpty else { return nil }
        let n = UInt64(ids.count), t = topics
        return vectors.withUnsafeBufferPointer { v in
            quality.withUnsafeBufferPointer { q in
                published.withUnsafeBufferPointer { p in
                    for _ in 0..<10_000 {
                        let slot = Int(rng.next() % n)
                        let topics = UnsafeBufferPointer(rebasing: v[(slot * t)..<(slot * t + t)])
                        if rng.nextUniform() < weight(topics, q[slot], p[slot]) { return slot }
                    }
                    return nil
                }
            }
        }
    }

    /// The ids of the `k` live items with the most clicks, ties to the older
    /// (smaller) id: the generic "popular" list a business falls back on.
    /// - Complexity: O(live · log live)
    func mostClicked(_ k: Int) -> [Int32] {
        let order = ids.indices.sorted { a, b in
            clicks[a] != clicks[b] ? clicks[a] > clicks[b] : ids[a] < ids[b]
        }
        return order.prefix(k).map { ids[$0] }
    }
}

/// Σ a·b over two topic vectors of the same length.
@inline(__always) func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Double {
    var sum: Float = 0
    for k in 0..<a.count { sum += a[k] * b[k] }
    return Double(sum)
}
