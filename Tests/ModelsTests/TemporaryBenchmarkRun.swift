import Bench
import Foundation
import Testing

@Test func temporaryBenchmarkRun() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    for _ in 0..<2 {
        let result = ModelsBenchmark().run()
        print("BENCH", String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}
