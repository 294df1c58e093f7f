import Foundation
import Measures
import Report
import Testing

struct ResultsJSONTests {
    @Test func roundTrips() throws {
        let results = SampleResults.run
        let back = try ResultsJSON.decode(ResultsJSON.encode(results))
        // The infinite last decay bin survives the trip.
        #expect(back.engines[0].valueDecay.last?.stalenessUpToS == .infinity)
        #expect(back == results)
    }

    @Test func equalResultsAreEqualBytes() throws {
        let first = try ResultsJSON.encode(SampleResults.run)
        let second = try ResultsJSON.encode(SampleResults.run)
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        // Sorted keys, pretty printed, snake_case names from RunResults.
        #expect(text.hasPrefix("{\n  \"code_version\""))
        #expect(text.hasSuffix("}\n"))
    }
}
