import Engines
import Foundation
import Live
import Randomness
import ScenarioSpec
import Simulation
import Testing

@Suite struct LatencyProfileTests {
    func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func scenario(profileLine: String) -> String {
        """
        name: profiled
        seed: 3
        horizon: 1h
        warmup: 1d
        scale: 0.005
        workload:
          kind: fraud
          compromise_rate: 0.002/d
        engines:
          - name: rt
            kind: realtime
            \(profileLine)
        """
    }

    @Test func aMissingProfileIsReportedAtItsLineAndColumn() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "\(dir)/s.yaml"
        try scenario(profileLine: "latency_profile: nowhere.yaml").write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: ScenarioError.self) { try SimulationPlan.load(path: file) }
        let d = try #require(error.diagnostics.first)
        #expect(d.location.file == file && d.location.line == 12 && d.location.column == 22, "\(d)")
        #expect(d.message.contains("nowhere.yaml") && d.message.contains("tempo load"))
        #expect(d.description.hasPrefix("\(file):12:22: error:"))
    }

    @Test func aMalformedProfileIsReportedToo() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "latency_p50: 1ms\nservice_time_us: [[5, 1], [3, 2]]\n".write(toFile: "\(dir)/bad.yaml", atomically: true, encoding: .utf8)
        try scenario(profileLine: "latency_profile: bad.yaml").write(toFile: "\(dir)/s.yaml", atomically: true, encoding: .utf8)
        let error = try #require(throws: ScenarioError.self) { try SimulationPlan.load(path: "\(dir)/s.yaml") }
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics[0].location.line == 12)
        #expect(error.diagnostics[0].message.contains("latency_p99") || error.diagnostics[0].message.contains("increasing"))
    }

    /// A profile written by the load generator's code, read back from a
    /// scenario, replaces the cost model: simulated service times follow it.
    @Test func theEngineDrawsServiceTimesFromTheMeasuredDistribution() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Half the requests took 100–200 µs, half 900–1000 µs.
        let written = LatencyProfile(bounds: [100, 200, 900, 1000], counts: [0, 500, 0, 500],
                                     measuredP50: .microseconds(210), measuredP99: .microseconds(990), measuredP999: .microseconds(999))
        try written.yaml(measuredOn: "test", target: "http://127.0.0.1:1/predict/fraud")
            .write(toFile: "\(dir)/live.yaml", atomically: true, encoding: .utf8)
        try scenario(profileLine: "latency_profile: live.yaml").write(toFile: "\(dir)/s.yaml", atomically: true, encoding: .utf8)
        let plan = try SimulationPlan.load(path: "\(dir)/s.yaml")
        guard case .realtime(let c) = plan.engines[0].configuration, let read = c.latencyProfile else {
            Issue.record("no profile on the realtime engine"); return
        }
        #expect(read.bounds == written.bounds && read.counts == written.counts && read.measuredP99 == .microseconds(990))
        var rng = RandomSource(seed: 1).stream("t")
        let samples = (0..<20_000).map { _ in read.sample(&rng).microseconds }
        #expect(samples.allSatisfy { (101...200).contains($0) || (901...1000).contains($0) })
        let low = Double(samples.filter { $0 <= 200 }.count) / 20_000
        #expect(abs(low - 0.5) < 0.02)   // binomial sd 0.0035
    }
}
