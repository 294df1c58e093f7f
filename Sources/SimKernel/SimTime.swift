/// A point in virtual time: whole microseconds since the scenario start.
///
///     let t = SimTime.zero + .seconds(5)
///     let age = t - SimTime(microseconds: 1_000)     // a SimDuration
///
/// Integer microseconds keep every run bit-for-bit reproducible; no floating
/// point ever decides the order of two events.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    @inlinable public init(microseconds: Int64) { self.microseconds = microseconds }

    public static let zero = SimTime(microseconds: 0)
    /// Later than any time a run can reach; used as "never".
    public static let never = SimTime(microseconds: .max)

    @inlinable public var seconds: Double { Double(microseconds) / 1_000_000 }

    /// The time `s` seconds after the start, rounded to the nearest microsecond.
    @inlinable public init(seconds s: Double) {
        self.init(microseconds: SimDuration(seconds: s).microseconds)
    }

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.microseconds < b.microseconds }
    @inlinable public static func + (t: SimTime, d: SimDuration) -> SimTime {
        SimTime(microseconds: t.microseconds &+ d.microseconds)
    }
    @inlinable public static func - (t: SimTime, d: SimDuration) -> SimTime {
        SimTime(microseconds: t.microseconds &- d.microseconds)
    }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration {
        SimDuration(microseconds: a.microseconds &- b.microseconds)
    }
    @inlinable public static func += (t: inout SimTime, d: SimDuration) { t = t + d }

    public var description: String { SimDuration(microseconds: microseconds).description }
}

/// A span of virtual time in whole microseconds. Written in scenario files as
/// `150ms`, `5s`, `15m`, `1h`, `1d`.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    @inlinable public init(microseconds: Int64) { self.microseconds = microseconds }

    public static let zero = SimDuration(microseconds: 0)

    @inlinable public static func microseconds(_ n: Int64) -> SimDuration { SimDuration(microseconds: n) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(microseconds: n * 1_000) }
    @inlinable public static func seconds(_ n: Int64) -> SimDuration { SimDuration(microseconds: n * 1_000_000) }
    @inlinable public static func minutes(_ n: Int64) -> SimDuration { SimDuration(microseconds: n * 60_000_000) }
    @inlinable public static func hours(_ n: Int64) -> SimDuration { SimDuration(microseconds: n * 3_600_000_000) }
    @inlinable public static func days(_ n: Int64) -> SimDuration { SimDuration(microseconds: n * 86_400_000_000) }
    /// Rounds a duration in (fractional) seconds to the nearest microsecond
    /// (halves away from zero), without a libm call on the hot path.
    @inlinable public init(seconds s: Double) {
        let us = s * 1_000_000
        self.init(microseconds: Int64(us >= 0 ? us + 0.5 : us - 0.5))
    }

    @inlinable public var seconds: Double { Double(microseconds) / 1_000_000 }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.microseconds < b.microseconds }
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(microseconds: a.microseconds &+ b.microseconds)
    }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(microseconds: a.microseconds &- b.microseconds)
    }
    @inlinable public static func += (a: inout SimDuration, b: SimDuration) { a = a + b }
    @inlinable public static func * (d: SimDuration, k: Int64) -> SimDuration {
        SimDuration(microseconds: d.microseconds &* k)
    }

    /// The largest unit that divides the duration exactly: `90s` prints as `90s`, `3600s` as `1h`.
    public var description: String {
        let units: [(String, Int64)] = [("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000),
                                        ("s", 1_000_000), ("ms", 1_000)]
        if microseconds == 0 { return "0s" }
        for (name, size) in units where microseconds % size == 0 { return "\(microseconds / size)\(name)" }
        return "\(microseconds)us"
    }
}

extension Duration {
    /// A wall-clock duration in seconds, for reporting how long real work took.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
