/// A share written as a percentage, `95%` or `0.5%`, kept as a fraction (0.95).
///
///     try Percentage(parsing: "95%").fraction   // 0.95
public struct Percentage: ScenarioScalar, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var fraction: Double

    public init(fraction: Double) { self.fraction = fraction }

    public static var expectation: String { "a percentage like 95% or 0.5%" }

    /// Negative percentages are rejected; above 100% is allowed (a range check can forbid it).
    public init(parsing text: String) throws(ValueParseError) {
        let options = NumberLiteral.Options(sign: true, exponent: true, suffix: false)
        guard text.hasSuffix("%"), let number = NumberLiteral(String(text.dropLast()), options) else {
            throw .expected(Self.expectation, found: text, hint: Self.hint(forBare: text))
        }
        guard !number.isNegative || number.isZero else {
            throw ValueParseError("a percentage must not be negative, found \(quoted(text))")
        }
        guard let percent = number.double else { throw ValueParseError("percentage \(quoted(text)) is too large") }
        fraction = percent / 100
    }

    /// A bare number is most likely a fraction (`0.95`) or a percentage missing its `%` (`95`).
    private static func hint(forBare text: String) -> String? {
        guard let value = NumberLiteral(text)?.double else { return nil }
        if (0...1).contains(value) { return "write the fraction \(text) as \(Percentage(fraction: value))" }
        return "add '%': \(text)%"
    }

    public static func < (a: Percentage, b: Percentage) -> Bool { a.fraction < b.fraction }

    public var description: String {
        (shortestText(for: fraction, scaledBy: 100) { $0 / 100 } ?? "\(fraction * 100)") + "%"
    }
}
