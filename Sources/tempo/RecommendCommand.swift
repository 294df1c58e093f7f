import ArgumentParser
import Decide
import Foundation
import Lab
import ScenarioSpec

/// `tempo recommend FILE`: the five-axis matrix scored from the scenario, then checked by simulating it.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Score a scenario on the five axes teams choose a tempo by, recommend batch, real-time or hybrid, and check it by simulation.",
        discussion: """
            Each axis scores −1 (leans batch) … +1 (leans real time) from the scenario's own parameters:

            """ + Axis.allCases.map { "  \($0.title): \($0.rule)." }.joined(separator: "\n") + """


            Recommendation: the sum of the five; ≥ +\(DecisionMatrix.decisiveTotal) real-time, ≤ −\(DecisionMatrix.decisiveTotal) batch, \
            otherwise hybrid. Unless --no-sim, the scenario is run (its usual report is written) and the engine with the best value \
            per dollar — among those within the top-level `budget:` when the scenario declares one — is its answer; batch engines are \
            batch, realtime/streaming/kappa are real-time, lambda/rerank are hybrid. When they disagree, the axis that pulled \
            hardest toward the matrix's answer is named as the one that misled it.
            """)

    @Argument(help: "A scenario file.") var path: String
    @Flag(name: .customLong("no-sim"), help: "Score the matrix only; do not run the scenario.") var noSim = false
    @Flag(help: "Print JSON: axes, recommendation, simulation_best, agrees.") var json = false
    @Option(help: "Override the scenario's scale for the simulation (0.001...1).") var scale: Double?
    @Option(help: "Report folder of the simulation (default Reports/<scenario>).") var out: String?

    func run() throws {
        var options = LabRun.Options()
        options.scale = scale
        options.outputDirectory = out
        do {
            let scenario = try Scenario.load(path: path)
            let matrix = try DecisionMatrix(scenario)
            var recommendation = Recommendation(matrix: matrix)
            if !noSim {
                let bar = ProgressBar(label: (path as NSString).lastPathComponent)
                options.progress = { bar.update($0) }
                let outcome = try LabRun(options).run(path: path)
                bar.finish()
                recommendation = Recommendation(matrix: matrix, results: outcome.results,
                                                budgetPerDay: scenario.budget.map { $0.dollarsPerHour * 24 })
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(recommendation), as: UTF8.self))
            } else {
                print("\(path): \(scenario.summary)")
                print(recommendation.text)
            }
        } catch let error as ScenarioError {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
    }
}
