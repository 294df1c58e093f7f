import SimKernel

/// Every entity's feature records for one `IncrementalFeatures`, each
/// entity's in one contiguous block of its own, found through a flat header
/// array indexed by entity id.
///
///     var records = EntityRecords()
///     records.reserve(entity: 7)
///     records.append(record, to: &records.headers[7])
///
/// An update touches the entity's header and its one block: no allocation
/// and no reference counting per event, and one uniqueness check for the
/// whole store (the three Swift arrays per entity this replaces cost each of
/// those per array, and a cache miss per array). Blocks come in size classes
/// of 2 and 3 records, then a quarter apart (4, 5, 6, 7, 8, 10, 12, 14, 16,
/// 20, …): an entity whose records outgrow its block moves to the next
/// class, one left with half of its capacity or less to a class a quarter
/// above what it holds, and one left with none gives its block back. Blocks
/// come from `malloc`, which reuses freed memory across sizes: fraud at scale 0.2 peaked at 1.08 GB
/// against 1.41 GB with blocks carved from chunks of our own and a free list
/// per class (steps of 1.5, shrinking at a quarter), for the same run time.
///
/// Unsafe by design and kept small: `RecordStore` owns it and gives the
/// value semantics (copy on write); writes need a unique owner, and reads of
/// an unchanging store from several threads are safe.
struct EntityRecords {
    typealias Record = IncrementalFeatures.Record

    /// 16 bytes: the header array of a full-scale fraud view (2M users) is
    /// 32 MB, about the size of the last-level cache, rather than 48.
    struct Header {
        /// The entity's block, nil while it holds no records.
        var block: UnsafeMutablePointer<Record>? = nil
        /// `dueAt` in whole seconds, rounded down (so still a lower bound); `Int32.max`: never.
        private var dueSeconds: Int32 = .max
        /// Bits 0–23: the records held; 24–31: the block's size class.
        private var countAndClass: UInt32 = 0

        /// A watermark at or before which none of its records can be evicted
        /// (a lower bound on the earliest, to the second below; `.max`: none
        /// ever by watermark alone).
        var dueAt: Int64 {
            @inline(__always) get { dueSeconds == .max ? .max : Int64(dueSeconds) &* 1_000_000 }
            @inline(__always) set {
                let seconds = floorDiv(newValue, 1_000_000)
                dueSeconds = newValue == .max ? .max : Int32(clamping: Swift.min(seconds, Int64(Int32.max) - 1))
            }
        }
        var count: UInt32 {
            @inline(__always) get { countAndClass & 0xFF_FFFF }
            @inline(__always) set {
                precondition(newValue <= 0xFF_FFFF, "an entity holds at most 2²⁴ − 1 feature records")
                countAndClass = countAndClass & 0xFF00_0000 | newValue
            }
        }
        /// The block holds `EntityRecords.capacity(sizeClass)` records.
        var sizeClass: UInt8 {
            @inline(__always) get { UInt8(truncatingIfNeeded: countAndClass >> 24) }
            @inline(__always) set { countAndClass = countAndClass & 0xFF_FFFF | UInt32(newValue) << 24 }
        }

        var records: UnsafeMutableBufferPointer<Record> { UnsafeMutableBufferPointer(start: block, count: Int(count)) }

        /// Asks for the block's cache lines (up to eight) at once, so that a
        /// block spanning several lines costs one memory latency, not one per line.
        @inline(__always) func prefetch() {
            guard let block else { return }
            let raw = UnsafeRawPointer(block)
            let bytes = min(Int(count) * MemoryLayout<Record>.stride, 8 * 64)
            var offset = 0
            while offset < bytes {
                llvmPrefetch(raw + offset, 1, 3, 1)
                offset += 64
            }
        }
    }

    private(set) var headers: UnsafeMutablePointer<Header>
    /// Entities with a header: ids below this.
    private(set) var entityCount = 0
    private var headerCapacity = 0

    init() {
        headers = .allocate(capacity: 0)
    }

    /// Records a block of the class holds: 2, 3, then 4, 5, 6, 7, 8, 10, 12,
    /// 14, 16, 20… Steps of a quarter leave a block about a tenth empty on
    /// average: with a few records an entity, most of a large state is in
    /// small blocks. (A full-scale fraud state after two days: 1.97M entities,
    /// half of them with one to three records.)
    @inline(__always) static func capacity(_ sizeClass: UInt8) -> Int {
        guard sizeClass >= 2 else { return Int(sizeClass) + 2 }
        let c = Int(sizeClass) - 2
        return (4 + (c & 3)) << (c >> 2)
    }

    /// Makes `id` an entity with a header. - Complexity: amortised O(1)
    @inline(__always) mutating func reserve(entity id: Int) {
        if id >= entityCount { grow(to: id + 1) }
    }

    private mutating func grow(to count: Int) {
        if count > headerCapacity {
            let capacity = max(count, headerCapacity * 2, 1024)
            let grown = UnsafeMutablePointer<Header>.allocate(capacity: capacity)
            grown.moveInitialize(from: headers, count: entityCount)
            headers.deallocate()
            headers = grown
            headerCapacity = capacity
        }
        (headers + entityCount).initialize(repeating: Header(), count: count - entityCount)
        entityCount = count
    }

    /// The header of `id`, or an empty one for an id never seen.
    @inline(__always) func header(_ id: Int) -> Header { id >= 0 && id < entityCount ? headers[id] : Header() }

    // MARK: Blocks

    private func allocate(sizeClass c: UInt8) -> UnsafeMutablePointer<Record> { .allocate(capacity: Self.capacity(c)) }

    /// Moves `h`'s records to a block of class `c` (which must hold them).
    private func move(_ h: inout Header, to c: UnsafeMutablePointer<Record>?, sizeClass: UInt8) {
        if let old = h.block {
            if let c { c.moveInitialize(from: old, count: Int(h.count)) }
            old.deallocate()
        }
        h.block = c
        h.sizeClass = sizeClass
    }

    /// Appends `record` to the entity's records. - Complexity: amortised O(1)
    @inline(__always) mutating func append(_ record: Record, to h: inout Header) {
        if h.block == nil {
            move(&h, to: allocate(sizeClass: 0), sizeClass: 0)
        } else if Int(h.count) == Self.capacity(h.sizeClass) {
            move(&h, to: allocate(sizeClass: h.sizeClass + 1), sizeClass: h.sizeClass + 1)
        }
        (h.block! + Int(h.count)).initialize(to: record)
        h.count += 1
    }

    /// Removes the record at `i`, keeping the others' order. - Complexity: O(records after it)
    mutating func remove(at i: Int, from h: inout Header) {
        let block = h.block!
        (block + i).moveInitialize(from: block + i + 1, count: Int(h.count) - i - 1)
        h.count -= 1
        if h.count == 0 { move(&h, to: nil, sizeClass: 0) }
    }

    /// Keeps the first `kept` records: frees the block when none are left,
    /// and moves to a smaller one when half of it or less is used, so an
    /// entity's footprint follows its live records back down after a burst.
    mutating func truncate(_ h: inout Header, to kept: Int) {
        h.count = UInt32(kept)
        if kept == 0 {
            move(&h, to: nil, sizeClass: 0)
        } else if h.sizeClass > 0 && kept * 2 <= Self.capacity(h.sizeClass) {
            // Room for a quarter more, so that growing back does not move it at once.
            var c: UInt8 = 0
            while Self.capacity(c) < kept + kept / 4 { c += 1 }
            move(&h, to: allocate(sizeClass: c), sizeClass: c)
        }
    }

    // MARK: Whole store

    /// Entities holding records, and the records they hold.
    var size: (entities: Int, records: Int) {
        var e = 0, r = 0
        for i in 0..<entityCount where headers[i].count > 0 {
            e += 1
            r += Int(headers[i].count)
        }
        return (e, r)
    }

    /// An independent copy of every entity's records.
    func copy() -> EntityRecords {
        var copy = EntityRecords()
        copy.grow(to: entityCount)
        for i in 0..<entityCount {
            var h = headers[i]
            if let block = h.block {
                let c = copy.allocate(sizeClass: h.sizeClass)
                c.initialize(from: block, count: Int(h.count))
                h.block = c
            }
            copy.headers[i] = h
        }
        return copy
    }

    /// Frees every block and header; the store is unusable afterwards.
    mutating func deallocateAll() {
        for i in 0..<entityCount { headers[i].block?.deallocate() }
        headers.deallocate()
        entityCount = 0
        headerCapacity = 0
    }
}

/// Owns an `EntityRecords` on behalf of a value type: copies of an
/// `IncrementalFeatures` share one store until either of them writes
/// (`isKnownUniquelyReferenced`, then `copy`). The records sit behind a
/// pointer so the hot path reaches them without the class's dynamic
/// exclusivity checks.
final class RecordStore {
    let records: UnsafeMutablePointer<EntityRecords>

    init(_ records: EntityRecords = EntityRecords()) {
        self.records = .allocate(capacity: 1)
        self.records.initialize(to: records)
    }

    func copy() -> RecordStore { RecordStore(records.pointee.copy()) }

    deinit {
        records.pointee.deallocateAll()
        records.deinitialize(count: 1)
        records.deallocate()
    }
}
