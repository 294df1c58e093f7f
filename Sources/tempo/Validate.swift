import ArgumentParser
import Foundation
import ScenarioSpec
import Simulation

/// `tempo validate FILE...`: checks scenario files without running them, so a
/// typo surfaces in a second rather than after a long run.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every problem with its line and column.",
        discussion: """
            Each problem is printed to standard error as FILE:LINE:COLUMN: error: MESSAGE. \
            Each valid file gets a one-line summary on standard output. \
            The exit status is 1 if any file has a problem.
            """
    )

    @Argument(help: ArgumentHelp("Scenario files to check.", valueName: "file"))
    var files: [String]

    func run() throws {
        var anyFailed = false
        for file in files {
            do {
                // The whole plan: the file, the workload's parameters and every engine's settings.
                let scenario = try SimulationPlan.load(path: file).scenario
                print("\(file): ok — \(scenario.summary)")
            } catch {
                anyFailed = true
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
            }
        }
        if anyFailed { throw ExitCode(1) }
    }
}
