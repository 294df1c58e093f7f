import Foundation

/// A number as people write it in a scenario file: `42`, `-1_000.5`, `1e-3`,
/// `10M`. The one grammar behind integers, decimals and every unit.
///
/// Kept as decimal digits and a power of ten rather than a `Double`, so that an
/// integer such as a 64-bit seed is read exactly and `1.5k` is known to be the
/// integer 1500.
struct NumberLiteral: Equatable {
    var isNegative: Bool
    /// Significant digits without leading zeros; empty for zero.
    var digits: String
    /// The value is `digits × 10^power`.
    var power: Int

    /// Which optional parts of the grammar a caller accepts.
    struct Options {
        var sign = true
        var exponent = true
        /// `k`, `K`, `M`, `G`: thousands, millions, billions. Off for durations,
        /// where `m` already means minutes and a lone `M` would only confuse.
        var suffix = true
    }

    /// Reads the longest number at the start of `scalars`; returns it and where
    /// the rest begins, or nil if no number starts there.
    static func scan(_ scalars: ArraySlice<Unicode.Scalar>, _ options: Options = Options())
        -> (NumberLiteral, rest: ArraySlice<Unicode.Scalar>)?
    {
        var rest = scalars
        var isNegative = false
        if options.sign, let first = rest.first, first == "-" || first == "+" {
            isNegative = first == "-"
            rest = rest.dropFirst()
        }
        var integerPart = scanDigits(&rest)
        var fractionPart = ""
        if rest.first == ".", rest.dropFirst().first.map(isDigit) == true {
            rest = rest.dropFirst()
            fractionPart = scanDigits(&rest) ?? ""
        }
        if integerPart == nil && fractionPart.isEmpty { return nil }
        if integerPart == nil { integerPart = "" }  // `.5`, as YAML allows

        var exponent = 0
        if options.exponent, let e = rest.first, e == "e" || e == "E" {
            // Only an exponent if digits follow, so `5e` leaves `e` for the caller to reject.
            var afterE = rest.dropFirst()
            var exponentIsNegative = false
            if let sign = afterE.first, sign == "-" || sign == "+" {
                exponentIsNegative = sign == "-"
                afterE = afterE.dropFirst()
            }
            if afterE.first.map(isDigit) == true {
                var magnitude = 0
                while let digit = afterE.first, isDigit(digit) {
                    // Saturate: any exponent this large is out of range for every type anyway.
                    magnitude = min(magnitude * 10 + Int(digit.value - 48), 1_000_000)
                    afterE = afterE.dropFirst()
                }
                exponent = exponentIsNegative ? -magnitude : magnitude
                rest = afterE
            }
        }

        if options.suffix, let suffix = rest.first, let zeros = suffixZeros[suffix] {
            // `1.5k` is a suffix; `5kg` is a number followed by a unit for the caller.
            if rest.dropFirst().first.map(isLetter) != true {
                exponent += zeros
                rest = rest.dropFirst()
            }
        }

        let all = (integerPart ?? "") + fractionPart
        let significant = String(all.drop { $0 == "0" })
        let literal = NumberLiteral(isNegative: isNegative, digits: significant,
                                    power: exponent - fractionPart.count)
        return (literal.normalized, rest)
    }

    /// A whole string that is exactly one number, or nil.
    init?(_ text: String, _ options: Options = Options()) {
        let scalars = ArraySlice(text.unicodeScalars)
        guard let (literal, rest) = Self.scan(scalars, options), rest.isEmpty else { return nil }
        self = literal
    }

    init(isNegative: Bool, digits: String, power: Int) {
        self.isNegative = isNegative
        self.digits = digits
        self.power = power
    }

    var isZero: Bool { digits.isEmpty }

    /// The nearest `Double`, or nil when the magnitude overflows to infinity.
    var double: Double? {
        if isZero { return isNegative ? -0.0 : 0 }
        // Swift's parser rounds correctly, so digits and exponent go through it whole.
        guard let value = Double("\(isNegative ? "-" : "")\(digits)e\(power)"), value.isFinite else { return nil }
        return value
    }

    enum IntegerProblem: Error { case fractional, tooLarge, negative }

    /// The exact integer, if the literal is one and `T` can hold it.
    func integer<T: FixedWidthInteger>(as type: T.Type = T.self) -> Result<T, IntegerProblem> {
        if isZero { return .success(0) }
        guard power >= 0 else { return .failure(.fractional) }
        guard digits.count + power <= 20, var magnitude = UInt64(digits) else { return .failure(.tooLarge) }
        for _ in 0..<power {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return .failure(.tooLarge) }
            magnitude = product
        }
        guard isNegative else {
            return T(exactly: magnitude).map(Result.success) ?? .failure(.tooLarge)
        }
        guard T.isSigned else { return .failure(.negative) }
        // −(m−1)−1 reaches T.min without overflowing on the way.
        guard let belowMagnitude = T(exactly: magnitude - 1) else { return .failure(.tooLarge) }
        return .success(0 - belowMagnitude - 1)
    }

    /// Trailing zeros moved into the power, so `1500` and `1.5k` compare equal.
    private var normalized: NumberLiteral {
        var copy = self
        while copy.digits.last == "0" {
            copy.digits.removeLast()
            copy.power += 1
        }
        if copy.digits.isEmpty { copy.power = 0 }
        return copy
    }

    private static let suffixZeros: [Unicode.Scalar: Int] = ["k": 3, "K": 3, "M": 6, "G": 9]

    /// Digits with single `_` separators between them (`1_000_000`).
    private static func scanDigits(_ rest: inout ArraySlice<Unicode.Scalar>) -> String? {
        guard let first = rest.first, isDigit(first) else { return nil }
        var digits = String.UnicodeScalarView()
        while let scalar = rest.first {
            if isDigit(scalar) {
                digits.append(scalar)
                rest = rest.dropFirst()
            } else if scalar == "_", rest.dropFirst().first.map(isDigit) == true {
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return String(digits)
    }
}

func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic }

/// The shortest decimal text `t` (at most `maxDigits` significant digits) for
/// which `readBack(t) == value`: how units print themselves, so that reading the
/// text back gives the very same value.
///
///     shortestText(for: 0.95, scaledBy: 100) { $0 / 100 }   // "95", since 95 / 100 == 0.95
func shortestText(for value: Double, scaledBy scale: Double = 1, maxDigits: Int = 17,
                  readBack: (Double) -> Double = { $0 }) -> String? {
    let scaled = value * scale
    for digits in 1...maxDigits {
        let text = String(format: "%.\(digits)g", scaled)
        if let candidate = Double(text), readBack(candidate) == value { return plainText(candidate) }
    }
    return nil
}

/// `150` rather than `150.0`; the shortest text that reads back as the same `Double`.
func plainText(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
