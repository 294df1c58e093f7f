import Measures

/// Cost per day stacked by component (compute, storage, requests…) for each engine.
enum CostBreakdownChart {
    static let name = "cost_breakdown"
    static let title = "Cost per day by component ($/day)"

    static func make(_ results: RunResults) -> Chart? {
        let drawn = results.engines.filter { !$0.costBreakdown.isEmpty }
        guard !drawn.isEmpty else { return nil }
        // Components in order of first appearance, so the stack order is stable.
        var components: [String] = []
        for engine in drawn { for part in engine.costBreakdown where !components.contains(part.component) { components.append(part.component) } }
        let rows = drawn.enumerated().map { row, engine in
            [Double(row)] + components.map { component in
                engine.costBreakdown.filter { $0.component == component }.map(\.perDay).reduce(0, +)
            }
        }
        let data = Gnuplot.blocks([(comment: "engines: " + drawn.map(\.name).joined(separator: ", "), rows: rows)],
                                  header: "row, then $/day for: " + components.joined(separator: ", "))
        let totals = rows.map { $0.dropFirst().reduce(0, +) }
        let y = Gnuplot.MoneyScale(largest: totals.max() ?? 0)

        var plot = GnuplotPlot()
        plot.settings = [
            "set style data histograms",
            "set style histogram rowstacked",
            "set style fill solid 0.85 border rgb '#444444'",
            "set boxwidth 0.6",
            "set ylabel 'cost per day ($)'",
            "set format y \(Gnuplot.quoted(y.format))",
            "set yrange [0:*]",
            "set grid noxtics",
            "set xtics (" + drawn.enumerated().map { "\(Gnuplot.quoted($0.element.name)) \($0.offset)" }.joined(separator: ", ") + ")",
            "set key outside right top",
        ]
        plot.elements = components.enumerated().map { column, component in
            "'\(name).dat' using \(y.column(column + 2)) lt \(column + 1) title \(Gnuplot.quoted(component))"
        }
        return Chart(name: name, title: title,
                     caption: "Each bar is an engine's cost per day, split by what it pays for."
                         + Chart.leftOut(results.engines.filter { $0.costBreakdown.isEmpty }.map(\.name)),
                     data: data, plot: plot)
    }
}
