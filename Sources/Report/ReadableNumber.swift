import Foundation

/// Numbers formatted for people: thousands separators, a precision that fits
/// the magnitude, and "—" for a value that was not measured.
///
///     ReadableNumber.money(1_234_567.8)        // "$1,234,568"
///     ReadableNumber.duration(seconds: 5400)   // "1.50 h"
///
/// Locale-independent on purpose: a report reads the same, byte for byte,
/// wherever it was written.
public enum ReadableNumber {
    /// What a missing value prints as.
    public static let missing = "—"

    /// `value` with `fractionDigits` decimals and commas between thousands.
    ///
    ///     ReadableNumber.grouped(-1234.5, fractionDigits: 1)   // "-1,234.5"
    public static func grouped(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? missing : (value < 0 ? "-∞" : "∞") }
        let digits = max(0, fractionDigits)
        let plain = String(format: "%.\(digits)f", abs(value))
        let parts = plain.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var withCommas = ""
        for (i, digit) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { withCommas.append(",") }
            withCommas.append(digit)
        }
        let fraction = parts.count > 1 ? "." + parts[1] : ""
        // No "-0.0": a value that rounds to zero has no sign.
        let roundsToZero = plain.allSatisfy { $0 == "0" || $0 == "." }
        return (value < 0 && !roundsToZero ? "-" : "") + withCommas + fraction
    }

    /// A count, grouped: `count(12345)` is "12,345".
    public static func count(_ n: Int) -> String { grouped(Double(n), fractionDigits: 0) }

    /// A quantity with three significant digits below 100 and whole numbers
    /// above: 0.0123 → "0.0123", 4.5 → "4.50", 12.34 → "12.3", 12345.6 → "12,346".
    ///
    /// With `trimmingZeros`, a setting rather than a measurement reads as
    /// written: 0.01 → "0.01", 24 → "24".
    public static func decimal(_ value: Double?, trimmingZeros: Bool = false) -> String {
        guard let value else { return missing }
        let text = grouped(value, fractionDigits: fractionDigits(for: value, significant: 3))
        guard trimmingZeros, text.contains(".") else { return text }
        let trimmed = text.reversed().drop { $0 == "0" }.drop { $0 == "." }
        return String(trimmed.reversed())
    }

    /// A value with a fixed number of decimals, e.g. an AUC: `fixed(0.91234, 3)` is "0.912".
    public static func fixed(_ value: Double?, _ fractionDigits: Int) -> String {
        guard let value else { return missing }
        return grouped(value, fractionDigits: fractionDigits)
    }

    /// Dollars: whole dollars from $100 up, cents below, and two significant
    /// digits under a cent so a cost per prediction still shows: "$12,346",
    /// "$12.35", "$0.0042".
    public static func money(_ value: Double?) -> String {
        guard let value else { return missing }
        guard value.isFinite else { return grouped(value, fractionDigits: 0) }
        let size = abs(value)
        let digits = size >= 100 ? 0 : (size >= 0.01 || size == 0 ? 2 : fractionDigits(for: size, significant: 2))
        let text = grouped(size, fractionDigits: digits)
        let roundsToZero = text.allSatisfy { $0 == "0" || $0 == "." }
        return (value < 0 && !roundsToZero ? "-$" : "$") + text
    }

    /// A percentage already scaled to 0...100, one decimal: `percent(97.31)` is "97.3%".
    public static func percent(_ value: Double?) -> String {
        guard let value else { return missing }
        return grouped(value, fractionDigits: 1) + "%"
    }

    /// A fraction of 1 as a percentage. An on-time rate of 0.9996 must not
    /// read as a perfect "100.0%", so near-perfect rates get two decimals,
    /// then "> 99.99%".
    ///
    ///     ReadableNumber.percent(fraction: 0.9731)   // "97.3%"
    public static func percent(fraction: Double?) -> String {
        guard let fraction else { return missing }
        let pct = fraction * 100
        guard pct.isFinite, pct < 100, pct >= 99.95 else { return percent(pct) }
        return pct >= 99.995 ? "> 99.99%" : grouped(pct, fractionDigits: 2) + "%"
    }

    /// A duration in the unit that reads best, three significant digits:
    /// "420 µs", "12.3 ms", "4.50 s", "12.5 min", "3.20 h", "2.10 d".
    public static func duration(seconds: Double?, trimmingZeros: Bool = false) -> String {
        guard let seconds else { return missing }
        guard seconds.isFinite else { return grouped(seconds, fractionDigits: 0) }
        if seconds == 0 { return "0 s" }
        let size = abs(seconds)
        // Below the simulation's resolution (1 µs), e.g. a mean over mostly-zero staleness.
        if size < 1e-6 { return "< 1 µs" }
        let (scale, unit): (Double, String) =
            size < 1e-3 ? (1e-6, "µs")
            : size < 1 ? (1e-3, "ms")
            : size < 120 ? (1, "s")
            : size < 7200 ? (60, "min")
            : size < 172_800 ? (3600, "h")
            : (86_400, "d")
        return decimal(seconds / scale, trimmingZeros: trimmingZeros) + " " + unit
    }

    /// A latency in milliseconds, shown like any duration: `latency(milliseconds: 0.42)` is "420 µs".
    public static func latency(milliseconds: Double?) -> String {
        duration(seconds: milliseconds.map { $0 / 1000 })
    }

    /// Decimals that leave `significant` significant digits, none at or above 10^significant-1.
    static func fractionDigits(for value: Double, significant: Int) -> Int {
        let size = abs(value)
        guard size > 0, size.isFinite else { return 0 }
        let magnitude = Int(floor(log10(size)))
        // Rounding can carry into the next power of ten (9.996 → "10.0"): one decimal fewer then.
        var digits = max(0, significant - 1 - magnitude)
        let rounded = (size * pow(10, Double(digits))).rounded() / pow(10, Double(digits))
        if rounded >= pow(10, Double(magnitude + 1)) { digits = max(0, digits - 1) }
        return min(digits, 12)
    }
}
