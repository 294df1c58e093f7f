import ArgumentParser
import Foundation
import Lab

struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mutate the shipped scenarios into hostile inputs and check each is a valid plan or a clear FILE:LINE:COLUMN error.")

    @Option(help: "How many mutated inputs.") var inputs = 100_000
    @Option(help: "The fuzzer's seed.") var seed: UInt64 = 1
    @Option(help: "The folder of valid scenarios to mutate.") var scenarios = "Scenarios"

    func run() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: scenarios)
            .filter { $0.hasSuffix(".yaml") && $0 != "catalog.yaml" && !$0.hasSuffix(".expect.yaml") }.sorted()
        let texts = try files.map { try String(contentsOfFile: "\(scenarios)/\($0)", encoding: .utf8) }
        guard !texts.isEmpty else {
            printError("\(scenarios): error: no scenario files to mutate")
            throw ExitCode(1)
        }
        var fuzzer = ScenarioFuzzer(seeds: texts, path: "\(scenarios)/fuzzed.yaml", seed: seed)
        let clock = ContinuousClock()
        let start = clock.now
        let summary = fuzzer.run(inputs: inputs)
        print(String(format: "%d inputs in %.1f s: %d valid plans, %d rejected with diagnostics, %d malformed diagnostics",
                     summary.inputs, (clock.now - start).seconds, summary.valid, summary.rejected, summary.malformed.count))
        for m in summary.malformed.prefix(5) { printError("malformed: \(m.diagnostic)") }
        if !summary.malformed.isEmpty { throw ExitCode(1) }
    }
}

import SimKernel
