/// Identifies a scheduled event so it can be cancelled.
public struct EventID: Hashable, Sendable {
    public let time: SimTime
    public let sequence: UInt64

    @inlinable init(time: SimTime, sequence: UInt64) {
        self.time = time
        self.sequence = sequence
    }
}

/// The discrete-event kernel: a virtual clock and a queue of value-type events.
///
///     var sim = Simulator<MyEvent>()
///     sim.schedule(.arrival, after: .seconds(1))
///     while let event = sim.step() { handle(event, &sim) }
///
/// Events fire in (time, insertion sequence) order, so ties are FIFO and the
/// same inputs give the same run on every machine. The kernel knows nothing
/// about any domain: models define the payload and interpret it (as SimPy's
/// `Environment` does with `now`, `schedule`, `step`, `run`).
///
/// Cancellation is lazy: a cancelled event stays in the heap and is skipped
/// when it reaches the top, so `cancel` is O(1) and the hot path pays only an
/// emptiness check when nothing was cancelled.
public struct Simulator<Payload> {
    /// The current virtual time: the time of the event being handled.
    @inlinable public var now: SimTime { clock }
    /// How many events have fired (cancelled ones excluded).
    @inlinable public var firedCount: Int { fired }

    @usableFromInline var clock: SimTime = .zero
    @usableFromInline var fired: Int = 0

    @usableFromInline var queue: EventQueue<Payload>
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var cancelled: Set<UInt64> = []
    /// Sequence number of the last fired event; with `now`, the key of the last
    /// pop. Keys only grow, so an id at or below it has already fired.
    @usableFromInline var lastFiredSequence: UInt64? = nil

    @inlinable public init(capacity: Int = 64) {
        queue = EventQueue(capacity: capacity)
    }

    /// Events scheduled and neither fired nor cancelled.
    public var pendingCount: Int { queue.count - cancelled.count }

    /// Schedules `payload` to fire at absolute time `time` (not before `now`).
    /// - Complexity: O(log n)
    @inlinable @inline(__always) @discardableResult
    public mutating func schedule(_ payload: Payload, at time: SimTime) -> EventID {
        precondition(time >= now, "cannot schedule an event in the past (\(time) < now \(now))")
        let sequence = nextSequence
        nextSequence &+= 1
        queue.push(ScheduledEvent(time: time, sequence: sequence, payload: payload))
        return EventID(time: time, sequence: sequence)
    }

    /// Schedules `payload` to fire `delay` after `now` (a non-negative delay).
    /// - Complexity: O(log n)
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, after delay: SimDuration) -> EventID {
        schedule(payload, at: now + delay)
    }

    /// Cancels a pending event. Returns false if it already fired or was
    /// already cancelled. - Complexity: O(1)
    @discardableResult
    public mutating func cancel(_ id: EventID) -> Bool {
        if hasFired(id) { return false }
        return cancelled.insert(id.sequence).inserted
    }

    func hasFired(_ id: EventID) -> Bool {
        guard let last = lastFiredSequence else { return false }
        return id.time < now || (id.time == now && id.sequence <= last)
    }

    /// The time of the next event that will fire, if any. (Inlinable, as is
    /// what it calls: an unspecialised generic here costs a metadata lookup per event.)
    @inlinable public mutating func peekTime() -> SimTime? {
        dropCancelledHead()
        return queue.min?.time
    }

    /// Fires the next event: advances `now` to its time and returns its
    /// payload, or nil when nothing is pending. - Complexity: O(log n)
    @inlinable @inline(__always) public mutating func step() -> Payload? {
        while let event = queue.popMin() {
            if !cancelled.isEmpty, cancelled.remove(event.sequence) != nil { continue }
            clock = event.time
            lastFiredSequence = event.sequence
            fired &+= 1
            return event.payload
        }
        return nil
    }

    /// Fires every event with time ≤ `limit`, handing each to `handle`, then
    /// leaves the clock at `limit` (or at the last event when `limit` is
    /// `.never`). Events the handler schedules within the limit fire too.
    @inlinable public mutating func run(until limit: SimTime = .never,
                                        _ handle: (inout Simulator, Payload) throws -> Void) rethrows {
        while let head = queue.min, head.time <= limit {
            guard let payload = step() else { break }
            try handle(&self, payload)
        }
        if limit != .never, limit > clock { clock = limit }
    }

    @inlinable mutating func dropCancelledHead() {
        while let head = queue.min, !cancelled.isEmpty, cancelled.contains(head.sequence) {
            cancelled.remove(head.sequence)
            _ = queue.popMin()
        }
    }

    /// Checks the queue's heap order and the cancelled-set bookkeeping. For tests.
    public func checkInvariants() -> Bool {
        queue.checkInvariants() && cancelled.count <= queue.count
    }
}
