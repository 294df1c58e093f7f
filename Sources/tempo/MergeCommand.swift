import ArgumentParser
import Decide
import Foundation
import Report

/// `tempo merge DB… --out DB`: the shards of a sweep combined into the result one machine gives.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard databases of a sweep (tempo sweep --shard i/n) into one, and write the sweep report.",
        discussion: """
            Every run must be in exactly one shard (or in several with identical results), and every shard must come from \
            the same scenario, parameters, design and options; otherwise nothing is written and the problem is named. \
            The merged database and report are what `tempo sweep` without --shard writes on one machine.
            """)

    @Argument(help: "Shard databases.") var shards: [String]
    @Option(help: "The merged database to write.") var out: String
    @Option(help: "Report folder (default Reports/<scenario>/sweep).") var report: String?
    @Flag(help: "Print results.json instead of the summary.") var json = false

    func run() throws {
        do {
            let (identity, runs) = try SweepDatabase.merge(shards, into: out)
            let results = SweepResults(identity: identity, runs: runs)
            let folder = report ?? "Reports/\(identity.scenario)/sweep"
            for w in try SweepReport(results).write(to: folder, gnuplot: ReportWriter.findGnuplot()) { printError("warning: \(w)") }
            if json {
                print(String(decoding: try results.json(), as: UTF8.self), terminator: "")
            } else {
                print("merged \(shards.count) shard(s), \(runs.count) runs → \(out)")
                print(results.text)
                print("report: \(folder)/report.md")
            }
        } catch let error as SweepError {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}
