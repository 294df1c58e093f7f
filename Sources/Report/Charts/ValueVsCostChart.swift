import Measures

/// Each engine as a labelled point, cost per day against value captured,
/// with the Pareto frontier as a step line: for any budget on the x axis, the
/// most value an engine within it earned. The oracle is an upper bound, not
/// an engine one could buy, so it is a horizontal line and not on the frontier.
enum ValueVsCostChart {
    static let name = "value_vs_cost"
    static let title = "Value captured against cost per day ($)"

    static func make(_ results: RunResults) -> Chart? {
        let engines = Array(results.engines.enumerated())
        let placeable = { (e: EngineResult) in e.decisions > 0 && e.costPerDay.isFinite && e.value.isFinite }
        let drawn = engines.filter { $0.element.kind != "oracle" && placeable($0.element) }
        guard !drawn.isEmpty else { return nil }
        let oracle = engines.first { $0.element.kind == "oracle" && placeable($0.element) }?.element
        let frontier = paretoFrontier(drawn.map(\.element), cost: \.costPerDay, value: \.value)

        var blocks = drawn.map { (comment: $0.element.name, rows: [[$0.element.costPerDay, $0.element.value]]) }
        blocks.append((comment: "Pareto frontier: " + frontier.map(\.name).joined(separator: ", "),
                       rows: frontier.map { [$0.costPerDay, $0.value] }))
        let data = Gnuplot.blocks(blocks, header: "cost per day ($), value captured ($); one block per engine, then the frontier")

        let costs = drawn.map(\.element.costPerDay)
        let logCost = costs.allSatisfy { $0 > 0 } && Gnuplot.spansDecades(costs)
        let values = drawn.map(\.element.value) + (oracle.map { [$0.value] } ?? [])
        let x = Gnuplot.MoneyScale(largest: costs.map(abs).max() ?? 0)
        let y = Gnuplot.MoneyScale(largest: values.map(abs).max() ?? 0)
        var plot = GnuplotPlot()
        plot.settings = [
            "set xlabel \(Gnuplot.quoted(logCost ? "cost per day ($, log scale)" : "cost per day ($)"))",
            "set ylabel 'value captured over the horizon ($)'",
            "set format x \(Gnuplot.quoted(x.format))",
            "set format y \(Gnuplot.quoted(y.format))",
            // Ranges fit the data, then the offsets leave room for the labels right of and above the points.
            "set autoscale xfix",
            "set autoscale yfix",
            "set offsets graph 0.05, graph 0.22, graph 0.12, graph 0.08",
            "set key bottom right",
        ]
        if logCost { plot.settings.append("set logscale x") }
        // One cost or one value for all: gnuplot would pad an empty range to either side of zero, into "$-1".
        if let range = rangeAround(costs) { plot.settings.append("set xrange [\(x.scaled(range.lowerBound)):\(x.scaled(range.upperBound))]") }
        if let range = rangeAround(values) { plot.settings.append("set yrange [\(y.scaled(range.lowerBound)):\(y.scaled(range.upperBound))]") }
        // Engines at the same point share one label rather than print over each other.
        var labelled: [(cost: Double, value: Double, names: [String], lineType: Int)] = []
        for (index, engine) in drawn {
            if let same = labelled.firstIndex(where: { $0.cost == engine.costPerDay && $0.value == engine.value }) {
                labelled[same].names.append(engine.name)
            } else {
                labelled.append((engine.costPerDay, engine.value, [engine.name], Gnuplot.lineType(engineAt: index)))
            }
        }
        for (number, label) in labelled.enumerated() {
            plot.settings.append("set label \(number + 1) \(Gnuplot.quoted(label.names.joined(separator: ", "))) at \(x.scaled(label.cost)),"
                                 + "\(y.scaled(label.value)) offset char 1,0.8 tc lt \(label.names.count == 1 ? label.lineType : -1)")
        }
        let using = "using \(x.column(1)):\(y.column(2))"
        plot.elements = drawn.enumerated().map { block, engine in
            "'\(name).dat' index \(block) \(using) with points lt \(Gnuplot.lineType(engineAt: engine.offset)) ps 1.8 notitle"
        }
        plot.elements.append("'\(name).dat' index \(drawn.count) \(using) with steps lt -1 dt 2 lw 1.5 title 'Pareto frontier'")
        if let oracle {
            plot.elements.append("\(y.scaled(oracle.value)) with lines lt -1 dt 3 lw 1 "
                                 + "title \(Gnuplot.quoted("oracle (upper bound): " + ReadableNumber.money(oracle.value)))")
        }
        let omitted = engines.filter { $0.element.kind != "oracle" && !placeable($0.element) }.map(\.element.name)
        return Chart(name: name, title: title,
                     caption: "Pareto frontier: \(frontier.map(\.name).joined(separator: ", ")) (no other engine earns as much for as little)."
                         + Chart.leftOut(omitted, because: "no decisions"),
                     data: data, plot: plot)
    }

    /// A range that shows `values` when they are all equal, not below zero if
    /// they are not; nil when they differ and autoscaling does better.
    static func rangeAround(_ values: [Double]) -> ClosedRange<Double>? {
        guard let first = values.first, values.allSatisfy({ $0 == first }) else { return nil }
        if first == 0 { return 0...1 }
        let half = abs(first) / 2
        return first > 0 ? 0...(first + half) : (first - half)...0
    }
}
