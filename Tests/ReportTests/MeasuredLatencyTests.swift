import Foundation
import Measures
import Report
import Testing

/// An engine with a measured latency profile gets its simulated and
/// measured percentiles side by side in both pages; without one, no table.
struct MeasuredLatencyTests {
    @Test func sideBySideOnlyWhenMeasured() throws {
        var run = SampleResults.run
        let plain = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: plain) }
        _ = try ReportWriter(gnuplot: "/nonexistent").write(run, to: plain)
        #expect(!(try String(contentsOfFile: "\(plain)/report.md", encoding: .utf8)).contains("simulated and measured"))

        let i = try #require(run.engines.firstIndex { $0.kind == "realtime" })
        run.engines[i].measuredLatencyP50Ms = 0.31
        run.engines[i].measuredLatencyP99Ms = 2.17
        run.engines[i].measuredLatencyP999Ms = 8.3
        let measured = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: measured) }
        _ = try ReportWriter(gnuplot: "/nonexistent").write(run, to: measured)
        let md = try String(contentsOfFile: "\(measured)/report.md", encoding: .utf8)
        #expect(md.contains("## Latency: simulated and measured"))
        #expect(md.contains("| realtime |") && md.contains("2.17 ms") && md.contains("310 µs"))
        #expect(try String(contentsOfFile: "\(measured)/index.html", encoding: .utf8).contains("Latency: simulated and measured"))
        #expect(try String(contentsOfFile: "\(measured)/results.json", encoding: .utf8).contains("\"measured_latency_p99_ms\""))
    }
}
