import Measures

/// Each engine's latency distribution as a CDF on a log axis, so a
/// precomputed lookup and an on-request model both fit on one chart.
enum LatencyCDFChart {
    static let name = "latency_cdf"
    static let title = "Answer latency, cumulative distribution (ms)"

    static func make(_ results: RunResults) -> Chart? {
        let engines = results.engines.enumerated().map { index, engine in
            (index, engine, engine.latencyCDF.filter { $0.latencyMs > 0 && $0.latencyMs.isFinite && $0.percentile.isFinite }
                .sorted { ($0.percentile, $0.latencyMs) < ($1.percentile, $1.latencyMs) })
        }
        let drawn = engines.filter { !$0.2.isEmpty }
        guard !drawn.isEmpty else { return nil }
        let data = Gnuplot.blocks(drawn.map { _, engine, points in
            (comment: engine.name, rows: points.map { [$0.latencyMs, $0.percentile] })
        }, header: "latency (ms), percentile (0-100); one block per engine")

        var plot = GnuplotPlot()
        plot.settings = [
            "set xlabel 'latency from scheduled decision time (ms, log scale)'",
            "set ylabel 'percentile of decisions (%)'",
            "set logscale x",
            "set format x '%g'",
            "set yrange [0:100]",
            "set ytics 10",
            "set key bottom right",
        ]
        plot.elements = drawn.enumerated().map { block, engine in
            "'\(name).dat' index \(block) using 1:2 with lines lt \(Gnuplot.lineType(engineAt: engine.0)) title \(Gnuplot.quoted(engine.1.name))"
        }
        return Chart(name: name, title: title,
                     caption: "Share of decisions answered within a given latency."
                         + Chart.leftOut(engines.filter { $0.2.isEmpty }.map(\.1.name)),
                     data: data, plot: plot)
    }
}
