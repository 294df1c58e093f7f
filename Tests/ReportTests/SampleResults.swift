import Foundation
import Measures

/// A hand-built run: a 6-hourly batch engine, a real-time engine, the oracle,
/// and a baseline that has no series at all, over one day.
enum SampleResults {
    static let percentiles: [Double] = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]

    static var run: RunResults {
        var batch = EngineResult(name: "nightly_batch", kind: "batch")
        batch.decisions = 120_000; batch.onTimeRate = 1; batch.value = 812_345.6; batch.valueCI95 = 10_234.6
        batch.valuePctOfOracle = 71.3; batch.valueAboveBaseline = 400_000; batch.costPerDay = 48.2
        batch.costPer1kPredictions = 0.0042; batch.valuePerDollar = 16_853.6
        batch.costBreakdown = [.init(component: "compute", perDay: 40.2), .init(component: "storage", perDay: 8)]
        batch.stalenessMeanS = 12_600; batch.stalenessP50S = 12_500; batch.stalenessP99S = 23_200
        batch.latencyP50Ms = 0.8; batch.latencyP95Ms = 1.9; batch.latencyP99Ms = 2.4; batch.latencyP999Ms = 4.1
        batch.auc = 0.861; batch.batchRuns = 4
        // Six-hourly job taking 30 minutes: staleness climbs from 30 min to 6.5 h, then drops.
        batch.stalenessSeries = (0..<96).map { i in
            let t = Double(i) * 900
            return .init(timeS: t, value: 1800 + t.truncatingRemainder(dividingBy: 21_600))
        }
        batch.valueDecay = [.init(stalenessUpToS: 3600, meanValue: 8.9, decisions: 22_000),
                            .init(stalenessUpToS: 3 * 3600, meanValue: 7.4, decisions: 40_000),
                            .init(stalenessUpToS: 6 * 3600, meanValue: 6.1, decisions: 50_000),
                            .init(stalenessUpToS: 12 * 3600, meanValue: 5.2, decisions: 8_000),
                            .init(stalenessUpToS: .infinity, meanValue: 4.0, decisions: 0)]
        batch.latencyCDF = zip(percentiles, [0.3, 0.4, 0.5, 0.6, 0.8, 1.1, 1.6, 1.9, 2.4, 4.1, 6.0]).map { .init(percentile: $0, latencyMs: $1) }

        var realtime = EngineResult(name: "realtime", kind: "realtime")
        realtime.decisions = 120_000; realtime.onTimeRate = 0.99962; realtime.value = 1_101_234; realtime.valueCI95 = 9_876
        realtime.valuePctOfOracle = 96.7; realtime.costPerDay = 635.5; realtime.costPer1kPredictions = 0.0529
        realtime.valuePerDollar = 1_732.9
        realtime.costBreakdown = [.init(component: "compute", perDay: 480), .init(component: "online store", perDay: 120.5),
                                  .init(component: "requests", perDay: 35)]
        realtime.stalenessMeanS = 0.45; realtime.stalenessP50S = 0.4; realtime.stalenessP99S = 1.3
        realtime.latencyP50Ms = 14; realtime.latencyP95Ms = 41; realtime.latencyP99Ms = 88; realtime.latencyP999Ms = 210
        realtime.auc = 0.902; realtime.failures = 3; realtime.slaMisses = 46
        realtime.stalenessSeries = (0..<96).map { .init(timeS: Double($0) * 900, value: 0.4 + 0.1 * Double($0 % 3)) }
        realtime.valueDecay = [.init(stalenessUpToS: 0.1, meanValue: 9.4, decisions: 30_000),
                               .init(stalenessUpToS: 1, meanValue: 9.2, decisions: 85_000),
                               .init(stalenessUpToS: 10, meanValue: 9.0, decisions: 5_000)]
        realtime.latencyCDF = zip(percentiles, [5, 7, 8, 10, 14, 20, 31, 41, 88, 210, 480]).map { .init(percentile: $0, latencyMs: $1) }

        var oracle = EngineResult(name: "oracle", kind: "oracle")
        oracle.decisions = 120_000; oracle.onTimeRate = 1; oracle.value = 1_138_800; oracle.valuePctOfOracle = 100
        oracle.stalenessMeanS = 0; oracle.stalenessP50S = 0; oracle.stalenessP99S = 0; oracle.auc = 1
        // Never stale: a log axis cannot draw it, so the staleness chart leaves it out.
        oracle.stalenessSeries = (0..<96).map { .init(timeS: Double($0) * 900, value: 0) }
        oracle.valueDecay = [.init(stalenessUpToS: 0.001, meanValue: 9.49, decisions: 120_000)]

        var baseline = EngineResult(name: "baseline", kind: "baseline")
        baseline.decisions = 120_000; baseline.onTimeRate = 1; baseline.value = 412_000; baseline.valuePctOfOracle = 36.2

        return RunResults(
            scenario: "fraud", scenarioFile: "Scenarios/fraud.yaml", scenarioSHA256: String(repeating: "ab", count: 32),
            description: "Card fraud: block a payment <before> it settles & the money is gone.", workload: "fraud",
            seed: 42, scale: 0.01, replications: 1, horizonSeconds: 86_400, warmupSeconds: 7200,
            costProfile: "aws-us-east-1", codeVersion: "v0.1-12-g94146f7",
            engines: [batch, realtime, oracle, baseline],
            declaredDecay: [0, 60, 600, 3600, 7200, 21_600, 86_400].map { .init(delaySeconds: $0, remaining: pow(0.5, $0 / 3600)) },
            findings: ["realtime earns 96.7% of the oracle's value at 13× the batch engine's cost.",
                       "nightly_batch's features are 3.5 h stale on average (mean of a 6 h cadence + 30 min job)."],
            timing: .init(wallSeconds: 12.5, startedAt: "2025-01-01T00:00:00Z"))
    }

    /// A fresh, empty folder under the temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ReportTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
