import Foundation

/// One `tempo bench` suite: measures with the sampler it is given and says
/// what it measured against what.
public protocol BenchSuite {
    /// The suite's name on the command line and the prefix of its figures.
    var name: String { get }
    func report(_ sampler: Sampler) throws -> SuiteReport
}

/// Runs suites one after another, each preceded by the reference loop, and
/// gives every figure its ratio to that reference and every suite its own
/// peak memory.
///
///     let runner = BenchRunner(sampler: Sampler(repetitions: 5, counter: nil))
///     let reports = try runner.run([KernelBenchmark(), FeaturesBenchmark()])
///     reports[0].figures[0].ratio   // M/M/c events per reference step
public struct BenchRunner {
    public var sampler: Sampler
    public var reference: ReferenceLoop

    public init(sampler: Sampler, reference: ReferenceLoop = ReferenceLoop()) {
        self.sampler = sampler
        self.reference = reference
    }

    /// The reference loop's rate now, never slowed by the test knob: it is the
    /// yardstick, not the thing measured.
    public func measureReference() -> Throughput {
        var plain = sampler
        plain.injectedSlowdown = 1
        return plain.measure { reference.run() }
    }

    public func run(_ suites: [any BenchSuite], willRun: (String) -> Void = { _ in }) throws -> [SuiteReport] {
        var reports: [SuiteReport] = []
        for suite in suites {
            willRun(suite.name)
            let scope = PeakMemory.reset()
            let yardstick = measureReference()
            var report = try suite.report(sampler)
            report.reference = yardstick
            report.peakMemoryScope = scope
            report.peakResidentBytes = PeakMemory.read()
            for i in report.figures.indices where yardstick.median > 0 {
                let t = report.figures[i].throughput
                report.figures[i].ratio = t.median / yardstick.median
                if let cpu = t.cpuPerWall, let referenceCPU = yardstick.cpuPerWall, cpu > 0, referenceCPU > 0 {
                    report.figures[i].cpuRatio = (t.median / cpu) / (yardstick.median / referenceCPU)
                }
            }
            reports.append(report)
        }
        return reports
    }
}

/// A problem a user can fix, said in one line.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Lines for the terminal

/// `name  median  (min …, max …)` with the CPU-per-wall and instructions where known.
func rateLine(_ name: String, _ t: Throughput) -> String {
    var line = String(format: "  %@ %14.0f   (min %.0f, max %.0f, n=%d)",
                      name.padding(toLength: 40, withPad: " ", startingAt: 0), t.median, t.min, t.max, t.rates.count)
    if let cpu = t.cpuPerWall { line += String(format: "  cpu/wall %.2f", cpu) }
    if let i = t.instructionsPerItem { line += String(format: "  %.0f instr/item", i) }
    return line
}

func latencyLine(_ l: LatencySummary) -> String {
    String(format: "  %@ latency ns: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  (%d samples, clock ≈ %.0f ns)",
           l.operation, l.p50, l.p90, l.p99, l.p999, l.max, l.samples, l.clockOverhead)
}

/// A number without trailing zeros: 0.1, 1, 0.05.
func format(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(x)
}

func mebibytes(_ bytes: Int) -> String { String(format: "%.0f MiB", Double(bytes) / 1_048_576) }
