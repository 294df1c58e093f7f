import Bench
import Foundation
import Testing

@Suite struct ModelsBenchmarkTests {
    /// A small run produces positive rates and the JSON keys the CLI and
    /// reports read.
    @Test func smallRunEncodesTheDocumentedKeys() throws {
        let result = ModelsBenchmark(rows: 20_000, columns: 16, repetitions: 2, includeNumpy: false, rowsPerRun: 20_000).run()
        #expect(result.vectorizedRowsPerSecond > 0 && result.perRecordRowsPerSecond > 0)
        #expect(result.numpyRowsPerSecond == nil && result.vectorizedOverNumpy == nil && result.parallelOverNumpy == nil && result.numpyNote != nil)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        let keys = Set(try #require(json).keys)
        #expect(keys.isSuperset(of: ["vectorized_rows_per_second", "per_record_rows_per_second",
                                     "numpy_rows_per_second", "vectorized_over_numpy", "parallel_rows_per_second",
                                     "numpy_single_thread_rows_per_second", "parallel_over_numpy"]))
        let back = try JSONDecoder().decode(ModelsBenchmark.Result.self, from: JSONEncoder().encode(result))
        #expect(back == result)
    }
}
