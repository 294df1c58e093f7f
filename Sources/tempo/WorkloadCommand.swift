import ArgumentParser
import Foundation
import ScenarioSpec
import Workloads

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Inspect the synthetic workload a scenario generates.",
        subcommands: [Describe.self, Sample.self])

    /// The scenario's workload, or an exit after printing every problem as FILE:LINE:COLUMN.
    static func load(_ path: String, scale: Double?, seed: UInt64?) throws -> (Scenario, any Workload) {
        do {
            var scenario = try Scenario.load(path: path)
            if let scale { scenario.scale = scale }
            if let seed { scenario.seed = seed }
            return (scenario, try WorkloadFactory.make(scenario))
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(1)
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Population, events and decision points per day, label prevalence, arrival delay, and a checksum of the stream.")
        @Argument(help: "A scenario file.") var file: String
        @Option(help: "Override the scenario's scale (0.001...1).") var scale: Double?
        @Option(help: "Override the scenario's seed.") var seed: UInt64?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let scale, !(0.001...1).contains(scale) { throw ValidationError("--scale must be in 0.001...1, got \(scale)") }
        }

        func run() throws {
            let (scenario, workload) = try WorkloadCommand.load(file, scale: scale, seed: seed)
            let d = WorkloadDescription(workload, horizon: scenario.horizon)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(d), as: UTF8.self))
                return
            }
            print("\(scenario.file): workload \(d.workload), horizon \(scenario.horizon), scale \(scenario.scale), seed \(scenario.seed)")
            print(String(format: "  entities            %12d", d.entities))
            print(String(format: "  events              %12d  (%.0f/day)", d.events, d.eventsPerDay))
            for (kind, n) in d.eventsByKind.sorted(by: { $0.key < $1.key }) {
                print("    \(kind.padding(toLength: 18, withPad: " ", startingAt: 0))\(String(format: "%12d", n))")
            }
            print(String(format: "  decision points     %12d  (%.0f/day)", d.decisions, d.decisionsPerDay))
            print(String(format: "  label rate          %12.5f", d.labelRate))
            if d.positivesPerDecision > 0 {
                print(String(format: "  positives/decision  %12.1f", d.positivesPerDecision))
            }
            print(String(format: "  mean arrival delay  %12.3f s   (%d events out of order)", d.meanArrivalDelaySeconds, d.outOfOrderEvents))
            print("  checksum            \(d.checksum)")
        }
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the first N events and decision points as CSV.")
        @Argument(help: "A scenario file.") var file: String
        @Option(help: "How many items (events and decision points) to write.") var events: Int
        @Option(help: "The CSV file to write.") var out: String
        @Option(help: "Override the scenario's scale (0.001...1).") var scale: Double?
        @Option(help: "Override the scenario's seed.") var seed: UInt64?

        func validate() throws {
            guard events > 0 else { throw ValidationError("--events must be positive, got \(events)") }
        }

        func run() throws {
            let (scenario, workload) = try WorkloadCommand.load(file, scale: scale, seed: seed)
            var generator = workload.makeGenerator(horizon: scenario.horizon)
            var text = WorkloadSample.header + "\n"
            var written = 0
            while written < events, let item = generator.next() {
                text += WorkloadSample.row(item) + "\n"
                written += 1
            }
            try writeAtomically(text, to: out)
            print("wrote \(written) items to \(out)")
        }
    }
}
