import Measures

/// Each engine's mean feature staleness per slice of the horizon: a batch
/// engine's sawtooth against the flat line of a streaming one.
enum StalenessChart {
    static let name = "staleness"
    static let title = "Feature staleness over the run (time in hours)"

    static func make(_ results: RunResults) -> Chart? {
        let all = results.engines.flatMap { $0.stalenessSeries.map(\.value) }
        let logScale = Gnuplot.spansDecades(all)
        // A log axis has no zero: an engine that is never stale has nothing to draw there.
        let drawable = { (p: EngineResult.SeriesPoint) in p.timeS.isFinite && p.value.isFinite && (!logScale || p.value > 0) }
        let engines = results.engines.enumerated().map { ($0.offset, $0.element, $0.element.stalenessSeries.filter(drawable)) }
        let drawn = engines.filter { !$0.2.isEmpty }
        guard !drawn.isEmpty else { return nil }

        let drawnValues = drawn.flatMap { $0.2.map(\.value) }
        let largest = drawnValues.max() ?? 0
        // A log axis keeps seconds and labels its ticks "1 s", "1 min", "1 h"; a linear one picks a unit.
        let (scale, unit) = logScale || largest < 120 ? (1.0, "s") : largest >= 7200 ? (3600.0, "h") : (60.0, "min")
        let data = Gnuplot.blocks(drawn.map { _, engine, points in
            (comment: engine.name, rows: points.map { [$0.timeS / 3600, $0.value / scale] })
        }, header: "time (h), mean feature staleness (\(unit)); one block per engine")

        var plot = GnuplotPlot()
        plot.settings = [
            "set xlabel 'time (h)'",
            "set ylabel \(Gnuplot.quoted(logScale ? "mean feature staleness (log scale)" : "mean feature staleness (\(unit))"))",
            hourTics(lastHour: (drawn.flatMap { $0.2.map(\.timeS) }.max() ?? 0) / 3600),
            "set key below horizontal",
        ]
        if logScale {
            plot.settings += ["set logscale y", Gnuplot.durationTics("y", from: drawnValues.min() ?? 1, to: largest)]
        } else {
            plot.settings.append("set yrange [0:*]")
        }
        plot.elements = drawn.enumerated().map { block, engine in
            "'\(name).dat' index \(block) using 1:2 with lines lt \(Gnuplot.lineType(engineAt: engine.0)) title \(Gnuplot.quoted(engine.1.name))"
        }
        let omitted = engines.filter { $0.2.isEmpty }.map {
            $0.1.stalenessSeries.isEmpty ? $0.1.name : $0.1.name + " (never stale)"
        }
        return Chart(name: name, title: title,
                     caption: "Mean staleness of the features behind each decision, per slice of the horizon."
                         + Chart.leftOut(omitted),
                     data: data, plot: plot)
    }

    /// Ticks at hours a reader counts in: every 3 h over a day, 6 h over three, days beyond.
    static func hourTics(lastHour: Double) -> String {
        lastHour <= 30 ? "set xtics 3" : lastHour <= 80 ? "set xtics 6" : lastHour <= 24 * 14 ? "set xtics 24" : "set xtics autofreq"
    }
}
