import Foundation
import ScenarioSpec
import SimKernel
import Testing

/// A complete, valid scenario; tests break one line of it at a time.
let validScenario = """
    name: fraud-demo
    description: Card fraud over one day
    seed: 42
    horizon: 1d
    scale: 0.1
    workload:
      kind: fraud
      customers: 10M
    engines:
      - name: nightly
        kind: batch
        every: 1d
      - name: rt
        kind: realtime
    prices:
      cpu: $0.68/h
    """

/// The diagnostics for `yaml`, or a failed expectation if it parses.
func problems(_ yaml: String, file: String = "test.yaml") -> [Diagnostic] {
    do {
        _ = try Scenario.parse(yaml: yaml, file: file)
        Issue.record("expected diagnostics, but the scenario parsed")
        return []
    } catch {
        return error.diagnostics
    }
}

/// `validScenario` with the line starting `old` replaced by `new` (nil deletes it).
func replacing(_ old: String, with new: String?) -> String {
    var lines = validScenario.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let index = lines.firstIndex(where: { $0.hasPrefix(old) }) else {
        Issue.record("no line starts with \(old)")
        return validScenario
    }
    if let new { lines[index] = new } else { lines.remove(at: index) }
    return lines.joined(separator: "\n")
}

/// Compares a diagnostic's position and whole message in one readable string.
func rendered(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.description) }

@Suite struct ValidScenario {
    @Test func parsesEveryKey() throws {
        let scenario = try Scenario.parse(yaml: validScenario, file: "fraud.yaml")
        #expect(scenario.name == "fraud-demo")
        #expect(scenario.description == "Card fraud over one day")
        #expect(scenario.seed == 42)
        #expect(scenario.horizon == .days(1))
        #expect(scenario.scale == 0.1)
        #expect(scenario.workload.kind == .fraud)
        #expect(scenario.engines.map(\.name) == ["nightly", "rt"])
        #expect(scenario.engines.map(\.kind) == [.batch, .realtime])
        #expect(scenario.file == "fraud.yaml")
        #expect(scenario.source == validScenario)
        #expect(scenario.summary
            == "workload fraud, 2 engines (nightly: batch, rt: realtime), horizon 1d, seed 42, scale 0.1")
    }

    @Test func appliesDefaults() throws {
        let yaml = """
            name: minimal
            horizon: 15m
            workload: {kind: churn}
            engines: [{name: base, kind: baseline}]
            """
        let scenario = try Scenario.parse(yaml: yaml, file: "minimal.yaml")
        #expect(scenario.seed == 1)
        #expect(scenario.scale == 1)
        #expect(scenario.description == nil)
        #expect(scenario.prices == nil)
        #expect(scenario.summary.hasSuffix("1 engine (base: baseline), horizon 15m, seed 1, scale 1"))
    }

    @Test func keepsRawParametersWithPositions() throws {
        let scenario = try Scenario.parse(yaml: validScenario, file: "fraud.yaml")
        let diagnostics = Diagnostics()

        var workload = scenario.workload.parameterReader(diagnostics)
        #expect(workload.required("customers", as: Int.self) == 10_000_000)
        workload.finish()
        #expect(scenario.workload.location == SourceLocation(file: "fraud.yaml", line: 7, column: 3))

        var nightly = scenario.engines[0].parameterReader(diagnostics)
        #expect(nightly.peek("every")?.location == SourceLocation(file: "fraud.yaml", line: 12, column: 12))
        #expect(nightly.required("every", as: SimDuration.self) == .days(1))
        nightly.finish()

        let prices = try #require(scenario.prices)
        var priceReader = try #require(MappingReader(prices, what: "prices", diagnostics))
        #expect(priceReader.required("cpu", as: MoneyRate.self) == MoneyRate(dollarsPerHour: 0.68))
        priceReader.finish()
        #expect(!diagnostics.hasErrors)
    }

    @Test func laterReadersReportAgainstTheFile() throws {
        let scenario = try Scenario.parse(yaml: replacing("  customers:", with: "  customers: lots"),
                                          file: "fraud.yaml")
        let diagnostics = Diagnostics()
        var workload = scenario.workload.parameterReader(diagnostics)
        _ = workload.required("customers", as: Int.self)
        _ = workload.required("merchants", as: Int.self)
        #expect(rendered(diagnostics.sorted) == [
            "fraud.yaml:7:3: error: missing required key 'merchants' in the 'fraud' workload",
            "fraud.yaml:8:14: error: expected an integer, found 'lots'",
        ])
    }

    @Test func loadsFromDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-\(UUID()).yaml").path
        try validScenario.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scenario = try Scenario.load(path: path)
        #expect(scenario.file == path)
        #expect(scenario.engines.count == 2)
    }
}

@Suite struct ErrorPositions {
    @Test func unknownKeySuggestsTheNearestKnownKey() {
        let found = problems(replacing("scale:", with: "scael: 0.1"))
        #expect(rendered(found) == ["test.yaml:5:1: error: unknown key 'scael' (did you mean 'scale'?)"])
    }

    @Test func unknownKeyWithNoNearMatchListsTheKnownKeys() {
        let found = problems(validScenario + "\ncolour: blue")
        #expect(rendered(found) == [
            "test.yaml:17:1: error: unknown key 'colour' in the top-level mapping; known keys are name, "
                + "description, seed, horizon, warmup, retrain, cost_profile, scale, workload, engines, prices, budget, sweep and claim",
        ])
    }

    @Test func misspeltRequiredKeyIsNamedTwice() {
        let found = problems(replacing("horizon:", with: "horizn: 1d"))
        #expect(rendered(found) == [
            "test.yaml:1:1: error: missing required key 'horizon' in the top-level mapping "
                + "(is 'horizn' at line 4 a misspelling of it?)",
            "test.yaml:4:1: error: unknown key 'horizn' (did you mean 'horizon'?)",
        ])
    }

    @Test func wrongType() {
        #expect(rendered(problems(replacing("seed:", with: "seed: [1, 2]")))
            == ["test.yaml:3:7: error: expected a non-negative integer, found a sequence"])
        #expect(rendered(problems(replacing("scale:", with: "scale: {a: 1}")))
            == ["test.yaml:5:8: error: expected a number, found a mapping"])
        #expect(rendered(problems(replacing("name:", with: "name:")))
            == ["test.yaml:1:6: error: expected a string, found an empty value"])
        let scalarWorkload = validScenario.replacingOccurrences(of: "workload:\n  kind: fraud\n  customers: 10M",
                                                                with: "workload: fraud")
        #expect(rendered(problems(scalarWorkload))
            == ["test.yaml:6:11: error: expected a mapping under 'workload', found 'fraud'"])
    }

    @Test func outOfRange() {
        #expect(rendered(problems(replacing("scale:", with: "scale: 0")))
            == ["test.yaml:5:8: error: scale must be in 0.001...1, found 0"])
        #expect(rendered(problems(replacing("scale:", with: "scale: 1.5")))
            == ["test.yaml:5:8: error: scale must be in 0.001...1, found 1.5"])
        #expect(rendered(problems(replacing("horizon:", with: "horizon: 0s")))
            == ["test.yaml:4:10: error: horizon must be positive, found 0s"])
        #expect(rendered(problems(replacing("seed:", with: "seed: -1")))
            == ["test.yaml:3:7: error: expected a non-negative integer, found '-1'"])
    }

    @Test func missingRequiredKeyPointsAtItsMapping() {
        let top = problems(validScenario.replacingOccurrences(of: "name: fraud-demo\n", with: ""))
        #expect(rendered(top) == ["test.yaml:1:1: error: missing required key 'name' in the top-level mapping"])

        let nested = problems(replacing("  kind: fraud", with: nil))
        #expect(rendered(nested) == ["test.yaml:7:3: error: missing required key 'kind' in the 'workload' mapping"])

        let engine = problems(replacing("    kind: realtime", with: nil))
        #expect(rendered(engine) == ["test.yaml:13:5: error: missing required key 'kind' in engine 'rt'"])
    }

    @Test func badUnit() {
        #expect(rendered(problems(replacing("horizon:", with: "horizon: 5 parsecs"))) == [
            "test.yaml:4:10: error: expected a duration like 150ms, 5s, 15m, 1h or 1d, found '5 parsecs'",
        ])
        #expect(rendered(problems(replacing("horizon:", with: "horizon: 86400"))) == [
            "test.yaml:4:10: error: expected a duration like 150ms, 5s, 15m, 1h or 1d, found '86400' "
                + "(add a unit, e.g. 86400s)",
        ])
    }

    @Test func unknownKeyword() {
        #expect(rendered(problems(replacing("  kind: fraud", with: "  kind: Fraud"))) == [
            "test.yaml:7:9: error: expected one of fraud, churn, digest, ui or recsys, found 'Fraud' "
                + "(did you mean 'fraud'?)",
        ])
    }

    @Test func duplicateEngineNameIsReportedAtTheSecond() {
        let found = problems(replacing("  - name: rt", with: "  - name: nightly"))
        #expect(rendered(found) == [
            "test.yaml:13:11: error: duplicate engine name 'nightly'; the first engine with that name is at line 10",
        ])
    }

    @Test func enginesMustBeANonEmptySequenceOfMappings() {
        let empty = problems(validScenario.replacingOccurrences(
            of: "engines:\n  - name: nightly\n    kind: batch\n    every: 1d\n  - name: rt\n    kind: realtime",
            with: "engines: []"))
        #expect(rendered(empty)
            == ["test.yaml:9:10: error: 'engines' must list at least one item, found an empty sequence"])

        let scalarItem = problems(replacing("  - name: nightly", with: "  - nightly\n  - name: nightly"))
        #expect(rendered(scalarItem)
            == ["test.yaml:10:5: error: expected a mapping with 'name' and 'kind' for each engine, found 'nightly'"])
    }

    @Test func yamlSyntaxError() {
        #expect(rendered(problems(replacing("scale:", with: "scale: 0.1: 2"))) == [
            "test.yaml:5:11: error: YAML syntax error: mapping values are not allowed in this context",
        ])
        // An unclosed flow sequence runs on until libyaml meets something it cannot continue with.
        let unclosed = problems(replacing("name:", with: "name: [fraud"))
        #expect(unclosed.count == 1)
        #expect(unclosed.first?.location == SourceLocation(file: "test.yaml", line: 2, column: 12))
        #expect(unclosed.first?.message == "YAML syntax error: did not find expected ',' or ']' "
            + "(while parsing a flow sequence at line 1, column 7)")
    }

    @Test func badIndentation() {
        let found = problems("name: x\nworkload:\n  kind: fraud\n customers: 3\n")
        #expect(found.first?.location == SourceLocation(file: "test.yaml", line: 4, column: 2))
        #expect(found.first?.message.hasPrefix("YAML syntax error") == true)
    }

    @Test func tabsAreExplained() {
        let found = problems("name: x\n\thorizon: 1d\n")
        #expect(found.first?.location.line == 2)
        #expect(found.first?.message.hasSuffix("YAML indents with spaces, not tabs") == true)
    }

    @Test func duplicateYamlKey() {
        let found = problems("name: a\nseed: 1\nname: b\n")
        #expect(rendered(found) == [
            "test.yaml:1:1: error: duplicate key 'name': this mapping repeats it further down, "
                + "and each key may appear only once",
        ])
    }

    @Test func secondDocument() {
        let found = problems(validScenario + "\n---\nname: other\n")
        #expect(rendered(found)
            == ["test.yaml:17:1: error: expected one YAML document, found a second one ('---' starts a new document)"])
    }

    @Test func topLevelMustBeAMapping() {
        #expect(rendered(problems("- name: fraud\n- horizon: 1d\n")) == [
            "test.yaml:1:1: error: expected a mapping of keys such as 'name:' and 'horizon:' at the top level, "
                + "found a sequence",
        ])
        #expect(rendered(problems("just some words")) == [
            "test.yaml:1:1: error: expected a mapping of keys such as 'name:' and 'horizon:' at the top level, "
                + "found 'just some words'",
        ])
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n"])
    func emptyFile(yaml: String) {
        #expect(rendered(problems(yaml)) == [
            "test.yaml:1:1: error: the file is empty; a scenario needs at least 'name', 'horizon', 'workload' "
                + "and 'engines'",
        ])
    }

    @Test func controlCharacters() {
        let found = problems("name: x\nseed: \u{1}\n")
        #expect(rendered(found)
            == ["test.yaml:2:7: error: invalid character U+0001 in YAML: control characters are not allowed"])
    }

    @Test func binaryJunkIsNotUTF8() {
        let diagnostics = Diagnostics()
        let junk = Data("name: x\nseed: ".utf8) + Data([0xFF, 0xFE, 0x00, 0x80])
        #expect(SpecDocument.decodeUTF8(junk, file: "junk.bin", diagnostics) == nil)
        #expect(rendered(diagnostics.all) == [
            "junk.bin:2:7: error: expected UTF-8 text, found the byte 0xFF (is this a binary file, or saved in "
                + "another encoding?)",
        ])
    }

    @Test func binaryJunkOnDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-\(UUID()).yaml").path
        try Data((0..<256).map { UInt8(255 - $0) }).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ScenarioError.self) { try Scenario.load(path: path) }
    }

    @Test func unreadableFile() {
        do {
            _ = try Scenario.load(path: "/nonexistent/scenario.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(rendered(error.diagnostics)
                == ["/nonexistent/scenario.yaml:1:1: error: cannot read file: no such file"])
        }
    }

    @Test func aliasBombIsRefused() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"]
        var previous = "a"
        for name in names {
            let tenAliases = Array(repeating: "*\(previous)", count: 10).joined(separator: ", ")
            lines.append("\(name): &\(name) [\(tenAliases)]")
            previous = name
        }
        let found = problems(lines.joined(separator: "\n"))
        #expect(found.first?.message.hasPrefix("the document expands to more than") == true)
    }

    @Test func everyProblemIsReportedInFileOrder() {
        let yaml = """
            name: fraud-demo
            seed: ten
            horizn: 1d
            scale: 0
            workload:
              kind: frud
            engines:
              - name: rt
                kind: realtime
              - name: rt
                kind: batchy
              - nokind
            """
        #expect(rendered(problems(yaml, file: "bad.yaml")) == [
            "bad.yaml:1:1: error: missing required key 'horizon' in the top-level mapping "
                + "(is 'horizn' at line 3 a misspelling of it?)",
            "bad.yaml:2:7: error: expected a non-negative integer, found 'ten'",
            "bad.yaml:3:1: error: unknown key 'horizn' (did you mean 'horizon'?)",
            "bad.yaml:4:8: error: scale must be in 0.001...1, found 0",
            "bad.yaml:6:9: error: expected one of fraud, churn, digest, ui or recsys, found 'frud' "
                + "(did you mean 'fraud'?)",
            "bad.yaml:10:11: error: duplicate engine name 'rt'; the first engine with that name is at line 8",
            "bad.yaml:11:11: error: expected one of batch, streaming, realtime, lambda, kappa, rerank, oracle "
                + "or baseline, found 'batchy' (did you mean 'batch'?)",
            "bad.yaml:12:5: error: expected a mapping with 'name' and 'kind' for each engine, found 'nokind'",
        ])
    }

    @Test func windowsLineEndingsAndByteOrderMark() {
        let yaml = "\u{FEFF}" + replacing("seed:", with: "seed: ten").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(rendered(problems(yaml)) == ["test.yaml:3:7: error: expected a non-negative integer, found 'ten'"])
    }

    @Test func longAndMultiLineValuesAreShortened() {
        let long = String(repeating: "y", count: 100)
        #expect(rendered(problems(replacing("horizon:", with: "horizon: \(long)"))) == [
            "test.yaml:4:10: error: expected a duration like 150ms, 5s, 15m, 1h or 1d, "
                + "found '\(String(repeating: "y", count: 40))…'",
        ])
        #expect(rendered(problems(replacing("horizon:", with: "horizon: |\n  5s\n  10s"))) == [
            "test.yaml:4:10: error: expected a duration like 150ms, 5s, 15m, 1h or 1d, found '5s…'",
        ])
    }

    @Test func diagnosticFormat() {
        let diagnostic = Diagnostic(at: SourceLocation(file: "Scenarios/fraud.yaml", line: 12, column: 7),
                                    "expected an integer, found a sequence")
        #expect(diagnostic.description == "Scenarios/fraud.yaml:12:7: error: expected an integer, found a sequence")
    }
}
