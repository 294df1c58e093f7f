/// A pending event: when it fires, its tie-breaking sequence number, and a
/// small value-type payload that the model interprets.
public struct ScheduledEvent<Payload> {
    /// (time, sequence) packed high to low, so one 128-bit comparison orders
    /// events without a data-dependent branch. Times are never negative.
    @usableFromInline var key: UInt128
    public var payload: Payload

    @inlinable public init(time: SimTime, sequence: UInt64, payload: Payload) {
        key = UInt128(UInt64(bitPattern: time.microseconds)) << 64 | UInt128(sequence)
        self.payload = payload
    }

    @inlinable public var time: SimTime { SimTime(microseconds: Int64(truncatingIfNeeded: UInt64(truncatingIfNeeded: key >> 64))) }
    @inlinable public var sequence: UInt64 { UInt64(truncatingIfNeeded: key) }

    /// Strict (time, sequence) order: equal times fire in insertion order.
    @inlinable @inline(__always) func precedes(_ other: ScheduledEvent) -> Bool { key < other.key }
}

/// A min-priority queue of events ordered by (time, insertion sequence).
///
///     var q = EventQueue<Int>()
///     q.push(ScheduledEvent(time: .zero, sequence: 0, payload: 7))
///     let first = q.popMin()
///
/// A 4-ary implicit heap (Johnson, "Priority queues with update and finding
/// minimum spanning trees", 1975) stored in one contiguous array: half the
/// depth of a binary heap and four children per cache line, so sift-down
/// touches fewer lines. Elements are value types; pushing and popping never
/// allocate once the array has grown to the working-set size.
///
/// The earliest event waits in a slot of its own in front of the heap while
/// nothing earlier is pushed. A model that schedules its next step to be the
/// next to fire (a workload's next item, ahead of every pending arrival)
/// then pushes and pops it in O(1), where the heap would sift it up from
/// the bottom and the last element down from the top again. The order is
/// the same: the slot only ever holds the queue's minimum.
public struct EventQueue<Payload> {
    @usableFromInline var storage: ContiguousArray<ScheduledEvent<Payload>>
    /// Precedes every event in `storage`, when present.
    @usableFromInline var front: ScheduledEvent<Payload>?

    @inlinable public init(capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(capacity)
        front = nil
    }

    @inlinable public var count: Int { storage.count + (front == nil ? 0 : 1) }
    @inlinable public var isEmpty: Bool { front == nil && storage.isEmpty }
    /// The next event to fire, if any. - Complexity: O(1)
    @inlinable public var min: ScheduledEvent<Payload>? { front ?? storage.first }

    /// - Complexity: O(1) when it goes to the front slot, else O(log₄ n)
    @inlinable @inline(__always) public mutating func push(_ event: ScheduledEvent<Payload>) {
        if let first = front {
            if event.precedes(first) {
                front = event
                heapPush(first)
            } else {
                heapPush(event)
            }
        } else if storage.isEmpty || event.precedes(storage[0]) {
            front = event
        } else {
            heapPush(event)
        }
    }

    @inlinable @inline(__always) mutating func heapPush(_ event: ScheduledEvent<Payload>) {
        storage.append(event)
        storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            let moving = heap[child]
            while child > 0 {
                let parent = (child - 1) >> 2
                guard moving.precedes(heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    /// Removes and returns the earliest event. - Complexity: O(1) from the front slot, else O(log₄ n)
    @inlinable @inline(__always) public mutating func popMin() -> ScheduledEvent<Payload>? {
        if let first = front {
            front = nil
            return first
        }
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        return storage.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            EventQueue.siftDown(last, from: 0, in: heap)
            return top
        }
    }

    /// Moves `moving` down from `hole` to its place. The smallest of four
    /// children is picked with selects rather than branches: which child wins
    /// is random, so a branch would mispredict about half the time.
    @inlinable @inline(__always)
    static func siftDown(_ moving: ScheduledEvent<Payload>, from start: Int,
                         in heap: UnsafeMutableBufferPointer<ScheduledEvent<Payload>>) {
        let n = heap.count
        var hole = start
        while true {
            let first = 4 &* hole &+ 1
            if first >= n { break }
            var best = first
            if first &+ 3 < n {
                let a = heap[first].key, b = heap[first &+ 1].key
                let c = heap[first &+ 2].key, d = heap[first &+ 3].key
                let ab = b < a ? first &+ 1 : first, abKey = Swift.min(a, b)
                let cd = d < c ? first &+ 3 : first &+ 2, cdKey = Swift.min(c, d)
                best = cdKey < abKey ? cd : ab
            } else {
                var c = first &+ 1
                while c < n {
                    if heap[c].key < heap[best].key { best = c }
                    c &+= 1
                }
            }
            guard heap[best].key < moving.key else { break }
            heap[hole] = heap[best]
            hole = best
        }
        heap[hole] = moving
    }

    /// Removes every event for which `shouldRemove` is true and restores heap
    /// order. - Complexity: O(n)
    @inlinable public mutating func removeAll(where shouldRemove: (ScheduledEvent<Payload>) -> Bool) {
        if let first = front, shouldRemove(first) { front = nil }
        storage.removeAll(where: shouldRemove)
        var i = storage.count / 4
        while i >= 0 {
            siftDown(from: i)
            i -= 1
        }
    }

    @inlinable mutating func siftDown(from start: Int) {
        storage.withUnsafeMutableBufferPointer { heap in
            guard start < heap.count else { return }
            EventQueue.siftDown(heap[start], from: start, in: heap)
        }
    }
}
