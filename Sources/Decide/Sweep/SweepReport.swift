import Foundation
import Report
import ScenarioSpec
import SimKernel

/// The sweep report in `Reports/<scenario>/sweep/`: `report.md`,
/// `index.html`, `results.json`, and gnuplot charts — value against cost
/// with the Pareto frontier, and each measure against each varied parameter.
///
///     let warnings = try SweepReport(results).write(to: "Reports/fraud/sweep", gnuplot: ReportWriter.findGnuplot())
public struct SweepReport: Sendable {
    public let results: SweepResults

    public init(_ results: SweepResults) { self.results = results }

    /// The measures charted against each parameter: (results.json name, title, unit).
    static let measures: [(key: String, title: String, read: @Sendable (SweepResults.Measures) -> Double?)] = [
        ("value", "Value captured ($)", { $0.value }),
        ("value_pct_of_oracle", "Value, % of the oracle's", { $0.valuePctOfOracle }),
        ("cost_per_day", "Cost per day ($)", { $0.costPerDay }),
        ("value_per_dollar", "Value per dollar", { $0.valuePerDollar }),
        ("staleness_mean_s", "Mean feature staleness (s)", { $0.stalenessMeanS }),
        ("latency_p99_ms", "Latency p99 (ms)", { $0.latencyP99Ms }),
    ]

    public func write(to directory: String, gnuplot: String?) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try results.json().write(to: URL(fileURLWithPath: directory + "/results.json"), options: .atomic)
        return try ReportWriter(gnuplot: gnuplot).write(document, to: directory)
    }

    public var document: ReportDocument {
        let r = results
        var doc = ReportDocument(title: "\(r.scenario): sweep")
        let varied = r.parameters.map { "`\($0.path)` ∈ {\($0.values.joined(separator: ", "))}" }.joined(separator: "; ")
        doc.blocks.append(.paragraph("\(r.runs.count) runs (\(r.design.rawValue) design, seed \(r.seed), every run on the same workload) "
                                     + "of \(r.scenarioFile), varying \(varied). Each run × engine is a configuration; oracle and "
                                     + "baseline are bounds and left out."))
        doc.blocks.append(.heading("Decision"))
        var decision: [String] = []
        if let c = r.cheapestAtTarget {
            decision.append("Cheapest configuration reaching \(Self.percent(100 * r.target)) of the oracle's value: point \(c.point), "
                            + "\(c.engine) with \(Self.describe(c.assignment, r.parameters)) — \(ReadableNumber.money(c.costPerDay)) a day, "
                            + "\(Self.percent(c.valuePctOfOracle)) of the oracle's value.")
        } else {
            decision.append("No cheapest configuration at \(Self.percent(100 * r.target)): \(r.cheapestAtTargetNote ?? "none reaches it").")
        }
        if let k = r.knee {
            let p = r.points[k]
            decision.append("Knee of the frontier: point \(k), \(p.engine) with \(Self.describe(p.assignment, r.parameters)) — "
                            + "\(ReadableNumber.money(p.measures.costPerDay)) a day for \(ReadableNumber.money(p.measures.value)); past it, "
                            + "each extra dollar buys markedly less value (the frontier point farthest above the line from its cheapest "
                            + "to its most valuable point, cost on a log scale).")
        } else {
            decision.append("No knee: the frontier has fewer than three points, or none lies above the line joining its ends.")
        }
        decision.append("Pareto frontier (no other configuration earns as much for as little): "
                        + r.pareto.map { "\($0) \(r.points[$0].engine)" }.joined(separator: ", ") + ".")
        doc.blocks.append(.list(decision))

        doc.blocks.append(.heading("Configurations"))
        let headers = ["#", "engine"] + r.parameters.map(\.path)
            + ["value", "% oracle", "$/day", "value/$", "stale mean", "p99 ms", "SLA misses", "frontier"]
        let numeric = [true, false] + r.parameters.map { _ in false } + [true, true, true, true, true, true, true, false]
        let rows = r.points.enumerated().map { i, p -> [String] in
            let m = p.measures
            let mark = (r.pareto.contains(i) ? "Pareto" : "") + (r.knee == i ? " knee" : "") + (r.cheapestAtTarget?.point == i ? " cheapest" : "")
            return ["\(i)", p.engine] + r.parameters.map { p.assignment[$0.path] ?? "" }
                + [ReadableNumber.money(m.value), ReadableNumber.percent(m.valuePctOfOracle), ReadableNumber.money(m.costPerDay),
                   ReadableNumber.decimal(m.valuePerDollar), m.stalenessMeanS.map { ReadableNumber.duration(seconds: $0) } ?? ReadableNumber.missing,
                   ReadableNumber.decimal(m.latencyP99Ms), "\(m.slaMisses)", mark.trimmingCharacters(in: .whitespaces)]
        }
        doc.blocks.append(.table(headers: headers, numeric: numeric, rows: rows))

        doc.blocks.append(.heading("Charts"))
        doc.blocks.append(.chart(valueVsCost))
        for (i, parameter) in r.parameters.enumerated() {
            for measure in Self.measures { if let chart = chart(measure, against: parameter, number: i) { doc.blocks.append(.chart(chart)) } }
        }
        doc.blocks.append(.paragraph("Files: results.json (points, pareto, cheapest_at_target, knee), charts/*.gp and *.dat."))
        return doc
    }

    /// Every configuration as a point, the frontier as a step line, one colour per engine.
    var valueVsCost: ReportChart {
        let r = results
        let engines = Self.engines(r)
        var blocks = engines.map { name in
            (comment: name, rows: r.points.filter { $0.engine == name }.map { [$0.measures.costPerDay, $0.measures.value] })
        }
        blocks.append((comment: "Pareto frontier", rows: r.pareto.map { [r.points[$0].measures.costPerDay, r.points[$0].measures.value] }))
        let costs = r.points.map(\.measures.costPerDay)
        let logCost = costs.allSatisfy { $0 > 0 } && ReportChart.spansDecades(costs)
        var settings = ["set xlabel \(ReportChart.quoted(logCost ? "cost per day ($, log scale)" : "cost per day ($)"))",
                        "set ylabel 'value captured over the horizon ($)'", "set key outside right top", "set offsets graph 0.05, graph 0.15, graph 0.1, graph 0.1"]
        if logCost { settings.append("set logscale x") }
        if let k = r.knee {
            let p = r.points[k].measures
            settings.append("set label 1 'knee' at \(p.costPerDay),\(p.value) offset char 1,-1")
        }
        if let c = r.cheapestAtTarget {
            let p = r.points[c.point].measures
            settings.append("set label 2 \(ReportChart.quoted("cheapest at \(Self.percent(100 * r.target))")) at \(p.costPerDay),\(p.value) offset char 1,1")
        }
        var elements = engines.enumerated().map { i, name in
            "'value_vs_cost.dat' index \(i) using 1:2 with points lt \(ReportChart.lineType(i)) ps 1.4 title \(ReportChart.quoted(name))"
        }
        elements.append("'value_vs_cost.dat' index \(engines.count) using 1:2 with steps lt -1 dt 2 lw 1.5 title 'Pareto frontier'")
        return ReportChart(name: "value_vs_cost", title: "Value captured against cost per day, every configuration",
                           caption: "One point per run and engine; the dashed steps are the Pareto frontier.",
                           data: ReportChart.blocks(blocks, header: "cost per day ($), value ($); one block per engine, then the frontier"),
                           settings: settings, elements: elements)
    }

    /// One measure against one parameter: a line per engine and combination
    /// of the other parameters' values (colour by engine, dash by combination),
    /// so a grid reads as families of curves; nil when no point has the measure.
    func chart(_ measure: (key: String, title: String, read: @Sendable (SweepResults.Measures) -> Double?),
               against parameter: SweepSpec.Parameter, number: Int) -> ReportChart? {
        let r = results
        let axis = ParameterAxis(parameter)
        let engines = Self.engines(r)
        let others = r.parameters.filter { $0.path != parameter.path }
        // Series in first-seen order: (engine, the other parameters' values).
        var series: [(engine: String, rest: [String])] = []
        for p in r.points {
            let key = (engine: p.engine, rest: others.map { o in p.assignment[o.path] ?? "" })
            if !series.contains(where: { $0.engine == key.engine && $0.rest == key.rest }) { series.append(key) }
        }
        func rest(_ p: SweepResults.Point) -> [String] { others.map { p.assignment[$0.path] ?? "" } }
        func xy(_ p: SweepResults.Point) -> [Double]? {
            guard let text = p.assignment[parameter.path], let x = axis.x(text), let y = measure.read(p.measures), y.isFinite else { return nil }
            return [x, y]
        }
        let blocks: [(comment: String, rows: [[Double]])] = series.map { s in
            let label = ([s.engine] + zip(others, s.rest).map { "\($0.path)=\($1)" }).joined(separator: " ")
            let rows = r.points.filter { $0.engine == s.engine && rest($0) == s.rest }.compactMap(xy).sorted { $0[0] < $1[0] }
            return (comment: label, rows: rows)
        }
        guard blocks.contains(where: { !$0.rows.isEmpty }) else { return nil }
        let name = "\(measure.key)_vs_\(Self.fileStem(parameter.path))"
        var settings = ["set xlabel \(ReportChart.quoted(parameter.path + axis.unitLabel))",
                        "set ylabel \(ReportChart.quoted(measure.title))", "set key outside right top",
                        "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05"]
        settings += axis.settings
        let combinations = series.reduce(into: [[String]]()) { if !$0.contains($1.rest) { $0.append($1.rest) } }
        let elements = series.enumerated().compactMap { i, s -> String? in
            guard !blocks[i].rows.isEmpty else { return nil }
            let lt = ReportChart.lineType(engines.firstIndex(of: s.engine) ?? 0)
            let dash = (combinations.firstIndex(of: s.rest) ?? 0) % 5 + 1
            let title = s.engine + (others.isEmpty ? "" : " (" + zip(others, s.rest).map { "\($0.path.split(separator: ".").last ?? "")=\($1)" }.joined(separator: ", ") + ")")
            return "'\(name).dat' index \(i) using 1:2 with linespoints lt \(lt) dt \(dash) title \(ReportChart.quoted(title))"
        }
        return ReportChart(name: name, title: "\(measure.title) against \(parameter.path)",
                           caption: "Each engine's \(measure.key) at each value of \(parameter.path)"
                               + (others.isEmpty ? "." : "; one line per combination of the other parameters (dashes tell them apart)."),
                           data: ReportChart.blocks(blocks, header: "\(parameter.path)\(axis.unitLabel), \(measure.key); one block per engine and combination"),
                           settings: settings, elements: elements)
    }

    static func engines(_ r: SweepResults) -> [String] {
        var seen: [String] = []
        for p in r.points where !seen.contains(p.engine) { seen.append(p.engine) }
        return seen
    }

    static func describe(_ assignment: [String: String], _ parameters: [SweepSpec.Parameter]) -> String {
        parameters.map { "\($0.path)=\(assignment[$0.path] ?? "?")" }.joined(separator: ", ")
    }

    static func fileStem(_ path: String) -> String {
        String(path.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x) }
}

/// How a parameter's values sit on a chart's x axis: as numbers in the unit
/// they share (seconds, per second, dollars, fractions), or as categories.
struct ParameterAxis {
    let values: [String]
    let numbers: [Double]?
    let unitLabel: String

    init(_ parameter: SweepSpec.Parameter) {
        values = parameter.values
        let readers: [(String, (String) -> Double?)] = [
            ("", { try? Double(parsing: $0) }),
            (" (s)", { try? SimDuration(parsing: $0).seconds }),
            (" (per s)", { try? Rate(parsing: $0).perSecond }),
            (" ($)", { try? Money(parsing: $0).dollars }),
            (" ($/h)", { try? MoneyRate(parsing: $0).dollarsPerHour }),
            (" (fraction)", { try? Percentage(parsing: $0).fraction }),
        ]
        for (unit, read) in readers {
            let parsed = parameter.values.map(read)
            if parsed.allSatisfy({ $0 != nil }) {
                numbers = parsed.map { $0! }
                unitLabel = unit
                return
            }
        }
        numbers = nil
        unitLabel = ""
    }

    func x(_ text: String) -> Double? {
        guard let i = values.firstIndex(of: text) else { return nil }
        return numbers.map { $0[i] } ?? Double(i)
    }

    var settings: [String] {
        guard let numbers else {
            return ["set xtics (" + values.enumerated().map { "\(ReportChart.quoted($0.element)) \($0.offset)" }.joined(separator: ", ") + ")"]
        }
        return numbers.allSatisfy({ $0 > 0 }) && ReportChart.spansDecades(numbers) ? ["set logscale x"] : []
    }
}
