import ArgumentParser
import Bench
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure engine and kernel throughput against reference loops run in the same process.",
        discussion: "Build with -c release for meaningful figures: swift run -c release tempo bench kernel")

    @Argument(help: "Suites to run: kernel, workloads, store.") var suites: [String] = ["kernel", "workloads", "store"]
    @Option(help: "M/M/c customers in the kernel suite.") var customers: Int = 1_000_000
    @Option(help: "Timed repetitions after one warm-up run.") var repetitions: Int = 5
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        let known = ["kernel", "workloads", "store"]
        for suite in suites where !known.contains(suite) {
            throw ValidationError("unknown suite '\(suite)'; expected one of: \(known.joined(separator: ", "))")
        }
        guard customers >= 1000 else { throw ValidationError("--customers must be at least 1000, got \(customers)") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
    }

    struct Report: Encodable {
        var kernel: KernelBenchmark.Result?
        var workloads: WorkloadsBenchmark.Result?
        var store: StoreBenchmark.Result?
    }

    func run() throws {
        var report = Report()
        func line(_ name: String, _ t: Throughput) -> String {
            String(format: "%@ %14.0f   (min %.0f, max %.0f)", name.padding(toLength: 34, withPad: " ", startingAt: 0), t.median, t.min, t.max)
        }
        if suites.contains("kernel") {
            let result = KernelBenchmark(customers: customers, repetitions: repetitions).run()
            report.kernel = result
            if !json {
                print("kernel — median of \(repetitions) runs after a warm-up, \(customers) customers")
                print(line("M/M/c events/s", result.mmcEventsPerSecond))
                print(line("bare 4-ary heap hold ops/s", result.heapOperationsPerSecond))
                print(String(format: "heap / M/M/c ratio %.2f× (goal ≤ 2×)", result.slowdown))
            }
        }
        if suites.contains("workloads") {
            let result = WorkloadsBenchmark(repetitions: repetitions).run()
            report.workloads = result
            if !json {
                print("workloads — one full-scale fraud day, streamed, median of \(repetitions) runs after a warm-up")
                print(line("authorizations/s", result.authorizationsPerSecond))
                print(String(format: "%d authorizations in %.2f s (goal ≤ 3 s), peak RSS %.0f MiB", result.authorizations,
                             result.secondsPerDay, Double(result.peakResidentBytes) / 1_048_576))
            }
        }
        if suites.contains("store") {
            let result = try StoreBenchmark(repetitions: repetitions).run()
            report.store = result
            if !json {
                print("store — \(result.rows) prediction rows in one transaction, median of \(repetitions) after a warm-up")
                print(line("prediction store rows/s", result.rowsPerSecond))
                print(line("raw sqlite3 C API rows/s", result.rawRowsPerSecond))
                print(String(format: "store / raw %.2f (goal ≥ 0.90, and ≥ 1M rows/s)", result.ratio))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
