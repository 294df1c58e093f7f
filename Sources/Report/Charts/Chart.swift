import Measures

/// One chart of the report: the gnuplot script that draws it and the data
/// file the script plots, both kept beside the PNG and SVG they produce so a
/// reader can restyle and redraw it (`cd charts && gnuplot value_vs_cost.gp`).
///
///     if let chart = StalenessChart.make(results) { try chart.script.write(...) }
struct Chart: Sendable {
    /// The file stem: `charts/<name>.gp`, `.dat`, `.png`, `.svg`.
    let name: String
    /// The title, unit included, as the chart and the report show it.
    let title: String
    /// One line under the chart: what is drawn, and which engines were left out and why.
    let caption: String
    /// The `.dat` file: numbers only, `#` comments naming the columns and engines.
    let data: String
    /// The plot commands; `script` wraps them with the terminals and outputs.
    let plot: GnuplotPlot

    var scriptFile: String { name + ".gp" }
    var dataFile: String { name + ".dat" }
    var pngFile: String { name + ".png" }
    var svgFile: String { name + ".svg" }

    /// The whole `.gp` file: shared style, the chart's settings, then one
    /// plot per terminal so the PNG and the SVG come from the same commands.
    var script: String {
        var lines = [
            "# \(Gnuplot.comment(title))",
            "# Written by TempoLab's report; redraw with `gnuplot \(scriptFile)` in this folder.",
            "# Data: \(dataFile). Output: \(pngFile), \(svgFile).",
        ]
        lines += Gnuplot.style
        lines.append("set title \(Gnuplot.quoted(title))")
        lines += plot.settings
        lines += [
            "set terminal pngcairo size \(Gnuplot.width),\(Gnuplot.height) noenhanced font 'Sans,10' background rgb 'white'",
            "set output \(Gnuplot.quoted(pngFile))",
            "plot \(plot.elements.joined(separator: ", \\\n     "))",
            "set terminal svg size \(Gnuplot.width),\(Gnuplot.height) noenhanced font 'Sans,10' background rgb 'white'",
            "set output \(Gnuplot.quoted(svgFile))",
            "replot",
            "unset output",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every chart the report draws, in report order; a chart no engine has data for is absent.
    static func all(for results: RunResults) -> [Chart] {
        [ValueVsCostChart.make(results), StalenessChart.make(results), LatencyCDFChart.make(results),
         ValueDecayChart.make(results), CostBreakdownChart.make(results)].compactMap { $0 }
    }

    /// The names and titles of all charts, so a page can say which one is missing.
    static let catalogue: [(name: String, title: String)] = [
        (ValueVsCostChart.name, ValueVsCostChart.title), (StalenessChart.name, StalenessChart.title),
        (LatencyCDFChart.name, LatencyCDFChart.title), (ValueDecayChart.name, ValueDecayChart.title),
        (CostBreakdownChart.name, CostBreakdownChart.title),
    ]

    /// "Left out (no data): a, b." or "" when every engine is drawn.
    static func leftOut(_ names: [String], because reason: String = "no data") -> String {
        names.isEmpty ? "" : " Left out (\(reason)): \(names.joined(separator: ", "))."
    }
}

/// A chart's own gnuplot settings and the elements of its `plot` command.
struct GnuplotPlot: Sendable {
    var settings: [String] = []
    var elements: [String] = []
}
