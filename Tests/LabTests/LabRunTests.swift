import Foundation
import Testing
import Measures
import Report
import Engines
import ScenarioSpec
@testable import Lab

func scenarioFile(_ text: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-lab-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    // The catalogue ships beside the scenarios; tests use the real one.
    let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios/catalog.yaml")
    try FileManager.default.copyItem(at: catalog, to: dir.appendingPathComponent("catalog.yaml"))
    let file = dir.appendingPathComponent("small.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

let smallFraud = """
    name: small-fraud
    seed: 7
    horizon: 6h
    warmup: 12h
    scale: 0.003
    workload:
      kind: fraud
    engines:
      - {name: nightly, kind: batch, cadence: 3h}
      - {name: rt, kind: realtime}
      - {name: oracle, kind: oracle}
      - {name: baseline, kind: baseline}
    """

/// A run's results without its wall-clock fields, and their results.json bytes; `configure` adjusts the options.
func results(_ path: String, replications: Int = 1, out: String,
             configure: (inout LabRun.Options) -> Void = { _ in }) throws -> (RunResults, Data) {
    var options = LabRun.Options()
    options.outputDirectory = out
    options.resultsDatabase = nil
    options.replications = replications
    options.gnuplot = nil
    options.formats = [.json]
    configure(&options)
    var r = try LabRun(options).run(path: path).results
    r.timing = .init(wallSeconds: 0, startedAt: "")
    return (r, try ResultsJSON.encode(r))
}

@Suite(.serialized) struct LabRunTests {
    /// Same scenario, same seed: byte-identical results.json once the
    /// wall-clock fields are set aside — also with engines listed in another order.
    @Test func aRunIsDeterministic() throws {
        let path = try scenarioFile(smallFraud)
        let out = (path as NSString).deletingLastPathComponent
        let (first, a) = try results(path, out: out + "/a")
        let (_, b) = try results(path, out: out + "/b")
        #expect(a == b)
        #expect(first.engines.count == 4)
        #expect(first.engines.first { $0.kind == "oracle" }?.valuePctOfOracle == 100)
        #expect(first.scenarioSHA256.count == 64)

        let reordered = smallFraud.replacingOccurrences(of: "  - {name: nightly, kind: batch, cadence: 3h}\n", with: "")
            .replacingOccurrences(of: "  - {name: baseline, kind: baseline}", with: "  - {name: baseline, kind: baseline}\n  - {name: nightly, kind: batch, cadence: 3h}")
        let (other, _) = try results(try scenarioFile(reordered), out: out + "/c")
        for engine in first.engines {
            let same = other.engines.first { $0.name == engine.name }
            #expect(same == engine, "engine \(engine.name) measures the same whatever the order of the list")
        }
    }

    @Test func replicationsGiveIntervalsAndAreReproducible() throws {
        let path = try scenarioFile(smallFraud)
        let out = (path as NSString).deletingLastPathComponent
        let (r, a) = try results(path, replications: 3, out: out + "/r1")
        let (_, b) = try results(path, replications: 3, out: out + "/r2")
        #expect(a == b, "replications run in parallel and still give the same bytes")
        #expect(r.replications == 3)
        let rt = r.engines.first { $0.name == "rt" }!
        #expect(rt.valueCI95 > 0 && rt.valueCI95.isFinite)
    }

    @Test func unknownEngineNamesAreReported() throws {
        let path = try scenarioFile(smallFraud)
        var options = LabRun.Options()
        options.engines = ["rt", "nope"]
        #expect(throws: (any Error).self) { try LabRun(options).plan(path: path) }
    }

    /// A real-time engine that falls back to a batch engine's predictions
    /// cannot run without that engine: --engines leaving it out says how to
    /// fix the command, whether the fallback names its engine or takes the only one.
    @Test func enginesLeavingOutAFallbacksSourceSayWhatToAdd() throws {
        for fallback in ["fallback: batch, fallback_engine: nightly", "fallback: batch"] {
            let path = try scenarioFile(smallFraud.replacingOccurrences(of: "{name: rt, kind: realtime}",
                                                                        with: "{name: rt, kind: realtime, \(fallback)}"))
            var options = LabRun.Options()
            options.engines = ["rt", "oracle"]
            let error = try #require(throws: ScenarioError.self) { try LabRun(options).plan(path: path) }
            #expect(error.description.contains("--engines leaves out 'nightly', whose predictions engine 'rt' falls back to; add it: --engines rt,oracle,nightly"),
                    "\(error)")
            options.engines = ["rt", "nightly"]
            #expect(try LabRun(options).plan(path: path).0.engines.count == 2)
        }
    }
}

@Suite(.serialized) struct ExpectationTests {
    func write(_ text: String, beside scenario: String) throws -> String {
        let path = (scenario as NSString).deletingPathExtension + ".expect.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func passesWhenTrueAndFailsWhenTightenedPastTheMeasuredValue() throws {
        let path = try scenarioFile(smallFraud)
        let out = (path as NSString).deletingLastPathComponent
        let (results, _) = try results(path, out: out + "/x")
        let measured = results.engines.first { $0.name == "rt" }!.valuePctOfOracle!
        let loose = try Expectations.load(path: try write("""
            expect:
              - value_pct_of_oracle: {engine: rt, min: \(measured - 1)}
              - on_time_rate: {engine: rt, min: 0.9, max: 1}
            """, beside: path))
        #expect(loose.check(results).allSatisfy { $0.passed })
        let tight = try Expectations.load(path: try write("""
            expect:
              - value_pct_of_oracle: {engine: rt, min: \(measured + 0.001)}
              - value_pct_of_oracle: {engine: missing_engine, min: 0}
            """, beside: path))
        let verdicts = tight.check(results)
        #expect(verdicts.map(\.passed) == [false, false])
        #expect(verdicts[1].measured == nil)

        // Relative expectations: a ratio to another engine's measure, and the best of the engines.
        let cost = { (name: String) in results.engines.first { $0.name == name }!.costPerDay }
        let ratio = cost("nightly") / cost("rt")
        let relative = try Expectations.load(path: try write("""
            expect:
              - cost_per_day: {engine: nightly, of: rt, max: \(ratio * 1.001)}
              - cost_per_day: {engine: nightly, of: rt, max: \(ratio * 0.999)}
              - value: {engine: rt, best: true}
              - value: {engine: nightly, best: true}
            """, beside: path))
        let relativeVerdicts = relative.check(results)
        #expect(relativeVerdicts.map(\.passed) == [true, false, true, false])
        #expect(abs(relativeVerdicts[0].measured! - ratio) < 1e-12)
    }

    @Test func badExpectationFilesGetPositions() throws {
        let path = try scenarioFile(smallFraud)
        let expect = try write("""
            expect:
              - value_pct_of_oracl: {engine: rt, min: 1}
              - on_time_rate: {engine: rt}
            """, beside: path)
        do {
            _ = try Expectations.load(path: expect)
            Issue.record("should not load")
        } catch {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains { $0.contains(":2:5: error: unknown measure 'value_pct_of_oracl' (did you mean 'value_pct_of_oracle'?)") })
            #expect(messages.contains { $0.contains("needs 'min', 'max', both, or 'best: true'") })
        }
    }
}

@Suite struct FuzzTests {
    /// The short form of `tempo fuzz`: every mutated shipped scenario ends as a
    /// valid plan or diagnostics in FILE:LINE:COLUMN form; no crash, no hang.
    @Test func mutatedScenariosGiveValidPlansOrClearErrors() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios")
        let texts = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "catalog.yaml" && !$0.hasSuffix(".expect.yaml") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        #expect(texts.count >= 5)
        var fuzzer = ScenarioFuzzer(seeds: texts, path: folder.appendingPathComponent("fuzzed.yaml").path, seed: 7)
        let summary = fuzzer.run(inputs: 1_500)
        #expect(summary.inputs == 1_500)
        #expect(summary.valid > 0 && summary.rejected > 0, "mutations reach both outcomes")
        #expect(summary.malformed.isEmpty, "\(summary.malformed.first.map { $0.diagnostic } ?? "")")
    }
}

/// Engines split into simulations that run side by side (`EngineGroups`).
@Suite(.serialized) struct EngineGroupTests {
    let fraudEngines = """
        name: grouped-fraud
        seed: 11
        horizon: 6h
        warmup: 12h
        scale: 0.003
        workload:
          kind: fraud
        engines:
          - {name: nightly, kind: batch, cadence: 3h}
          - {name: rt, kind: realtime, fallback: batch, fallback_engine: nightly}
          - {name: oracle, kind: oracle}
          - {name: baseline, kind: baseline}
          - {name: stream, kind: streaming, rescore: true}
          - {name: lambda, kind: lambda, cadence: 3h}
          - {name: kappa, kind: kappa}
        """

    func run(_ path: String, out: String, groups: Int, jobs: Int = 2) throws -> RunResults {
        try results(path, out: out) { options in
            options.formats = [.json, .csv]
            options.engineGroups = groups
            options.jobs = jobs
        }.0
    }

    /// A real-time engine stays with the batch engine it falls back to, the
    /// engines that may share a feature stream stay together, and the split
    /// is the same whatever the order of the list.
    @Test func dependentEnginesShareASimulation() throws {
        let (plan, _) = try LabRun(LabRun.Options()).plan(path: try scenarioFile(fraudEngines))
        let engines = plan.engines.map { ($0.name, $0.kind, $0.configuration) }
        let names = { (groups: [[Int]], list: [(String, EngineKind, EngineConfiguration)]) in
            Set(groups.map { Set($0.map { list[$0].0 }) })
        }
        let groups = EngineGroups.partition(engines)
        #expect(names(groups, engines) == [["nightly", "rt", "stream", "kappa"], ["oracle", "baseline", "lambda"]])
        #expect(groups.allSatisfy { $0 == $0.sorted() }, "each group keeps plan order")
        let reversed = Array(engines.reversed())
        #expect(names(EngineGroups.partition(reversed), reversed) == names(groups, engines))
        #expect(EngineGroups.partition(engines, into: 1) == [Array(engines.indices)])
    }

    /// Splitting the engines over two simulations changes no engine's
    /// answers: every measure and the ledger are byte for byte those of one
    /// simulation of all of them. Only the batch-like engines' storage costs
    /// may differ (each is charged its own simulation's stores). And the number
    /// of threads changes nothing at all.
    @Test func splittingEnginesChangesNoAnswer() throws {
        let path = try scenarioFile(fraudEngines)
        let out = (path as NSString).deletingLastPathComponent
        let whole = try run(path, out: out + "/one", groups: 1)
        let split = try run(path, out: out + "/two", groups: 2)
        for (a, b) in zip(whole.engines, split.engines) {
            var b = b
            if ["batch", "lambda"].contains(a.kind) {
                // Charged for its own group's stores, which may differ in size.
                b.costPerDay = a.costPerDay; b.costPer1kPredictions = a.costPer1kPredictions
                b.valuePerDollar = a.valuePerDollar; b.costBreakdown = a.costBreakdown
            }
            #expect(a == b, "engine \(a.name)")
        }
        let ledger = { (dir: String) in try String(contentsOfFile: "\(dir)/ledger.csv", encoding: .utf8) }
        #expect(try ledger(out + "/one") == ledger(out + "/two"))
        #expect(try ledger(out + "/two").split(separator: "\n").count > 7 * 100, "the ledger holds every engine's rows")
        #expect(!FileManager.default.fileExists(atPath: out + "/two/ledger.csv.group0"), "the parts are merged away")

        let oneThread = try run(path, out: out + "/three", groups: 2, jobs: 1)
        #expect(try ResultsJSON.encode(oneThread) == ResultsJSON.encode(split))
    }
}
