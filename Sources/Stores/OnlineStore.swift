import SimKernel

/// The latest feature vector of each entity with the event time it is as of,
/// read by key at serving time — what Feast calls the online store (Redis in
/// production; dense arrays here, entities being dense ids).
///
///     var online = OnlineStore(width: view.entityFeatureCount, ttl: view.ttl, entities: workload.entityCount)
///     online.put(entity: 7, values: features, asOf: now)
///     if let (values, asOf) = online.get(entity: 7, at: later) { … }   // nil when expired
///
/// The TTL is honoured on read: a value older than `ttl` at read time comes
/// back missing, never as if present.
public struct OnlineStore: Sendable {
    public let width: Int
    public let ttl: SimDuration
    var values: [Float] = []
    var asOf: [Int64] = []
    public private(set) var entityCount = 0

    /// `entities`, the known population, is allocated at once: growing by
    /// doubling instead left a full-scale fraud store up to twice its 2M
    /// cardholders, and held both copies while it grew.
    public init(width: Int, ttl: SimDuration, entities: Int = 0) {
        self.width = width
        self.ttl = ttl
        if entities > 0 { grow(to: entities) }
    }

    mutating func grow(to count: Int) {
        asOf.append(contentsOf: repeatElement(.min, count: count - asOf.count))
        values.append(contentsOf: repeatElement(0, count: count * width - values.count))
    }

    /// Writes an entity's vector (`values.count == width`). - Complexity: O(width), amortised
    public mutating func put(entity: Int32, values newValues: [Float], asOf time: SimTime) {
        precondition(newValues.count == width, "feature vector width \(newValues.count) ≠ \(width)")
        let id = Int(entity)
        if id >= asOf.count { grow(to: max(id + 1, asOf.count * 2)) }
        if asOf[id] == .min { entityCount += 1 }
        asOf[id] = time.microseconds
        values.replaceSubrange(id * width..<(id + 1) * width, with: newValues)
    }

    /// The entity's vector and its as-of time, or nil if never written or
    /// older than the TTL at `now`. - Complexity: O(width)
    public func get(entity: Int32, at now: SimTime) -> (values: ArraySlice<Float>, asOf: SimTime)? {
        let id = Int(entity)
        guard id >= 0, id < asOf.count, asOf[id] != .min else { return nil }
        guard now.microseconds - asOf[id] <= ttl.microseconds else { return nil }
        return (values[id * width..<(id + 1) * width], SimTime(microseconds: asOf[id]))
    }

    /// Asks for the memory a `put` or `get` of the entity touches (its as-of
    /// time and its vector), ahead of time. A hint: it changes nothing;
    /// `mutating` only so that a caller holding the store in a class property
    /// reaches it in place (a call across modules would copy it).
    public mutating func prefetch(entity: Int32) {
        let id = Int(entity)
        guard id >= 0, id < asOf.count else { return }
        asOf.withUnsafeBufferPointer { llvmPrefetch(UnsafeRawPointer($0.baseAddress! + id), 1, 3, 1) }
        values.withUnsafeBufferPointer {
            let row = UnsafeRawPointer($0.baseAddress! + id * width)
            llvmPrefetch(row, 1, 3, 1)
            llvmPrefetch(row + (width * 4 - 1), 1, 3, 1)  // the row's last line, if it spans two
        }
    }

    /// Bytes held, for memory accounting.
    public var footprint: Int { values.count * 4 + asOf.count * 8 }
}
