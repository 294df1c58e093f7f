import Measures

/// Measured value per decision by feature staleness, one line per engine,
/// with the scenario's declared decay drawn over it. The declared curve is a
/// fraction; it is scaled to a reference value per decision (the oracle's, or
/// else the freshest engine's) so both share the dollar axis, and the right
/// axis reads the same line as the fraction remaining.
enum ValueDecayChart {
    static let name = "value_decay"
    static let title = "Value per decision against feature staleness ($)"

    static func make(_ results: RunResults) -> Chart? {
        // The last bin reaches to infinity; it has no place on the axis.
        let engines = results.engines.enumerated().map { index, engine in
            (index, engine, engine.valueDecay.filter { $0.stalenessUpToS > 0 && $0.stalenessUpToS.isFinite && $0.meanValue.isFinite })
        }
        let drawn = engines.filter { !$0.2.isEmpty }
        guard !drawn.isEmpty else { return nil }
        let reference = referenceValue(results)
        let declared = reference == nil ? [] : results.declaredDecay.filter { $0.delaySeconds.isFinite && $0.remaining.isFinite }

        let measuredX = drawn.flatMap { $0.2.map(\.stalenessUpToS) }
        let positiveX = measuredX + declared.map(\.delaySeconds).filter { $0 > 0 }
        let low = positiveX.min() ?? 1, high = positiveX.max() ?? 1
        var blocks = drawn.map { _, engine, bins in
            (comment: "\(engine.name): staleness bin upper edge (s), mean value per decision ($), decisions",
             rows: bins.map { [$0.stalenessUpToS, $0.meanValue, Double($0.decisions)] })
        }
        if let reference, !declared.isEmpty {
            // A log axis has no zero: the declared value at no delay is drawn at the left edge.
            blocks.append((comment: "declared decay: delay (s), remaining × \(reference.label) ($), remaining fraction",
                           rows: declared.map { [max($0.delaySeconds, low), $0.remaining * reference.value, $0.remaining] }))
        }
        let data = Gnuplot.blocks(blocks, header: "value decay; one block per engine, then the declared decay")

        var plot = GnuplotPlot()
        plot.settings = [
            "set xlabel 'feature staleness at decision (log scale)'",
            "set ylabel 'mean value per decision ($)'",
            "set logscale x",
            Gnuplot.durationTics(from: low, to: high),
            "set format y '$%g'",
            "set key below horizontal",
        ]
        plot.elements = drawn.enumerated().map { block, engine in
            "'\(name).dat' index \(block) using 1:2 with linespoints lt \(Gnuplot.lineType(engineAt: engine.0)) title \(Gnuplot.quoted(engine.1.name))"
        }
        var caption = "Mean value of the decisions whose features were at most that stale (bin upper edges)."
        if let reference, !declared.isEmpty {
            plot.settings += [
                "set y2label 'declared value remaining (fraction)'",
                "set y2tics 0, 0.1",
                "set format y2 '%.1f'",
                "set link y2 via y/\(Gnuplot.number(reference.value)) inverse y*\(Gnuplot.number(reference.value))",
            ]
            plot.elements.append("'\(name).dat' index \(drawn.count) using 1:2 with lines lt -1 dt 2 lw 1.5 "
                                 + "title 'declared decay (right axis)'")
            caption += " Dashed: the scenario's declared decay scaled to \(reference.label) (\(ReadableNumber.money(reference.value)))."
        }
        return Chart(name: name, title: title, caption: caption + Chart.leftOut(engines.filter { $0.2.isEmpty }.map(\.1.name)),
                     data: data, plot: plot)
    }

    /// The value per decision the declared fraction is a fraction of: the
    /// oracle's, or the freshest engine's when there is no oracle. Nil when
    /// that is not positive, since scaling by it would turn the curve over.
    static func referenceValue(_ results: RunResults) -> (value: Double, label: String)? {
        let answered = results.engines.filter { $0.decisions > 0 }
        let source = answered.first { $0.kind == "oracle" }.map { ($0, "the oracle's value per decision") }
            ?? answered.filter { $0.stalenessMeanS != nil }.min { $0.stalenessMeanS! < $1.stalenessMeanS! }
                .map { ($0, "\($0.name)'s value per decision (the freshest)") }
        guard let (engine, label) = source else { return nil }
        let value = engine.value / Double(engine.decisions)
        return value > 0 && value.isFinite ? (value, label) : nil
    }
}
