import RealModule
import Randomness
import SimKernel

/// Preferences over topics that drift day by day: a Gaussian random walk on
/// logits, read through a softmax. A digest reader's interests and a shopper's
/// long-term taste are both this.
///
///     let walk = InterestWalk(topics: 8, concentration: 1.5, drift: 0.3, stream: source.stream("interests"))
///     let today = walk.interests(of: 42, onDay: 3)    // sums to 1
///
/// Day 0, and every day before it, has the initial logits, N(0, concentration²)
/// per topic; each day d ≥ 1 adds an independent N(0, drift²) step per topic.
/// Both come from the entity's own split stream (the step of day d from that
/// stream split again by d), so any (entity, day) is re-derived without a
/// table, and a generator that keeps every entity's walk (`InterestTable`)
/// reaches exactly the same numbers advancing one day at a time.
struct InterestWalk: Sendable {
    let topics: Int
    let concentration: Double
    let drift: Double
    let stream: RandomStream

    /// Writes the initial logits of `entity` into `z[base..<base+topics]`.
    func setInitial(of entity: Int32, in z: inout [Float], at base: Int) {
        var rng = stream.split(UInt64(UInt32(bitPattern: entity)))
        for k in 0..<topics { z[base + k] = Float(concentration * Normal.standard(&rng)) }
    }

    /// Adds day `day`'s step (day ≥ 1) to `z[base..<base+topics]`.
    func addStep(of entity: Int32, day: Int, to z: inout [Float], at base: Int) {
        guard drift > 0 else { return }
        var rng = stream.split(UInt64(UInt32(bitPattern: entity))).split(UInt64(day))
        for k in 0..<topics { z[base + k] += Float(drift * Normal.standard(&rng)) }
    }

    /// The logits of `entity` on `day`. - Complexity: O(max(day, 0) × topics)
    func logits(of entity: Int32, onDay day: Int) -> [Float] {
        var z = [Float](repeating: 0, count: topics)
        setInitial(of: entity, in: &z, at: 0)
        if day >= 1 { for d in 1...day { addStep(of: entity, day: d, to: &z, at: 0) } }
        return z
    }

    /// The interests of `entity` on `day`: a distribution over topics. - Complexity: O(max(day, 0) × topics)
    func interests(of entity: Int32, onDay day: Int) -> [Float] {
        Self.softmax(logits(of: entity, onDay: day)[...])
    }

    static func softmax(_ z: ArraySlice<Float>) -> [Float] {
        let top = z.max() ?? 0
        var p = z.map { Float.exp($0 - top) }
        let sum = p.reduce(0, +)
        for k in p.indices { p[k] /= sum }
        return p
    }
}

/// Every entity's place on its `InterestWalk`, advanced lazily to the day it
/// is asked about: O(entities × topics) memory, the latent state itself, and
/// O(topics) per day advanced; a day before the one an entity is at is
/// re-derived in O(day × topics).
struct InterestTable {
    let walk: InterestWalk
    /// Per entity, the day its logits are at; `Int32.min` before first use.
    private var day: [Int32] = []
    private var logits: [Float] = []

    init(_ walk: InterestWalk) { self.walk = walk }

    /// The interests of `entity` on `day` (a distribution over topics).
    mutating func interests(of entity: Int32, onDay target: Int) -> [Float] {
        let e = Int(entity), t = walk.topics
        if e >= day.count {
            let grown = max(e + 1, day.count * 2)
            day.append(contentsOf: repeatElement(Int32.min, count: grown - day.count))
            logits.append(contentsOf: repeatElement(0, count: grown * t - logits.count))
        }
        if day[e] == Int32.min {
            walk.setInitial(of: entity, in: &logits, at: e * t)
            day[e] = 0
        }
        if target < Int(day[e]) && day[e] > 0 {
            // Asked about an earlier day (an email decided the evening before its local day): re-derive.
            return walk.interests(of: entity, onDay: target)
        }
        if target > Int(day[e]) {
            for d in (Int(day[e]) + 1)...target { walk.addStep(of: entity, day: d, to: &logits, at: e * t) }
            day[e] = Int32(target)
        }
        return InterestWalk.softmax(logits[(e * t)..<(e * t + t)])
    }
}
