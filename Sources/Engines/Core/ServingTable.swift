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
/// Kept as one 24-byte row per entity id, not an array of optional entries
/// (48 bytes): a full-scale fraud run holds two tables of 2M cardholders (the
/// nightly job's and the rescoring stream's). Rows, not a column per field:
/// a lookup of a random entity costs one cache miss, not one per column.
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
    struct Row {
        var score: Float = 0
        /// Index into `versions`: a run publishes millions of rows under a handful of versions.
        var version: UInt32 = 0
        var computedAt: Int64 = 0
        /// `.min` where no prediction was ever published.
        var featuresAsOf: Int64 = .min
    }
    var rows: [Row] = []
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
        if entities > rows.count { grow(to: entities) }
    }

    mutating func grow(to count: Int) {
        let added = count - rows.count
        rows.append(contentsOf: repeatElement(Row(), count: added))
        if !items.isEmpty { items.append(contentsOf: repeatElement([], count: added)) }
    }

    mutating func publish(_ rows: [PredictionRow], modelVersion: String) {
        for r in rows { publish(r, modelVersion: modelVersion) }
    }

    mutating func publish(_ r: PredictionRow, modelVersion: String) {
        let id = Int(r.entity)
        if id >= rows.count { grow(to: max(id + 1, rows.count * 2)) }
        if versions.isEmpty || versions[Int(lastVersionIndex)] != modelVersion {
            if let known = versions.firstIndex(of: modelVersion) {
                lastVersionIndex = UInt32(known)
            } else {
                lastVersionIndex = UInt32(versions.count)
                versions.append(modelVersion)
            }
        }
        rows[id] = Row(score: r.score, version: lastVersionIndex, computedAt: r.computedAt.microseconds,
                       featuresAsOf: r.featuresAsOf.microseconds)
        if !r.items.isEmpty && items.isEmpty { items = Array(repeating: [], count: rows.count) }
        if !items.isEmpty { items[id] = r.items }
    }

    public func prediction(for entity: Int32) -> Entry? {
        let id = Int(entity)
        guard id >= 0, id < rows.count, rows[id].featuresAsOf != .min else { return nil }
        let row = rows[id]
        return Entry(score: row.score, computedAt: SimTime(microseconds: row.computedAt),
                     featuresAsOf: SimTime(microseconds: row.featuresAsOf), modelVersion: versions[Int(row.version)],
                     items: items.isEmpty ? [] : items[id])
    }

    /// Asks for the entity's row ahead of a lookup or a publish. A hint: it
    /// changes nothing; `mutating` only so that a caller holding the table in
    /// a class property reaches it in place (a call across modules would copy it).
    public mutating func prefetch(entity: Int32) {
        let id = Int(entity)
        guard id >= 0, id < rows.count else { return }
        rows.withUnsafeBufferPointer { llvmPrefetch(UnsafeRawPointer($0.baseAddress! + id), 1, 3, 1) }
    }

    /// Every entity with a prediction, in id order: what a population decision reads. - Complexity: O(entities)
    public func all() -> [(entity: Int32, entry: Entry)] {
        rows.indices.compactMap { i in prediction(for: Int32(i)).map { (Int32(i), $0) } }
    }
}
