import ScenarioSpec
import SimKernel
@testable import Workloads

/// A scenario of `kind` whose workload parameters are `workload` (one per
/// line, indented as under `workload:`): its first line is line 7 of the file.
func scenario(_ kind: String, _ workload: String = "", scale: Double, horizon: String, seed: UInt64 = 1) throws -> Scenario {
    try Scenario.parse(yaml: """
        name: t
        seed: \(seed)
        horizon: \(horizon)
        scale: \(scale)
        workload:
          kind: \(kind)
        \(workload.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        engines:
          - {name: b, kind: batch}
        """, file: "t.yaml")
}

/// The first diagnostic a bad parameter gives, checked for its line and message.
func expectDiagnostic(_ scenario: Scenario, line: Int, _ message: String) throws {
    #expect(throws: ScenarioError.self) { try WorkloadFactory.make(scenario) }
    do { _ = try WorkloadFactory.make(scenario) } catch {
        let d = try #require(error.diagnostics.first)
        #expect(d.location.line == line, "\(d)")
        #expect(d.message.contains(message), "\(d)")
    }
}

import Testing
import Foundation

func Foundation_pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
func Foundation_log2(_ x: Double) -> Double { Foundation.log2(x) }

extension SimTime {
    static func days(_ d: Double) -> SimTime { SimTime(seconds: d * 86_400) }
}
