import SimKernel

/// How often something happens: written `120/s`, `10/m`, `3/h`, `1000/d`, with
/// an optional `k`/`M`/`G` on the count (`10M/d`).
///
///     let arrivals = try Rate(parsing: "10M/d")
///     arrivals.perSecond   // 115.74…
public struct Rate: ScenarioScalar, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var perSecond: Double

    public init(perSecond: Double) { self.perSecond = perSecond }

    public init(_ count: Double, per unit: TimeUnit) { perSecond = count / unit.seconds }

    public static var expectation: String { "a rate like 120/s, 10/m, 3/h or 1000/d" }

    public init(parsing text: String) throws(ValueParseError) {
        let (count, unit) = try Self.split(text, expectation: Self.expectation)
        guard let value = count.double else { throw ValueParseError("rate \(quoted(text)) is too large") }
        guard !count.isNegative || count.isZero else {
            throw ValueParseError("a rate must not be negative, found \(quoted(text))")
        }
        self.init(value, per: unit)
    }

    /// Splits `<count>/<unit>`; shared with prices, which have the same shape after the `$`.
    static func split(_ text: some StringProtocol, expectation: String) throws(ValueParseError)
        -> (NumberLiteral, TimeUnit)
    {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2,
              let count = NumberLiteral(String(parts[0])),
              let unit = TimeUnit(symbol: String(parts[1]))
        else {
            let hint = parts.count == 1 && NumberLiteral(String(text)) != nil ? "add a unit, e.g. \(text)/s" : nil
            throw .expected(expectation, found: String(text), hint: hint)
        }
        return (count, unit)
    }

    public static func < (a: Rate, b: Rate) -> Bool { a.perSecond < b.perSecond }

    /// How many events to expect in `duration` at this rate.
    public func expectedCount(in duration: SimDuration) -> Double { perSecond * duration.seconds }

    /// The count per the smallest unit that makes it a whole number (`3/h`, `10M/d`),
    /// else a short decimal (`0.1/h`); always reads back as exactly this rate.
    public var description: String {
        if perSecond == 0 { return "0/s" }
        let units: [TimeUnit] = [.second, .minute, .hour, .day, .week]
        for unit in units {
            let count = (perSecond * unit.seconds).rounded()
            if count != 0, abs(count) < 1e15, Rate(count, per: unit) == self {
                return Self.abbreviated(count) + "/" + unit.symbol
            }
        }
        for unit in units {
            if let text = shortestText(for: perSecond, scaledBy: unit.seconds, maxDigits: 6,
                                       readBack: { Rate($0, per: unit).perSecond }) {
                return text + "/" + unit.symbol
            }
        }
        // Swift prints the shortest text that reads back as the same Double, and `/s` divides by 1.
        return "\(perSecond)/s"
    }

    /// `10M` for 10 000 000, but `1000` stays `1000`.
    private static func abbreviated(_ count: Double) -> String {
        for (suffix, size) in [("G", 1e9), ("M", 1e6), ("k", 1e3)]
        where abs(count) >= 10 * size && (count / size).rounded() == count / size {
            return plainText(count / size) + suffix
        }
        return plainText(count)
    }
}
