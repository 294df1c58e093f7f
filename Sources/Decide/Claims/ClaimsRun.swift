import Foundation
import Lab
import Measures
import ScenarioSpec
import Simulation

/// Puts every claim of a folder of scenarios to the test and writes
/// `claims.md`: each claim, the lab's figure, the conditions, whether it
/// held, and — along the scenario's sweep — where it breaks.
///
///     let outcomes = ClaimsRun(jobs: 2).run(folder: "Scenarios/claims")
///     try ClaimsRun.markdown(outcomes).write(toFile: "Reports/claims.md", atomically: true, encoding: .utf8)
public struct ClaimsRun: Sendable {
    public var jobs: Int
    public init(jobs: Int = 1) { self.jobs = jobs }

    /// One claim's verdict.
    public struct Outcome: Sendable {
        public var file: String
        public var statement: String
        public var conditions: String
        public var figure: String
        /// nil when the scenario could not be run.
        public var held: Bool?
        public var breaks: String
        /// The figure at each sweep point: header and rows.
        public var table: (headers: [String], rows: [[String]])?
    }

    /// Every `*.yaml` scenario of the folder that has a `claim:` section, in name order.
    public func run(folder: String, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Outcome] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".yaml") && $0 != "catalog.yaml" && !$0.hasSuffix(".expect.yaml") }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
        return files.compactMap { file in
            progress(file)
            return evaluate(file)
        }
    }

    /// The claim of one scenario file; nil when the file has no `claim:`.
    public func evaluate(_ file: String) -> Outcome? {
        let scenario: Scenario
        do { scenario = try Scenario.load(path: file) } catch {
            return Outcome(file: file, statement: "(unreadable scenario)", conditions: "", figure: "—", held: nil,
                           breaks: error.diagnostics.map(\.description).joined(separator: "; "), table: nil)
        }
        guard let section = scenario.claim else { return nil }
        let claim: Claim
        do { claim = try Claim.read(section, engines: scenario.engines.map(\.name)) } catch {
            return Outcome(file: file, statement: "(bad claim section)", conditions: "", figure: "—", held: nil,
                           breaks: error.diagnostics.map(\.description).joined(separator: "; "), table: nil)
        }
        var outcome = Outcome(file: file, statement: claim.statement, conditions: conditions(scenario), figure: "—", held: nil, breaks: "", table: nil)
        do {
            if claim.measure == .scoringSpeedup {
                try scoring(claim, scenario, &outcome)
            } else {
                var options = Sweep.quietOptions
                // Nothing is written, but a run wants a folder: a temporary one, not Reports/<scenario>.
                options.outputDirectory = FileManager.default.temporaryDirectory
                    .appendingPathComponent("tempo-claim-\(getpid())-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: options.outputDirectory!) }
                let main = try LabRun(options).run(scenario).results
                let figure = Figure(claim, main)
                outcome.figure = figure.text
                outcome.held = figure.held
                if scenario.sweep != nil { try sweep(claim, scenario, main: figure, &outcome) }
                else { outcome.breaks = "not swept: add a `sweep:` section to move the conditions" }
            }
        } catch let error as ScenarioError {
            outcome.figure = "not measured"
            outcome.breaks = "could not run: " + error.diagnostics.map(\.description).joined(separator: "; ")
        } catch {
            outcome.figure = "not measured"
            outcome.breaks = "could not run: \(error)"
        }
        return outcome
    }

    func conditions(_ s: Scenario) -> String {
        var text = "\(s.workload.kind.rawValue) at scale \(s.scale.scenarioText), horizon \(s.horizon), seed \(s.seed); engines "
            + s.engines.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
        if let plan = try? SimulationPlan.make(s), let perDay = plan.workload.expectedDecisionsPerDay {
            text += String(format: "; %.2gM decisions a day", perDay / 1e6)
        }
        if let d = s.description { text += ". " + d }
        return text
    }

    /// The claim's figure from one run.
    struct Figure {
        var text: String
        var held: Bool?
        var cells: [String]
        /// batch_overrun: the job's duration in seconds and its deadline misses.
        var duration: Double?
        var misses = 0

        init(_ claim: Claim, _ r: RunResults) {
            let engine = r.engines.first { $0.name == claim.engine }
            let versus = r.engines.first { $0.name == claim.versus }
            switch claim.measure {
            case .costRatio:
                guard let e = engine, let v = versus, e.costPerDay > 0 else { text = "—"; held = nil; cells = ["—"]; return }
                let ratio = v.costPerDay / e.costPerDay
                text = String(format: "%@ costs %.1f× %@ ($%.2f against $%.2f a day)", v.name, ratio, e.name, v.costPerDay, e.costPerDay)
                held = claim.holds.map { $0.contains(ratio) }
                cells = [String(format: "%.1f×", ratio), String(format: "$%.2f", e.costPerDay), String(format: "$%.2f", v.costPerDay)]
            case .valueAndCostShare:
                guard let e = engine, let v = versus, v.value != 0, v.costPerDay > 0 else { text = "—"; held = nil; cells = ["—", "—"]; return }
                let valueShare = e.value / v.value, costShare = e.costPerDay / v.costPerDay
                text = String(format: "%@ earns %.1f%% of %@'s value for %.1f%% of its cost", e.name, 100 * valueShare, v.name, 100 * costShare)
                held = valueShare >= claim.valueAtLeast && costShare <= claim.costAtMost
                cells = [String(format: "%.1f%%", 100 * valueShare), String(format: "%.1f%%", 100 * costShare)]
            case .batchOverrun:
                guard let e = engine, let stale = e.stalenessMeanS, let age = e.predictionAgeMeanS else {
                    text = "—"; held = nil; cells = ["—", "—"]; return
                }
                let duration = max(0, stale - age)
                self.duration = duration
                misses = e.slaMisses
                text = String(format: "%@'s job takes about %.0f s; %d deadline miss%@", e.name, duration, e.slaMisses, e.slaMisses == 1 ? "" : "es")
                held = nil
                cells = [String(format: "%.0f s", duration), "\(e.slaMisses)"]
            case .scoringSpeedup:
                text = "—"; held = nil; cells = []
            }
        }
    }

    func sweep(_ claim: Claim, _ scenario: Scenario, main: Figure, _ outcome: inout Outcome) throws {
        let spec = try SweepSpec.read(scenario)
        let sweep = try Sweep(scenario: scenario, spec: spec)
        let records = try sweep.run(jobs: jobs)
        let figures = records.map { Figure(claim, $0.results) }
        let figureHeaders: [String] = switch claim.measure {
        case .costRatio: ["ratio", "\(claim.engine ?? "") $/day", "\(claim.versus ?? "") $/day"]
        case .valueAndCostShare: ["value share", "cost share"]
        case .batchOverrun: ["job duration", "deadline misses"]
        case .scoringSpeedup: []
        }
        outcome.table = (spec.parameters.map(\.path) + figureHeaders + (claim.measure == .batchOverrun ? [] : ["holds"]),
                         zip(records, figures).map { record, f in
                             record.assignment + f.cells + (claim.measure == .batchOverrun ? [] : [f.held.map { $0 ? "yes" : "no" } ?? "—"])
                         })
        let describe = { (i: Int) in Sweep.describe(records[i].assignment, spec) }
        if claim.measure == .batchOverrun {
            // Holding is a property of the whole sweep: the duration grows with the data, and the job overruns somewhere.
            let durations = figures.compactMap(\.duration)
            let grows = durations.count > 1 && durations.count == figures.count && zip(durations, durations.dropFirst()).allSatisfy { $0 <= $1 }
            outcome.held = grows && figures.contains { $0.misses > 0 }
            if let first = records.indices.first(where: { (records[$0].results.engines.first { $0.name == claim.engine }?.slaMisses ?? 0) > 0 }) {
                outcome.breaks = "the job first overruns its window at \(describe(first))"
            } else {
                outcome.breaks = "no overrun anywhere in the sweep: widen it"
            }
            return
        }
        let holding = figures.indices.filter { figures[$0].held == true }
        let failing = figures.indices.filter { figures[$0].held == false }
        if failing.isEmpty { outcome.breaks = "holds at every point of the sweep" }
        else if holding.isEmpty { outcome.breaks = "fails at every point of the sweep" }
        else {
            outcome.breaks = "holds at " + holding.map(describe).joined(separator: "; ") + " — fails at " + failing.map(describe).joined(separator: "; ")
        }
    }

    func scoring(_ claim: Claim, _ scenario: Scenario, _ outcome: inout Outcome) throws {
        let plan = try SimulationPlan.make(scenario)
        let columns = plan.view.width
        let full = plan.workload.entityCount
        let sizes = (claim.batchSizes.filter { $0 < full } + [full])
        let measured = sizes.map { ScoringSpeedup.measure(rows: $0, columns: columns) }
        let top = measured.last!
        #if DEBUG
        let build = "debug build: run `swift run -c release tempo claims` for figures that mean something"
        #else
        let build = "release build"
        #endif
        outcome.conditions += "; scoring \(full) rows × \(columns) features in process (\(build))"
        outcome.figure = String(format: "vectorised scoring is %.1f× per-record (%.3gM against %.3gM rows/s) on %d rows",
                                top.speedup, top.vectorisedRowsPerSecond / 1e6, top.perRecordRowsPerSecond / 1e6, full)
        outcome.held = claim.holds.map { $0.contains(top.speedup) }
        outcome.table = (["rows", "vectorised rows/s", "per-record rows/s", "speedup", "holds"], measured.map { m in
            ["\(m.rows)", String(format: "%.3gM", m.vectorisedRowsPerSecond / 1e6), String(format: "%.3gM", m.perRecordRowsPerSecond / 1e6),
             String(format: "%.1f×", m.speedup), claim.holds.map { $0.contains(m.speedup) ? "yes" : "no" } ?? "—"]
        })
        let failing = measured.filter { !(claim.holds?.contains($0.speedup) ?? true) }.map { "\($0.rows)" }
        outcome.breaks = failing.isEmpty ? "holds at every batch size measured"
            : "outside \(claim.holds.map { "\($0.lowerBound)–\($0.upperBound)×" } ?? "") at batches of \(failing.joined(separator: ", ")) rows"
    }

    /// `claims.md`: a summary table, then each claim with its conditions and sweep.
    public static func markdown(_ outcomes: [Outcome]) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        func verdict(_ o: Outcome) -> String { o.held.map { $0 ? "held" : "did not hold" } ?? "not measured" }
        var out = "# Rules of thumb, measured\n\nEach claim below is a scenario in `Scenarios/claims/` with a `claim:` section; "
            + "`tempo claims` runs it, and its `sweep:` moves the conditions to find where the claim breaks. "
            + "Figures come from the simulation and the cost model (prices in `Scenarios/catalog.yaml`), not from the claim.\n\n"
        out += "| claim | measured | held? | where it breaks |\n|---|---|---|---|\n"
        for o in outcomes { out += "| \(cell(o.statement)) | \(cell(o.figure)) | \(verdict(o)) | \(cell(o.breaks)) |\n" }
        for o in outcomes {
            out += "\n## \(o.statement)\n\n- Scenario: `\(o.file)`\n- Conditions: \(o.conditions)\n- Measured: \(o.figure)\n"
                + "- Verdict: **\(verdict(o))**\n- Where it breaks: \(o.breaks)\n"
            if let t = o.table {
                out += "\n| " + t.headers.map(cell).joined(separator: " | ") + " |\n|" + t.headers.map { _ in "---|" }.joined() + "\n"
                out += t.rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |\n" }.joined()
            }
        }
        return out
    }
}
