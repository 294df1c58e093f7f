/// A running summary of the events in a pane or a session: everything the
/// aggregations need, combinable across panes. Distinct items are kept
/// apart (they need the items themselves, not a summary).
public struct Accumulator: Hashable, Sendable {
    public var count: Int32 = 0
    public var sum: Float = 0
    public var min: Float = .infinity
    public var max: Float = -.infinity
    /// The latest event's amount; ties go to the later-processed event.
    public var lastAmount: Float = .nan
    /// `lastTime` in two 4-byte halves: with no 8-byte field the summary
    /// packs into 28 bytes, and a feature record into 36 instead of 40.
    @usableFromInline var lastTimeLow: UInt32 = 0
    @usableFromInline var lastTimeHigh: Int32 = .min

    public init() {}

    /// Event time of the latest event (`.min` before any).
    @inlinable public var lastTime: Int64 {
        @inline(__always) get { Int64(lastTimeHigh) << 32 | Int64(lastTimeLow) }
        @inline(__always) set {
            lastTimeLow = UInt32(truncatingIfNeeded: newValue)
            lastTimeHigh = Int32(truncatingIfNeeded: newValue >> 32)
        }
    }

    @inlinable public mutating func add(time: Int64, amount: Float) {
        count += 1
        sum += amount
        if amount < min { min = amount }
        if amount > max { max = amount }
        if time >= lastTime {
            lastTime = time
            lastAmount = amount
        }
    }

    @inlinable public mutating func merge(_ other: Accumulator) {
        count += other.count
        sum += other.sum
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
        if other.lastTime > lastTime {
            lastTime = other.lastTime
            lastAmount = other.lastAmount
        }
    }

    /// Merges a summary of events processed after this one's: on equal
    /// latest times `other`'s latest wins, as the later-processed event does in `add`.
    @inlinable public mutating func mergeLater(_ other: Accumulator) {
        let takeLast = other.count > 0 && other.lastTime >= lastTime
        let (time, amount) = takeLast ? (other.lastTime, other.lastAmount) : (lastTime, lastAmount)
        merge(other)
        lastTime = time
        lastAmount = amount
    }

    /// The aggregate's value; `distinct` is supplied by the caller. Empty
    /// windows give 0 for counts and sums and NaN (missing) otherwise.
    @inlinable public func value(_ aggregation: Aggregation, distinct: Int) -> Float {
        switch aggregation {
        case .count: Float(count)
        case .sum: sum
        case .mean: count > 0 ? sum / Float(count) : .nan
        case .min: count > 0 ? min : .nan
        case .max: count > 0 ? max : .nan
        case .distinctCount: Float(distinct)
        case .last: count > 0 ? lastAmount : .nan
        case .timeSinceLast: preconditionFailure("time since last is computed from the slot's latest event")
        }
    }
}
