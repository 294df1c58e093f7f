import ArgumentParser
import Decide
import Foundation

/// `tempo claims [DIR]`: the rules of thumb in Scenarios/claims, measured.
struct ClaimsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Put the rules of thumb to the test: run every scenario with a `claim:` section in a folder and write Reports/claims.md.",
        discussion: """
            A claim needs more than one run — its scenario, then its `sweep:` to find where it breaks, or an in-process \
            scoring benchmark. `tempo run` of a folder with claims does the same after writing each scenario's usual \
            report; this command measures the claims alone. Build with -c release for the scoring figure: \
            swift run -c release tempo claims
            """)

    @Argument(help: "A folder of claim scenarios.") var folder = "Scenarios/claims"
    @Option(help: "Sweep runs at once, on threads.") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "The Markdown file to write.") var out = "Reports/claims.md"

    func run() throws {
        guard try Self.writeReport(folder: folder, jobs: jobs, out: out) else {
            printError("\(folder): error: no scenario with a `claim:` section")
            throw ExitCode(1)
        }
    }

    /// Measures every claim of a folder and writes the Markdown report; false when the folder has no claim.
    /// `tempo run` of a folder of claims calls it too.
    static func writeReport(folder: String, jobs: Int, out: String) throws -> Bool {
        let outcomes = try ClaimsRun(jobs: jobs).run(folder: folder) { printError("claim: \($0)") }
        guard !outcomes.isEmpty else { return false }
        let directory = (out as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try writeAtomically(ClaimsRun.markdown(outcomes), to: out)
        for o in outcomes {
            print("\(o.held.map { $0 ? "held        " : "did not hold" } ?? "not measured")  \(o.statement)\n    \(o.figure)\n    \(o.breaks)")
        }
        print("claims: \(out)")
        return true
    }
}
