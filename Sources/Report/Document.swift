import Foundation

/// A report page other than a run's — a sweep, the claims — written with the
/// run report's conventions: the same gnuplot style and colours, charts kept
/// beside their `.gp` and `.dat`, `report.md` with pipe tables and a
/// self-contained `index.html` with the SVG inlined.
///
///     var doc = ReportDocument(title: "fraud: sweep")
///     doc.blocks = [.paragraph("16 points"), .chart(chart)]
///     let warnings = try ReportWriter(gnuplot: gnuplot).write(doc, to: "Reports/fraud/sweep")
public struct ReportDocument: Sendable {
    public enum Block: Sendable {
        case heading(String)
        case paragraph(String)
        case list([String])
        /// A table; `numeric` columns are right-aligned.
        case table(headers: [String], numeric: [Bool], rows: [[String]])
        case chart(ReportChart)
    }

    public var title: String
    public var blocks: [Block]

    public init(title: String, blocks: [Block] = []) {
        self.title = title
        self.blocks = blocks
    }
}

/// One gnuplot chart: the data file, the chart's own settings and the
/// elements of its `plot` command; the shared style, terminals and outputs
/// are added as for the run report's charts.
///
///     ReportChart(name: "cost_vs_servers", title: "Cost per day against servers", caption: "…",
///                 data: ReportChart.blocks([("rt", [[1, 4.1], [2, 8.2]])], header: "servers, $/day"),
///                 settings: ["set xlabel 'servers'"], elements: ["'cost_vs_servers.dat' index 0 with linespoints lt 1 title 'rt'"])
public struct ReportChart: Sendable {
    public var name: String
    public var title: String
    public var caption: String
    public var data: String
    public var settings: [String]
    public var elements: [String]

    public init(name: String, title: String, caption: String, data: String, settings: [String], elements: [String]) {
        self.name = name; self.title = title; self.caption = caption; self.data = data
        self.settings = settings; self.elements = elements
    }

    /// Data blocks separated by two blank lines, addressed in a plot as `index i`.
    public static func blocks(_ blocks: [(comment: String, rows: [[Double]])], header: String) -> String {
        Gnuplot.blocks(blocks, header: header)
    }

    /// A single-quoted gnuplot string.
    public static func quoted(_ text: String) -> String { Gnuplot.quoted(text) }

    /// The line type of series `index`, so series keep their colours from chart to chart.
    public static func lineType(_ index: Int) -> Int { Gnuplot.lineType(engineAt: index) }

    /// True when positive `values` span two decades or more: a log axis reads better.
    public static func spansDecades(_ values: [Double]) -> Bool { Gnuplot.spansDecades(values) }

    var chart: Chart { Chart(name: name, title: title, caption: caption, data: data, plot: GnuplotPlot(settings: settings, elements: elements)) }
}

extension ReportWriter {
    /// Writes `report.md`, `index.html` and `charts/` for a document into
    /// `directory`; returns warnings (gnuplot missing or failing), one line each.
    public func write(_ document: ReportDocument, to directory: String) throws -> [String] {
        let chartsDirectory = directory + "/charts"
        let charts = document.blocks.compactMap { block -> Chart? in
            if case .chart(let c) = block { return c.chart }
            return nil
        }
        if !charts.isEmpty { try FileManager.default.createDirectory(atPath: chartsDirectory, withIntermediateDirectories: true) }
        for chart in charts {
            try Data(chart.script.utf8).write(to: URL(fileURLWithPath: "\(chartsDirectory)/\(chart.scriptFile)"), options: .atomic)
            try Data(chart.data.utf8).write(to: URL(fileURLWithPath: "\(chartsDirectory)/\(chart.dataFile)"), options: .atomic)
            for ext in ["png", "svg"] { try? FileManager.default.removeItem(atPath: "\(chartsDirectory)/\(chart.name).\(ext)") }
        }
        var warnings: [String] = []
        var drawn: Set<String> = []
        if let gnuplot, FileManager.default.isExecutableFile(atPath: gnuplot) {
            let runner = GnuplotRunner(executable: gnuplot)
            for chart in charts {
                if let failure = runner.run(script: chart.scriptFile, in: chartsDirectory) {
                    warnings.append("gnuplot failed on \(chartsDirectory)/\(chart.scriptFile): \(failure)")
                } else {
                    drawn.insert(chart.name)
                }
            }
        } else if !charts.isEmpty {
            warnings.append("gnuplot not found: charts not rendered; the .gp files are in \(chartsDirectory) (run `gnuplot NAME.gp` there)")
        }
        try Data(markdown(document, drawn: drawn).utf8).write(to: URL(fileURLWithPath: directory + "/report.md"), options: .atomic)
        try Data(html(document, drawn: drawn, chartsDirectory: chartsDirectory).utf8)
            .write(to: URL(fileURLWithPath: directory + "/index.html"), options: .atomic)
        return warnings
    }

    /// The document as Markdown, charts as links to `charts/NAME.svg`.
    public func markdown(_ document: ReportDocument, drawn: Set<String>) -> String {
        var out = "# \(document.title)\n"
        for block in document.blocks {
            switch block {
            case .heading(let text): out += "\n## \(MarkdownPage.oneLine(text))\n"
            case .paragraph(let text): out += "\n\(text)\n"
            case .list(let items): out += "\n" + items.map { "- " + MarkdownPage.oneLine($0) + "\n" }.joined()
            case .table(let headers, let numeric, let rows):
                out += "\n| " + headers.map(MarkdownPage.cell).joined(separator: " | ") + " |\n"
                out += "|" + headers.indices.map { (numeric.indices.contains($0) && numeric[$0]) ? "---:|" : "---|" }.joined() + "\n"
                out += rows.map { "| " + $0.map(MarkdownPage.cell).joined(separator: " | ") + " |\n" }.joined()
            case .chart(let c):
                let entry = ChartEntry(name: c.name, title: c.title, caption: c.caption, state: drawn.contains(c.name) ? .rendered : .notRendered(""))
                out += "\n### \(c.title)\n\n"
                out += drawn.contains(c.name)
                    ? "![\(c.title)](\(entry.svgPath))\n\n\(c.caption) [PNG](\(entry.pngPath)) · [gnuplot script](\(entry.scriptPath)) · [data](\(entry.dataPath))\n"
                    : "_Not rendered._ \(c.caption) [gnuplot script](\(entry.scriptPath)) · [data](\(entry.dataPath))\n"
            }
        }
        return out
    }

    func html(_ document: ReportDocument, drawn: Set<String>, chartsDirectory: String) -> String {
        HTMLPage.document(title: document.title) { page in
            page.element("h1", text: document.title)
            for block in document.blocks {
                switch block {
                case .heading(let text): page.element("h2", text: text)
                case .paragraph(let text): page.element("p", text: text)
                case .list(let items): page.element("ul") { list in for item in items { list.element("li", text: item) } }
                case .table(let headers, let numeric, let rows):
                    let columns = headers.enumerated().map { ($0.element, numeric.indices.contains($0.offset) && numeric[$0.offset]) }
                    HTMLPage.table(SummaryTable(columns, rows: rows), into: &page)
                case .chart(let c):
                    let state: ChartEntry.State = drawn.contains(c.name) ? .rendered : .notRendered(gnuplot == nil ? "gnuplot was not found" : "gnuplot failed")
                    HTMLPage.figure(ChartEntry(name: c.name, title: c.title, caption: c.caption, state: state),
                                    chartsDirectory: chartsDirectory, into: &page)
                }
            }
        }
    }
}
