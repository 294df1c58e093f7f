/// The gnuplot syntax the charts share: quoting, numbers, data blocks, and
/// one style so an engine has the same colour in every chart.
enum Gnuplot {
    static let width = 800
    static let height = 500

    /// Eight colours that stay distinct in print and for common colour
    /// blindness (Okabe–Ito), cycled; engine `i` of the results is line type `i + 1`.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    static var style: [String] {
        palette.enumerated().map { "set linetype \($0.offset + 1) lc rgb '\($0.element)' lw 2 pt 7 ps 1.1" }
        + ["set linetype cycle \(palette.count)",
           "set grid lc rgb '#dddddd' lw 1",
           "set border lc rgb '#444444'",
           "set tics nomirror",
           "set key noopaque"]
    }

    /// Line type of the engine at `index` in `RunResults.engines`, so colours
    /// stay put when a chart leaves an engine out.
    static func lineType(engineAt index: Int) -> Int { index % palette.count + 1 }

    /// A single-quoted gnuplot string: quotes doubled, line breaks removed
    /// (the terminals run `noenhanced`, so `_` and `^` print as they are).
    static func quoted(_ text: String) -> String {
        "'" + comment(text).replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Text safe on one `#` comment line.
    static func comment(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// A number as a data file holds it: shortest text that reads back exactly.
    static func number(_ value: Double) -> String { "\(value)" }

    /// Data blocks separated by two blank lines, addressed in the script as `index i`.
    static func blocks(_ blocks: [(comment: String, rows: [[Double]])], header: String) -> String {
        "# " + comment(header) + "\n" + blocks.map { block in
            "# " + comment(block.comment) + "\n"
                + block.rows.map { $0.map(number).joined(separator: " ") + "\n" }.joined()
        }.joined(separator: "\n\n")
    }

    /// How a dollar axis is labelled: values divided by `divisor` in the
    /// plot's `using`, ticks as "$0.9M" or "$250k". gnuplot's own `%s%c`
    /// prints "$900.0k" and, below one, milli-dollars, hence the scaling.
    struct MoneyScale {
        let divisor: Double
        let format: String

        init(largest: Double) {
            (divisor, format) = largest >= 1e6 ? (1e6, "$%gM") : largest >= 1e4 ? (1e3, "$%gk") : (1, "$%g")
        }

        /// `column` divided for plotting, as a `using` expression: `($2/1000000.0)`.
        func column(_ index: Int) -> String { divisor == 1 ? "\(index)" : "($\(index)/\(number(divisor)))" }
        func scaled(_ value: Double) -> String { number(value / divisor) }
    }

    /// True when positive `values` span at least two decades: a log axis then
    /// shows the small ones instead of flattening them to the floor.
    static func spansDecades(_ values: [Double]) -> Bool {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return false }
        return high / low >= 100
    }

    /// Tick labels for a log axis of seconds, at the units people think in.
    static func durationTics(_ axis: String = "x", from low: Double, to high: Double) -> String {
        let marks: [(String, Double)] = [("1 µs", 1e-6), ("10 µs", 1e-5), ("100 µs", 1e-4), ("1 ms", 1e-3), ("10 ms", 0.01),
                                         ("100 ms", 0.1), ("1 s", 1), ("10 s", 10), ("1 min", 60), ("10 min", 600),
                                         ("1 h", 3600), ("6 h", 21_600), ("1 d", 86_400), ("1 wk", 604_800), ("30 d", 2_592_000)]
        // gnuplot widens a log range to whole decades; marks a decade beyond the data may still show.
        let inside = marks.filter { $0.1 >= low / 10 && $0.1 <= high * 10 }
        return "set \(axis)tics (" + inside.map { "\(quoted($0.0)) \(number($0.1))" }.joined(separator: ", ") + ")"
    }
}
