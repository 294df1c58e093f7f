import Foundation
import Testing
import Lab
import ScenarioSpec
@testable import Decide

@Suite(.serialized) struct SweepTests {
    /// Three runs of the small fraud scenario, rt's servers varied.
    func sweep() throws -> Sweep {
        try Sweep(path: try scenarioFile(smallFraud), vary: ["engines.rt.servers=1,2,3"])
    }

    @Test func resultsAreIdenticalWhateverTheJobsAndEqualToMergedShards() throws {
        let sweep = try sweep()
        #expect(sweep.assignments == [["1"], ["2"], ["3"]])
        let one = try SweepResults(identity: sweep.identity, runs: sweep.run(jobs: 1)).json()
        let two = try SweepResults(identity: sweep.identity, runs: sweep.run(jobs: 2)).json()
        #expect(one == two, "--jobs 1 and --jobs 2 give the same bytes")

        let folder = (sweep.scenario.file as NSString).deletingLastPathComponent
        var shards: [String] = []
        for i in 0..<2 {
            let file = "\(folder)/shard-\(i)-of-2.sqlite"
            try SweepDatabase(path: file).record(sweep.identity, runs: sweep.run(Sweep.runs(ofShard: i, of: 2, total: 3), jobs: 1))
            shards.append(file)
        }
        #expect(Sweep.runs(ofShard: 0, of: 2, total: 3) == [0, 2])
        let (identity, runs) = try SweepDatabase.merge(shards.reversed(), into: "\(folder)/merged.sqlite")
        // Shard 1's point read an offline store loaded for it alone; in `one` all three points read one shared store.
        #expect(try SweepResults(identity: identity, runs: runs).json() == one, "merged shards equal the single-machine sweep")
        let reread = try SweepDatabase(path: "\(folder)/merged.sqlite")
        #expect(try SweepResults(identity: reread.identity(), runs: reread.runs()).json() == one)

        // A shard missing, or a shard of another sweep, is refused by name.
        #expect(throws: SweepError.self) { try SweepDatabase.merge([shards[0]], into: "\(folder)/partial.sqlite") }
        let other = try Sweep(path: sweep.scenario.file, vary: ["engines.rt.servers=1,2,4"])
        try SweepDatabase(path: "\(folder)/other.sqlite").record(other.identity, runs: [])
        #expect(throws: SweepError.self) { try SweepDatabase.merge([shards[0], "\(folder)/other.sqlite"], into: "\(folder)/mixed.sqlite") }
    }

    @Test func pathsRewriteTheFileTreeAndBadPathsNameWhatExists() throws {
        let path = try scenarioFile(smallFraud)
        let sweep = try Sweep(path: path, vary: ["engines.rt.servers=5", "workload.compromise_duration=7m", "scale=0.003"])
        let point = try sweep.scenario(forRun: 0)
        #expect(point.scale == 0.003)
        let rt = point.engines.first { $0.name == "rt" }!
        if case .mapping(let entries) = rt.parameters.content {
            #expect(entries.first { $0.key.text == "servers" }?.value.text == "5")
        }
        #expect(point.source.contains("# sweep run 0: engines.rt.servers=5, workload.compromise_duration=7m, scale=0.003"))

        // A misspelt engine: reported where the engines list starts, with the names it has.
        do {
            _ = try Sweep(path: path, vary: ["engines.rtt.servers=1,2"])
            Issue.record("a bad path must fail")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.description.hasPrefix("\(path):9:3: error: --vary engines.rtt.servers: no item 'rtt' in 'engines' (did you mean 'rt'?)"))
            #expect(d.message.contains("nightly, rt, oracle, baseline"))
        }
        // An unknown workload key is added, then reported by the workload's own reader with the keys it knows.
        do {
            _ = try Sweep(path: path, vary: ["workload.fraud_rate=1/d"])
            Issue.record("an unknown key must fail")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("unknown key 'fraud_rate'") && $0.location.line == 7 })
        }
        // A value of the wrong type is reported at the value it replaced.
        do {
            _ = try Sweep(path: path, vary: ["engines.nightly.cadence=soon"])
            Issue.record("a bad value must fail")
        } catch {
            #expect(error.diagnostics.first?.location.line == 9)
        }
    }

    @Test func designsAreDeterministicAndCoverTheValues() throws {
        let spec = SweepSpec(parameters: [.init(path: "a", values: ["1", "2", "3", "4"]), .init(path: "b", values: ["x", "y"])],
                             design: .lhs, points: 8)
        let a = spec.assignments(seed: 42)
        #expect(a == spec.assignments(seed: 42))
        #expect(a.count == 8)
        // A Latin hypercube uses each value of a list equally often when the points divide evenly.
        for v in ["1", "2", "3", "4"] { #expect(a.filter { $0[0] == v }.count == 2) }
        for v in ["x", "y"] { #expect(a.filter { $0[1] == v }.count == 4) }
        var grid = spec
        grid.design = .grid
        #expect(grid.assignments(seed: 1) == [["1", "x"], ["1", "y"], ["2", "x"], ["2", "y"], ["3", "x"], ["3", "y"], ["4", "x"], ["4", "y"]])
        var random = spec
        random.design = .random
        #expect(random.assignments(seed: 3) == random.assignments(seed: 3))
        #expect(random.assignments(seed: 3).count == 8)
    }

    @Test func theSweepSectionIsReadAndTheCommandLineReplacesItsVary() throws {
        let scenario = try Scenario.load(path: try scenarioFile(smallFraud))
        let fromFile = try SweepSpec.read(scenario)
        #expect(fromFile.parameters.map(\.path) == ["engines.rt.servers", "engines.nightly.cadence"])
        #expect(fromFile.parameters[1].values == ["1h", "3h"])
        #expect(fromFile.target == 0.5)
        let overridden = try SweepSpec.read(scenario, vary: ["scale=0.002,0.004"], target: 0.9)
        #expect(overridden.parameters == [.init(path: "scale", values: ["0.002", "0.004"])])
        #expect(overridden.target == 0.9)
        #expect(throws: ScenarioError.self) { try SweepSpec.read(scenario, vary: ["scale"]) }
        #expect(throws: ScenarioError.self) { try SweepSpec.read(scenario, vary: ["scale=1"], design: .lhs) }
    }
}
