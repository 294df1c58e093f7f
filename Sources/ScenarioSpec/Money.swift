import SimKernel

/// An amount of money in dollars: `$150`, `$0.68`, `$1.5k`.
///
///     try Money(parsing: "$150").dollars   // 150
public struct Money: ScenarioScalar, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var dollars: Double

    public init(dollars: Double) { self.dollars = dollars }

    public static var expectation: String { "an amount of money like $150 or $0.68" }

    public init(parsing text: String) throws(ValueParseError) {
        self = try Self(amount: text, whole: text, expectation: Self.expectation)
    }

    /// Reads `$<number>` from `amount`; `whole` is the text messages quote.
    init(amount: some StringProtocol, whole: String, expectation: String) throws(ValueParseError) {
        if amount.hasPrefix("-$") {
            throw ValueParseError("an amount of money must not be negative, found \(quoted(whole))")
        }
        guard amount.hasPrefix("$"), let number = NumberLiteral(String(amount.dropFirst())) else {
            let hint = NumberLiteral(String(amount)) != nil ? "amounts start with '$', e.g. $\(amount)" : nil
            throw .expected(expectation, found: whole, hint: hint)
        }
        guard !number.isNegative || number.isZero else {
            throw ValueParseError("an amount of money must not be negative, found \(quoted(whole))")
        }
        guard let dollars = number.double else { throw ValueParseError("amount \(quoted(whole)) is too large") }
        self.dollars = dollars
    }

    public static func < (a: Money, b: Money) -> Bool { a.dollars < b.dollars }

    public var description: String { "$" + (shortestText(for: dollars) ?? "\(dollars)") }
}

/// A price: an amount of money per unit of time (`$0.68/h`) or per item
/// (`$0.0001/request`). Further bases, such as `$0.02/GB-month`, become new
/// `Basis` cases without changing what is already written.
///
///     let price = try Price(parsing: "$0.0001/request")
///     price.basis   // .each("request")
public struct Price: ScenarioScalar, Hashable, Sendable, CustomStringConvertible {
    /// What the amount is paid for.
    public enum Basis: Hashable, Sendable, CustomStringConvertible {
        /// Per unit of time a resource is held: `/h`, `/d`.
        case time(TimeUnit)
        /// Per item of a named kind: `/request`, `/prediction`, `/GB`.
        case each(String)

        public var description: String {
            switch self {
            case .time(let unit): unit.symbol
            case .each(let item): item
            }
        }
    }

    public var amount: Money
    public var basis: Basis

    public init(_ amount: Money, per basis: Basis) {
        self.amount = amount
        self.basis = basis
    }

    public static var expectation: String { "a price like $0.68/h or $0.0001/request" }

    public init(parsing text: String) throws(ValueParseError) {
        try self.init(parsing: text, expectation: Self.expectation)
    }

    init(parsing text: String, expectation: String) throws(ValueParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            let hint = (try? Money(parsing: text)).map { "say what it is per, e.g. \($0)/h or \($0)/request" }
            throw .expected(expectation, found: text, hint: hint)
        }
        amount = try Money(amount: parts[0], whole: text, expectation: expectation)
        if let unit = TimeUnit(symbol: String(parts[1])) {
            basis = .time(unit)
        } else if Self.isItemName(parts[1]) {
            basis = .each(String(parts[1]))
        } else {
            throw .expected(expectation, found: text)
        }
    }

    /// The price of holding something for an hour, if the price is per unit of time.
    public var moneyRate: MoneyRate? {
        guard case .time(let unit) = basis else { return nil }
        return MoneyRate(amount.dollars, per: unit)
    }

    /// The price of one `item`, if the price is per `item`.
    public func perItem(_ item: String) -> Money? {
        basis == .each(item) ? amount : nil
    }

    public var description: String { "\(amount)/\(basis)" }

    /// A letter, then letters, digits, `_` or `-`: `request`, `GB`, `GB-month`.
    private static func isItemName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || isDigit($0) || $0 == "_" || $0 == "-" }
    }
}

/// Money per unit of time, kept as dollars per hour, the unit cloud prices
/// are quoted in: `$0.68/h`, `$20/d`.
///
///     try MoneyRate(parsing: "$24/d").dollarsPerHour   // 1
public struct MoneyRate: ScenarioScalar, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var dollarsPerHour: Double

    public init(dollarsPerHour: Double) { self.dollarsPerHour = dollarsPerHour }

    public init(_ dollars: Double, per unit: TimeUnit) {
        dollarsPerHour = dollars / (unit.seconds / 3600)
    }

    public static var expectation: String { "a price per unit of time like $0.68/h or $20/d" }

    public init(parsing text: String) throws(ValueParseError) {
        let price = try Price(parsing: text, expectation: Self.expectation)
        guard let rate = price.moneyRate else { throw .expected(Self.expectation, found: text) }
        self = rate
    }

    public static func < (a: MoneyRate, b: MoneyRate) -> Bool { a.dollarsPerHour < b.dollarsPerHour }

    /// What holding the resource for `duration` costs.
    public func cost(of duration: SimDuration) -> Money { Money(dollars: dollarsPerHour * duration.seconds / 3600) }

    /// Per hour when that reads well, else per the unit that gives a short number
    /// (`$20/d`, not `$0.8333333333333334/h`); always reads back exactly.
    public var description: String {
        let units: [TimeUnit] = [.hour, .day, .week, .minute, .second]
        for unit in units {
            let readBack = { (amount: Double) in MoneyRate(amount, per: unit).dollarsPerHour }
            if let text = shortestText(for: dollarsPerHour, scaledBy: unit.seconds / 3600, maxDigits: 6,
                                       readBack: readBack) {
                return "$\(text)/\(unit.symbol)"
            }
        }
        return "$\(shortestText(for: dollarsPerHour) ?? "\(dollarsPerHour)")/h"
    }
}
