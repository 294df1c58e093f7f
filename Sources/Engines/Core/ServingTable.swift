import SimKernel
import Stores

/// The latest published prediction of each entity: what a serving layer (a
/// key-value cache in front of the prediction store) holds, read by batch
/// and streaming engines at decision time.
///
///     var table = ServingTable()
///     table.reserve(entities: context.workload.entityCount)
///     table.publish(rows, modelVersion: "lr-1a2b")
///     if let entry = table.prediction(for: 7) { … }
///
/// Kept as columns indexed by entity id, not an array of optional entries:
/// 24 bytes an entity instead of 48, and a full-scale fraud run holds two
/// tables of 2M cardholders (the nightly job's and the rescoring stream's).
/// A table sized with `reserve` before publishing never grows past the
/// population.
public struct ServingTable: Sendable {
    public struct Entry: Hashable, Sendable {
        public var score: Float
        public var computedAt: SimTime
        public var featuresAsOf: SimTime
        public var modelVersion: String
        /// For a ranking, the entity's items best first.
        public var items: [Int32] = []
    }
    var scores: [Float] = []
    var computedAt: [Int64] = []
    /// `.min` where no prediction was ever published.
    var featuresAsOf: [Int64] = []
    /// Index into `versions`: a run publishes millions of rows under a handful of versions.
    var version: [UInt32] = []
    var versions: [String] = []
    /// Ranked lists; empty until a row with items is published, so a scoring workload pays nothing for them.
    var items: [[Int32]] = []
    /// Index into `versions` of the latest rows' version.
    var lastVersionIndex: UInt32 = 0

    /// The model version of the latest rows published.
    public var lastVersion: String? { versions.isEmpty ? nil : versions[Int(lastVersionIndex)] }

    public init() {}

    /// Makes room for ids `0..<entities` at once, so publishing never
    /// reallocates (and never holds a doubled copy) for the known population.
    public mutating func reserve(entities: Int) {
        if entities > scores.count { grow(to: entities) }
    }

    mutating func grow(to count: Int) {
        let added = count - scores.count
        scores.append(contentsOf: repeatElement(0, count: added))
        computedAt.append(contentsOf: repeatElement(0, count: added))
        featuresAsOf.append(contentsOf: repeatElement(.min, count: added))
        version.append(contentsOf: repeatElement(0, count: added))
        if !items.isEmpty { items.append(contentsOf: repeatElement([], count: added)) }
    }

    mutating func publish(_ rows: [PredictionRow], modelVersion: String) {
        for r in rows { publish(r, modelVersion: modelVersion) }
    }

    mutating func publish(_ r: PredictionRow, modelVersion: String) {
        let id = Int(r.entity)
        if id >= scores.count { grow(to: max(id + 1, scores.count * 2)) }
        if versions.isEmpty || versions[Int(lastVersionIndex)] != modelVersion {
            if let known = versions.firstIndex(of: modelVersion) {
                lastVersionIndex = UInt32(known)
            } else {
                lastVersionIndex = UInt32(versions.count)
                versions.append(modelVersion)
            }
        }
        scores[id] = r.score
        computedAt[id] = r.computedAt.microseconds
        featuresAsOf[id] = r.featuresAsOf.microseconds
        version[id] = lastVersionIndex
        if !r.items.isEmpty && items.isEmpty { items = Array(repeating: [], count: scores.count) }
        if !items.isEmpty { items[id] = r.items }
    }

    public func prediction(for entity: Int32) -> Entry? {
        let id = Int(entity)
        guard id >= 0, id < scores.count, featuresAsOf[id] != .min else { return nil }
        return Entry(score: scores[id], computedAt: SimTime(microseconds: computedAt[id]),
                     featuresAsOf: SimTime(microseconds: featuresAsOf[id]), modelVersion: versions[Int(version[id])],
                     items: items.isEmpty ? [] : items[id])
    }

    /// Every entity with a prediction, in id order: what a population decision reads. - Complexity: O(entities)
    public func all() -> [(entity: Int32, entry: Entry)] {
        scores.indices.compactMap { i in prediction(for: Int32(i)).map { (Int32(i), $0) } }
    }
}
