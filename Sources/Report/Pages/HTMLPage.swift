import Foundation
import Measures

/// `index.html`: the report page, self-contained so it opens from disk and
/// can be mailed as one file: the charts' SVG is inlined, and the style sheet too.
///
///     let html = HTMLPage.render(results, charts: entries, chartsDirectory: "Reports/fraud/charts")
enum HTMLPage {
    static func render(_ results: RunResults, charts: [ChartEntry], chartsDirectory: String) -> String {
        document(title: "\(results.scenario): TempoLab report") { page in
            page.element("h1", text: "\(results.scenario): TempoLab report")
            if let description = results.description, !description.isEmpty {
                page.element("p", ["class": "description"], text: description)
            }
            page.element("h2", text: "Run")
            table(SummaryTable.parameters(results), into: &page)
            page.element("h2", text: "Value and cost")
            table(SummaryTable.valueAndCost(results), into: &page)
            page.element("h2", text: "Freshness, latency and quality")
            table(SummaryTable.freshnessAndLatency(results), into: &page)
            if let measured = SummaryTable.simulatedAndMeasuredLatency(results) {
                page.element("h2", text: "Latency: simulated and measured")
                table(measured, into: &page)
            }
            page.element("h2", text: "Findings")
            if results.findings.isEmpty {
                page.element("p", text: "No findings.")
            } else {
                page.element("ul") { list in for finding in results.findings { list.element("li", text: finding) } }
            }
            if let story = results.story {
                page.element("h2", text: "The expected story")
                if let summary = story.summary { page.element("p", text: summary) }
                page.element("p", text: (story.held ? "Every check held" : "Not every check held") + " on this run (\(story.file)):")
                table(SummaryTable.story(story), into: &page)
                if let note = story.note { page.element("p", text: note) }
            }
            page.element("h2", text: "Charts")
            for chart in charts { figure(chart, chartsDirectory: chartsDirectory, into: &page) }
            page.element("footer") { footer in
                footer.text("Files: ")
                footer.element("a", ["href": "report.md"], text: "report.md")
                footer.text(" · ")
                footer.element("a", ["href": "results.json"], text: "results.json")
            }
        }
    }

    /// A chart with its caption and links; the SVG inlined when it was drawn, a note when not.
    static func figure(_ chart: ChartEntry, chartsDirectory: String, into page: inout XHTMLWriter) {
        page.element("figure", ["id": chart.name]) { figure in
            figure.element("h3", text: chart.title)
            let svg: String? = chart.state == .rendered
                ? (try? String(contentsOfFile: "\(chartsDirectory)/\(chart.name).svg", encoding: .utf8))
                    .flatMap { InlineSVG.rootElement(of: $0, idPrefix: chart.name) }
                : nil
            switch chart.state {
            case .rendered where svg != nil:
                figure.element("div", ["class": "chart"]) { $0.trusted(svg!) }
            case .rendered:
                figure.element("p", ["class": "note"], text: "The SVG could not be read; see the PNG.")
            case .notRendered(let why):
                figure.element("p", ["class": "note"], text: "Chart not rendered: \(why). Run the gnuplot script below in charts/ to draw it.")
            case .noData:
                figure.element("p", ["class": "note"], text: "No engine has data for this chart.")
            }
            guard chart.state != .noData else { return }
            figure.element("figcaption") { caption in
                caption.text(chart.caption + " ")
                var links: [(String, String)] = []
                if chart.state == .rendered { links += [("PNG", chart.pngPath), ("SVG", chart.svgPath)] }
                links += [("gnuplot script", chart.scriptPath), ("data", chart.dataPath)]
                for (i, link) in links.enumerated() {
                    if i > 0 { caption.text(" · ") }
                    caption.element("a", ["href": link.1], text: link.0)
                }
            }
        }
    }

    static func table(_ table: SummaryTable, into page: inout XHTMLWriter) {
        page.element("table") { t in
            t.element("thead") { head in
                head.element("tr") { row in
                    for column in table.columns { row.element("th", column.numeric ? ["class": "num"] : [:], text: column.header) }
                }
            }
            t.element("tbody") { body in
                for cells in table.rows {
                    body.element("tr") { row in
                        for (column, cell) in zip(table.columns, cells) {
                            row.element("td", column.numeric ? ["class": "num"] : [:], text: cell)
                        }
                    }
                }
            }
        }
    }

    /// A whole page: DOCTYPE for standards mode in browsers, the XHTML
    /// namespace so it also reads as XML, and the shared style sheet.
    static func document(title: String, _ body: (inout XHTMLWriter) -> Void) -> String {
        var page = XHTMLWriter()
        page.element("html", ["xmlns": "http://www.w3.org/1999/xhtml", "lang": "en"]) { html in
            html.element("head") { head in
                head.empty("meta", ["charset": "utf-8"])
                head.empty("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                head.element("title", text: title)
                head.element("style") { $0.trusted(styleSheet) }
            }
            html.element("body", [:], body)
        }
        return "<!DOCTYPE html>\n" + page.markup
    }

    /// Plain CSS with no `<`, `>` or `&`, so it is the same text to an HTML and an XML parser.
    static let styleSheet = """

        body { font-family: system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif; max-width: 72rem;
               margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1.05rem; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
        th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; } .num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1.5rem 0; } .chart svg { max-width: 100%; height: auto; }
        figcaption { font-size: 0.9rem; color: #555; } .note { color: #8a5a00; font-style: italic; }
        footer { margin-top: 3rem; font-size: 0.85rem; color: #666; }

        """
}
