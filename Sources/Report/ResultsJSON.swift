import Foundation
import Measures

/// `results.json`: `RunResults` with sorted keys and indentation, so equal
/// results are equal bytes and a diff of two runs reads line by line.
///
///     let data = try ResultsJSON.encode(results)
///     let back = try ResultsJSON.decode(data)
public enum ResultsJSON {
    /// Infinities and NaN are not JSON; measures can hold them (the last
    /// value-decay bin reaches to infinity), so they travel as these strings.
    static let nonFinite = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    /// The bytes of `results.json`, ending in a newline.
    public static func encode(_ results: RunResults) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return try encoder.encode(results) + Data("\n".utf8)
    }

    /// Reads what `encode` wrote.
    public static func decode(_ data: Data) throws -> RunResults {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return try decoder.decode(RunResults.self, from: data)
    }
}
