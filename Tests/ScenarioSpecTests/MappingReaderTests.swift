import ScenarioSpec
import SimKernel
import Testing

/// A reader over the root mapping of `yaml`, and the diagnostics it reports into.
func reader(_ yaml: String) throws -> (MappingReader, Diagnostics) {
    let diagnostics = Diagnostics()
    let root = try #require(SpecDocument.parse(yaml: yaml, file: "r.yaml", diagnostics))
    let reader = try #require(MappingReader(root, what: "the test mapping", diagnostics))
    return (reader, diagnostics)
}

@Suite struct MappingReading {
    @Test func readsTypedValuesWithDefaultsAndRanges() throws {
        var (r, diagnostics) = try reader("count: 10k\nratio: 0.25\ndelay: 150ms\nlist: [1s, 2s]\n")
        #expect(r.required("count", as: Int.self, .positive) == 10_000)
        #expect(r.optional("ratio", as: Double.self, default: 1, in: 0...1) == 0.25)
        #expect(r.optional("missing", as: Double.self, default: 0.5) == 0.5)
        #expect(r.optional("absent", as: String.self) == nil)
        #expect(r.required("delay", as: SimDuration.self) == .milliseconds(150))
        #expect(r.required("list", as: [SimDuration].self) == [.milliseconds(1_000), .milliseconds(2_000)])
        r.finish()
        #expect(diagnostics.all.isEmpty)
    }

    @Test func reportsEveryBadItemOfASequence() throws {
        var (r, diagnostics) = try reader("list: [1s, 2 parsecs, 3s, {}]\n")
        #expect(r.required("list", as: [SimDuration].self) == nil)
        #expect(diagnostics.sorted.map(\.location.column) == [12, 27])
    }

    @Test func invalidOptionalFallsBackToDefaultAfterReporting() throws {
        var (r, diagnostics) = try reader("ratio: 2\n")
        #expect(r.optional("ratio", as: Double.self, default: 1, in: 0...1) == 1)
        #expect(diagnostics.all.map(\.description) == ["r.yaml:1:8: error: ratio must be in 0...1, found 2"])
    }

    @Test func nestedMappingsAndSequences() throws {
        let yaml = """
            outer:
              inner: 5s
              extra: 1
            items:
              - a
              - b
            """
        var (r, diagnostics) = try reader(yaml)
        let outerReader = r.requiredMapping("outer")
        var outer = try #require(outerReader)
        #expect(outer.required("inner", as: SimDuration.self) == .milliseconds(5_000))
        outer.finish()
        let itemNodes = r.requiredSequence("items", nonEmpty: true)
        let items = try #require(itemNodes)
        #expect(items.compactMap(\.text) == ["a", "b"])
        #expect(r.optionalMapping("none") == nil)
        r.finish()
        #expect(diagnostics.all.map(\.description)
            == ["r.yaml:3:3: error: unknown key 'extra' in the 'outer' mapping; known keys are inner"])
    }

    @Test func remainingKeepsUnreadEntriesWithPositions() throws {
        var (r, diagnostics) = try reader("kind: batch\nevery: 1h\nlimit: 3\n")
        _ = r.required("kind", as: EngineKind.self)
        let rest = r.remaining()
        guard case .mapping(let entries) = rest.content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(entries.map { $0.key.text } == ["every", "limit"])
        #expect(entries.map(\.value.location.line) == [2, 3])
        r.finish()  // nothing left to report
        #expect(diagnostics.all.isEmpty)
    }

    @Test func expectedKeysAreSuggestedButNotRequired() throws {
        var (r, diagnostics) = try reader("windw: 5m\n")
        r.expect("window", "watermark")
        r.finish()
        #expect(diagnostics.all.map(\.message) == ["unknown key 'windw' (did you mean 'window'?)"])
    }

    @Test func nonScalarKeysAreReported() throws {
        let (_, diagnostics) = try reader("[a, b]: 1\nok: 2\n")
        #expect(diagnostics.all.map(\.description) == ["r.yaml:1:1: error: expected a key name, found a sequence"])
    }

    @Test func nonMappingIsReportedWithTheCallersWords() {
        let diagnostics = Diagnostics()
        let node = SpecNode(.scalar(.init(text: "fast")), at: SourceLocation(file: "f.yaml", line: 3, column: 9))
        #expect(MappingReader(node, what: "engine 'x'", expecting: "a mapping of engine settings", diagnostics) == nil)
        #expect(diagnostics.all.map(\.description)
            == ["f.yaml:3:9: error: expected a mapping of engine settings, found 'fast'"])
    }

    @Test func quotedNullIsText() throws {
        var (r, diagnostics) = try reader("a: \"~\"\nb: ~\n")
        #expect(r.required("a", as: String.self) == "~")
        #expect(r.required("b", as: String.self) == nil)
        #expect(diagnostics.all.map(\.message) == ["expected a string, found an empty value ('~')"])
    }
}

@Suite struct Suggestions {
    @Test func closestMatch() {
        let keys = ["name", "description", "seed", "horizon", "scale", "workload", "engines"]
        #expect(Spelling.closest(to: "horizn", among: keys) == "horizon")
        #expect(Spelling.closest(to: "Seed", among: keys) == "seed")
        #expect(Spelling.closest(to: "sclae", among: keys) == "scale")
        #expect(Spelling.closest(to: "engine", among: keys) == "engines")
        #expect(Spelling.closest(to: "colour", among: keys) == nil)
        #expect(Spelling.closest(to: "x", among: keys) == nil)
    }

    @Test func editDistance() {
        #expect(Spelling.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(Spelling.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(Spelling.editDistance(Array(""), Array("abc")) == 3)
    }
}
