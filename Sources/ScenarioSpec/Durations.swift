import SimKernel

/// A unit of time as written after a number: `us` (or `µs`), `ms`, `s`, `m`,
/// `h`, `d`, `w`. Shared by durations, rates (`120/s`) and prices (`$0.68/h`).
///
///     TimeUnit(symbol: "h")?.seconds   // 3600
public enum TimeUnit: String, CaseIterable, Sendable {
    case microsecond = "us"
    case millisecond = "ms"
    case second = "s"
    case minute = "m"
    case hour = "h"
    case day = "d"
    case week = "w"

    /// Accepts the micro sign and the Greek mu as well as `us`.
    public init?(symbol: String) {
        switch symbol {
        case "µs", "μs": self = .microsecond
        default: self.init(rawValue: symbol)
        }
    }

    public var symbol: String { rawValue }

    public var microseconds: Int64 {
        switch self {
        case .microsecond: 1
        case .millisecond: 1_000
        case .second: 1_000_000
        case .minute: 60_000_000
        case .hour: 3_600_000_000
        case .day: 86_400_000_000
        case .week: 604_800_000_000
        }
    }

    public var seconds: Double { Double(microseconds) / 1_000_000 }
}

extension SimDuration: ScenarioScalar {
    public static var expectation: String { "a duration like 150ms, 5s, 15m, 1h or 1d" }

    /// Reads `250us`, `150ms`, `5s`, `15m`, `1h`, `1d`, `2w`, decimals such as
    /// `1.5h` (rounded to the microsecond) and sums such as `1h30m`. A bare `0`
    /// needs no unit. Negative durations are rejected.
    ///
    ///     try SimDuration(parsing: "1h30m") == .minutes(90)
    public init(parsing text: String) throws(ValueParseError) {
        self = try Self(parsing: text, allowingNegative: false)
    }

    /// As `init(parsing:)`, accepting `-5s` when `allowingNegative` (offsets, skews).
    public init(parsing text: String, allowingNegative: Bool) throws(ValueParseError) {
        let scalars = ArraySlice(text.unicodeScalars)
        var rest = scalars
        let isNegative = rest.first == "-"
        if isNegative { rest = rest.dropFirst() }
        if rest.elementsEqual(["0"]) {
            self = .zero
            return
        }

        var total: Int64 = 0
        var previousUnit: TimeUnit?
        repeat {
            // No sign inside a sum (`1h-5m`), and no k/M suffix: `1Ms` beside `1ms` invites mistakes.
            let options = NumberLiteral.Options(sign: false, exponent: true, suffix: false)
            guard let (number, afterNumber) = NumberLiteral.scan(rest, options) else {
                throw Self.syntaxError(text)
            }
            let unitText = afterNumber.prefix(while: isLetter)
            guard let unit = TimeUnit(symbol: String(String.UnicodeScalarView(unitText))),
                  // Parts go from larger to smaller units, so `30m1h` and `1m1m` are typos.
                  previousUnit.map({ unit.microseconds < $0.microseconds }) ?? true
            else { throw Self.syntaxError(text) }
            guard let part = Self.microseconds(number, unit),
                  case (let sum, false) = total.addingReportingOverflow(part)
            else { throw Self.tooLarge(text) }
            total = sum
            previousUnit = unit
            rest = afterNumber.dropFirst(unitText.count)
        } while !rest.isEmpty

        if isNegative && !allowingNegative && total != 0 {
            throw ValueParseError("a duration must not be negative, found \(quoted(text))")
        }
        self.init(microseconds: isNegative ? -total : total)
    }

    /// `number × unit` in whole microseconds, or nil if it does not fit in an `Int64`.
    private static func microseconds(_ number: NumberLiteral, _ unit: TimeUnit) -> Int64? {
        // Whole numbers go exactly; decimals through Double, exact to the µs for
        // spans up to about 285 years.
        if case .success(let whole) = number.integer(as: Int64.self) {
            let (product, overflow) = whole.multipliedReportingOverflow(by: unit.microseconds)
            return overflow ? nil : product
        }
        guard let value = number.double else { return nil }
        let micros = (value * Double(unit.microseconds)).rounded()
        // 2^63 itself is not representable as Int64, hence `<`.
        guard micros < 9_223_372_036_854_775_808 else { return nil }
        return Int64(micros)
    }

    private static func syntaxError(_ text: String) -> ValueParseError {
        if let number = NumberLiteral(text, .init(sign: true, exponent: false, suffix: false)), !number.isZero {
            return .expected(expectation, found: text, hint: "add a unit, e.g. \(text)s")
        }
        return .expected(expectation, found: text)
    }

    private static func tooLarge(_ text: String) -> ValueParseError {
        let longest = SimDuration(microseconds: .max / TimeUnit.day.microseconds * TimeUnit.day.microseconds)
        return ValueParseError("duration \(quoted(text)) is too large; the longest is \(longest)")
    }

    public var scenarioText: String { description }
}

/// A duration that may be negative (`-5m`): clock skews, offsets. Plain
/// `SimDuration` rejects negatives because almost every duration in a
/// scenario is a span that cannot be.
///
///     let skew = reader.optional("skew", default: SignedDuration(.zero)).duration
public struct SignedDuration: ScenarioScalar, Hashable, Sendable, CustomStringConvertible {
    public var duration: SimDuration

    public init(_ duration: SimDuration) { self.duration = duration }

    public static var expectation: String { "a duration like -5m, 150ms or 1h" }

    public init(parsing text: String) throws(ValueParseError) {
        duration = try SimDuration(parsing: text, allowingNegative: true)
    }

    public var description: String { duration.description }
}
