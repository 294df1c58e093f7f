import Measures

/// `report.md`: the run's parameters, the summary tables, the findings, and
/// the charts as SVG images beside it.
///
///     let text = MarkdownPage.render(results, charts: entries)
enum MarkdownPage {
    static func render(_ results: RunResults, charts: [ChartEntry]) -> String {
        var out = "# \(results.scenario): TempoLab report\n\n"
        if let description = results.description, !description.isEmpty { out += description + "\n\n" }
        out += "## Run\n\n" + table(SummaryTable.parameters(results))
        out += "\n## Value and cost\n\n" + table(SummaryTable.valueAndCost(results))
        out += "\n## Freshness, latency and quality\n\n" + table(SummaryTable.freshnessAndLatency(results))
        if let measured = SummaryTable.simulatedAndMeasuredLatency(results) {
            out += "\n## Latency: simulated and measured\n\n" + table(measured)
        }
        out += "\n## Findings\n\n"
        out += results.findings.isEmpty ? "No findings.\n" : results.findings.map { "- " + oneLine($0) + "\n" }.joined()
        if let story = results.story {
            out += "\n## The expected story\n\n"
            if let summary = story.summary { out += oneLine(summary) + "\n\n" }
            out += (story.held ? "Every check held" : "**Not every check held**") + " on this run (`\(story.file)`):\n\n"
            out += table(SummaryTable.story(story))
            if let note = story.note { out += "\n" + oneLine(note) + "\n" }
        }
        out += "\n## Charts\n"
        for chart in charts {
            out += "\n### \(chart.title)\n\n"
            switch chart.state {
            case .rendered:
                out += "![\(chart.title)](\(chart.svgPath))\n\n\(chart.caption) [PNG](\(chart.pngPath)) · "
                    + "[gnuplot script](\(chart.scriptPath)) · [data](\(chart.dataPath))\n"
            case .notRendered(let why):
                out += "_Not rendered: \(why)._ \(chart.caption) [gnuplot script](\(chart.scriptPath)) · [data](\(chart.dataPath))\n"
            case .noData:
                out += "_No engine has data for this chart._\n"
            }
        }
        out += "\n---\n\nResults: [results.json](results.json) · HTML: [index.html](index.html)\n"
        return out
    }

    /// A pipe table; numeric columns right-aligned.
    static func table(_ table: SummaryTable) -> String {
        let header = "| " + table.columns.map { cell($0.header) }.joined(separator: " | ") + " |\n"
        let rule = "|" + table.columns.map { $0.numeric ? "---:|" : "---|" }.joined() + "\n"
        return header + rule + table.rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |\n" }.joined()
    }

    /// A cell cannot hold a pipe or a line break.
    static func cell(_ text: String) -> String { oneLine(text).replacingOccurrences(of: "|", with: "\\|") }

    static func oneLine(_ text: String) -> String { String(text.map { $0.isNewline ? " " : $0 }) }
}
