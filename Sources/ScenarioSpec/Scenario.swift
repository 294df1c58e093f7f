import SimKernel

/// A validated scenario file: what to simulate, for how long, and which
/// engines to compare. See `Scenarios/README.md` for the file format.
///
///     let scenario = try Scenario.load(path: "Scenarios/fraud.yaml")
///     print(scenario.horizon, scenario.engines.map(\.name))
public struct Scenario: Hashable, Sendable {
    public var name: String
    public var description: String?
    /// The root of every random stream in a run; the same seed gives the same run.
    public var seed: UInt64
    /// How much virtual time a run measures.
    public var horizon: SimDuration
    /// Virtual time simulated before the horizon: models are fitted on it,
    /// streams and stores fill up, and nothing in it is measured.
    public var warmup: SimDuration
    /// How often the models are refitted on the latest labelled decisions
    /// after warm-up; nil fits once. A refit is a model change: a kappa engine
    /// replays its log before serving it.
    public var retrain: SimDuration?
    /// The cost profile the engines' per-record, per-event and per-request
    /// costs default to (a path, relative to the scenario file); nil uses
    /// `cost-profile.yaml` beside the scenario when there is one.
    public var costProfile: String?
    /// The fraction of the full-size population to simulate, for quick runs.
    public var scale: Double
    public var workload: WorkloadSpec
    /// In file order, names unique.
    public var engines: [EngineSpec]
    /// The `prices` mapping, unread until the cost model reads it.
    public var prices: SpecNode?
    /// What the business will spend a day on serving (`budget: $50/d`); nil for no limit.
    public var budget: MoneyRate?
    /// The `sweep` mapping, unread until `tempo sweep` reads it.
    public var sweep: SpecNode?
    /// The `claim` mapping, unread until `tempo claims` reads it.
    public var claim: SpecNode?
    /// The path the scenario was read from, as given.
    public var file: String
    /// The file's text, so a report can show exactly what was run.
    public var source: String

    public static let defaultSeed: UInt64 = 1
    public static let defaultScale = 1.0
    public static let defaultWarmup = SimDuration.days(1)

    /// Reads and validates the file at `path`.
    ///
    ///     do { let scenario = try Scenario.load(path: path) }
    ///     catch { for diagnostic in error.diagnostics { print(diagnostic) } }
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let diagnostics = Diagnostics()
        guard let text = SpecDocument.read(path: path, diagnostics) else {
            throw ScenarioError(diagnostics.sorted)
        }
        return try parse(yaml: text, file: path, diagnostics)
    }

    /// Validates scenario text; `file` names it in diagnostics.
    ///
    ///     let scenario = try Scenario.parse(yaml: "name: demo\n…", file: "demo.yaml")
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        try parse(yaml: yaml, file: file, Diagnostics())
    }

    private static func parse(yaml: String, file: String, _ diagnostics: Diagnostics) throws(ScenarioError)
        -> Scenario
    {
        guard let root = SpecDocument.parse(yaml: yaml, file: file, diagnostics),
              let scenario = read(root, source: yaml, diagnostics), !diagnostics.hasErrors
        else { throw ScenarioError(diagnostics.sorted) }
        return scenario
    }

    /// The scenario in a parsed document, or nil after reporting every problem.
    public static func read(_ root: SpecNode, source: String, _ diagnostics: Diagnostics) -> Scenario? {
        if root.isNull && root.text == "" {
            diagnostics.error("the file is empty; a scenario needs at least 'name', 'horizon', 'workload' "
                              + "and 'engines'", at: .start(of: root.location.file))
            return nil
        }
        guard var top = MappingReader(root, what: "the top-level mapping",
                                      expecting: "a mapping of keys such as 'name:' and 'horizon:' at the top level",
                                      diagnostics)
        else { return nil }

        // Every key is read even after a failure, so one run reports every problem.
        let name = top.required("name", as: String.self, .nonEmpty)
        let description = top.optional("description", as: String.self)
        let seed = top.optional("seed", default: defaultSeed)
        let horizon = top.required("horizon", as: SimDuration.self, .positive)
        let warmup = top.optional("warmup", default: defaultWarmup, .positive)
        let retrain = top.optional("retrain", as: SimDuration.self, .positive)
        let costProfile = top.optional("cost_profile", as: String.self, .nonEmpty)
        let scale = top.optional("scale", default: defaultScale, in: 0.001...1)
        let workload = top.requiredMapping("workload").flatMap { WorkloadSpec.read($0) }
        let engines = top.requiredSequence("engines", nonEmpty: true).flatMap { EngineSpec.readAll($0, diagnostics) }
        var pricesReader = top.optionalMapping("prices")
        let prices = pricesReader?.remaining()
        let budget = top.optional("budget", as: MoneyRate.self, .greaterThan(MoneyRate(dollarsPerHour: 0)))
        let sweep = top.take("sweep")
        let claim = top.take("claim")
        top.finish()

        guard let name, let horizon, let workload, let engines else { return nil }
        return Scenario(name: name, description: description, seed: seed, horizon: horizon, warmup: warmup, retrain: retrain, costProfile: costProfile, scale: scale,
                        workload: workload, engines: engines, prices: prices, budget: budget, sweep: sweep, claim: claim,
                        file: root.location.file, source: source)
    }

    /// One line for a terminal: `workload fraud, 2 engines (nightly: batch, rt: realtime),
    /// horizon 1d, seed 42, scale 0.1`.
    public var summary: String {
        let engineList = engines.map { "\($0.name): \($0.kind.rawValue)" }.joined(separator: ", ")
        let engineCount = engines.count == 1 ? "1 engine" : "\(engines.count) engines"
        return "workload \(workload.kind.rawValue), \(engineCount) (\(engineList)), horizon \(horizon), "
            + "seed \(seed), scale \(scale.scenarioText)"
    }
}

/// The kinds of workload the lab can generate (DESIGN.md, "Workloads").
public enum WorkloadKind: String, CaseIterable, Sendable, ScenarioScalar {
    case fraud, churn, digest, ui, recsys
}

/// The kinds of engine the lab can run (DESIGN.md, "Engines").
public enum EngineKind: String, CaseIterable, Sendable, ScenarioScalar {
    case batch, streaming, realtime, lambda, kappa, rerank, oracle, baseline
}

/// The `workload` mapping: its kind, and the rest of its keys kept unread, with
/// positions, for the workload's own reader.
///
///     var reader = scenario.workload.parameterReader(diagnostics)
///     let customers = reader.required("customers", as: Int.self, .positive)
///     reader.finish()
public struct WorkloadSpec: Hashable, Sendable {
    public var kind: WorkloadKind
    /// A mapping of every key except `kind`, at the `workload` mapping's position.
    public var parameters: SpecNode

    public init(kind: WorkloadKind, parameters: SpecNode) {
        self.kind = kind
        self.parameters = parameters
    }

    /// Where the `workload` mapping starts in the file.
    public var location: SourceLocation { parameters.location }

    /// A reader over the parameters, for the workload to take its settings from.
    public func parameterReader(_ diagnostics: Diagnostics) -> MappingReader {
        // `parameters` is always built as a mapping, so the reader always exists.
        MappingReader(parameters, what: "the '\(kind.rawValue)' workload", diagnostics)!
    }

    static func read(_ reader: MappingReader) -> WorkloadSpec? {
        var reader = reader
        let kind = reader.required("kind", as: WorkloadKind.self)
        let parameters = reader.remaining()
        return kind.map { WorkloadSpec(kind: $0, parameters: parameters) }
    }
}

/// One item of `engines`: a unique name, a kind, and the rest of its keys
/// kept unread, with positions, for the engine's own reader.
///
///     var reader = engine.parameterReader(diagnostics)
///     let cadence = reader.required("every", as: SimDuration.self, .positive)
///     reader.finish()
public struct EngineSpec: Hashable, Sendable {
    public var name: String
    public var kind: EngineKind
    /// A mapping of every key except `name` and `kind`, at the engine mapping's position.
    public var parameters: SpecNode

    public init(name: String, kind: EngineKind, parameters: SpecNode) {
        self.name = name
        self.kind = kind
        self.parameters = parameters
    }

    /// Where the engine's mapping starts in the file.
    public var location: SourceLocation { parameters.location }

    /// A reader over the parameters, for the engine to take its settings from.
    public func parameterReader(_ diagnostics: Diagnostics) -> MappingReader {
        // `parameters` is always built as a mapping, so the reader always exists.
        MappingReader(parameters, what: "engine '\(name)'", diagnostics)!
    }

    /// Every engine in `items`, or nil after reporting each bad one (and each duplicate name).
    static func readAll(_ items: [SpecNode], _ diagnostics: Diagnostics) -> [EngineSpec]? {
        var engines: [EngineSpec] = []
        var firstNamed: [String: SourceLocation] = [:]
        var allValid = true
        for (index, item) in items.enumerated() {
            guard var reader = MappingReader(item, what: "engine \(index + 1)",
                                             expecting: "a mapping with 'name' and 'kind' for each engine",
                                             diagnostics)
            else {
                allValid = false
                continue
            }
            let name = reader.required("name", as: String.self, .nonEmpty)
            if let name, let nameNode = reader.peek("name") {
                reader.what = "engine '\(name)'"
                if let first = firstNamed[name] {
                    diagnostics.error("duplicate engine name \(quoted(name)); the first engine with that name "
                                      + "is at line \(first.line)", at: nameNode)
                    allValid = false
                } else {
                    firstNamed[name] = nameNode.location
                }
            }
            let kind = reader.required("kind", as: EngineKind.self)
            let parameters = reader.remaining()
            if let name, let kind {
                engines.append(EngineSpec(name: name, kind: kind, parameters: parameters))
            } else {
                allValid = false
            }
        }
        return allValid ? engines : nil
    }
}
