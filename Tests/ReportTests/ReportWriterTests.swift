import Foundation
import Measures
import Report
import Testing

struct ReportWriterTests {
    static let charts = ["value_vs_cost", "staleness", "latency_cdf", "value_decay", "cost_breakdown"]
    static let gnuplot = ReportWriter.findGnuplot()

    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Every link and image the page names exists beside it, and every `#fragment` names an id on the page.
    func expectLinksResolve(_ page: ParsedPage, from directory: String) {
        for link in page.links {
            if link.hasPrefix("#") {
                #expect(page.ids.contains(String(link.dropFirst())), "dangling fragment \(link)")
            } else {
                let path = directory + "/" + (link.removingPercentEncoding ?? link)
                #expect(FileManager.default.fileExists(atPath: path), "\(link) does not exist")
            }
        }
        #expect(Set(page.ids).count == page.ids.count, "ids repeat across inlined charts")
    }

    @Test(.enabled(if: gnuplot != nil, "gnuplot is not installed"))
    func writesEveryFileWithGnuplot() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let warnings = try ReportWriter(gnuplot: Self.gnuplot).write(SampleResults.run, to: directory)
        #expect(warnings == [])
        for file in ["report.md", "index.html", "results.json"] { #expect(size("\(directory)/\(file)") > 0, "\(file)") }
        for chart in Self.charts {
            for ext in ["gp", "dat", "png", "svg"] { #expect(size("\(directory)/charts/\(chart).\(ext)") > 0, "\(chart).\(ext)") }
        }

        let page = try ParsedPage(path: "\(directory)/index.html")
        #expect(page.error == nil)
        #expect(page.elements["svg"] == Self.charts.count, "every chart is inlined")
        expectLinksResolve(page, from: directory)

        let markdown = try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
        for chart in Self.charts { #expect(markdown.contains("](charts/\(chart).svg)")) }
        #expect(markdown.contains("| nightly_batch | batch | 120,000 | $812,346 ± $10,235 | 71.3% | $48.20 | $0.0042 | 16,854 |"))
        #expect(markdown.contains("- realtime earns 96.7%"))
        #expect(markdown.contains("| scale | 0.01 |") && markdown.contains("| horizon | 24 h |"))
        #expect(markdown.contains("| realtime | 99.96% | 450 ms | 400 ms | 1.30 s | 14.0 ms | 88.0 ms | 210 ms | 0.902 | 3 | 46 |"))
        #expect(markdown.contains("| baseline | 100.0% | — | — | — |"))
        #expect(markdown.contains("| scenario sha256 | " + String(repeating: "ab", count: 32) + " |"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/results.json")) == ResultsJSON.encode(SampleResults.run))
    }

    @Test func rendersWithoutGnuplot() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let warnings = try ReportWriter(gnuplot: "/nonexistent").write(SampleResults.run, to: directory)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("gnuplot not found") == true)
        #expect(warnings.first?.contains("\(directory)/charts") == true)
        for file in ["report.md", "index.html", "results.json"] { #expect(size("\(directory)/\(file)") > 0, "\(file)") }
        for chart in Self.charts {
            #expect(size("\(directory)/charts/\(chart).gp") > 0 && size("\(directory)/charts/\(chart).dat") > 0)
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/charts/\(chart).png"))
        }
        let page = try ParsedPage(path: "\(directory)/index.html")
        #expect(page.error == nil)
        #expect(page.elements["svg"] == nil)
        #expect(page.text.contains("Chart not rendered: gnuplot was not found"))
        expectLinksResolve(page, from: directory)
        // The description's markup characters arrive as text, not as tags.
        #expect(page.text.contains("block a payment <before> it settles & the money is gone"))
    }

    /// The expectation file's story appears in both pages, with each check's verdict and the note.
    @Test func theExpectedStoryIsShownWithItsVerdicts() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var results = SampleResults.run
        results.story = .init(file: "Scenarios/x.expect.yaml", summary: "Real time wins.", note: "Because <reasons> & more.", checks: [
            .init(engine: "rt", measure: "value_pct_of_oracle", expected: "≥ 95", measured: 99.5, passed: true),
            .init(engine: "nightly", measure: "sla_misses", expected: "≥ 1", measured: nil, passed: false),
        ])
        _ = try ReportWriter(gnuplot: "/nonexistent").write(results, to: directory)
        let markdown = try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
        #expect(markdown.contains("## The expected story\n\nReal time wins."))
        #expect(markdown.contains("**Not every check held** on this run (`Scenarios/x.expect.yaml`)"))
        #expect(markdown.contains("| rt | value_pct_of_oracle | ≥ 95 | 99.5 | held |"))
        #expect(markdown.contains("| nightly | sla_misses | ≥ 1 | — | did not hold |"))
        let page = try ParsedPage(path: "\(directory)/index.html")
        #expect(page.error == nil)
        #expect(page.text.contains("Because <reasons> & more."))
        #expect(page.text.contains("did not hold"))
    }

    @Test func gnuplotFailureIsAWarningNamingTheScript() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failing = directory + "/failing-gnuplot"
        try "#!/bin/sh\necho \"line 12: undefined variable: nope\" >&2\nexit 1\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)

        let warnings = try ReportWriter(gnuplot: failing).write(SampleResults.run, to: directory)
        #expect(warnings.count == Self.charts.count)
        for chart in Self.charts {
            #expect(warnings.contains { $0.contains("\(chart).gp") && $0.contains("line 12: undefined variable: nope") })
        }
        #expect(try ParsedPage(path: "\(directory)/index.html").error == nil)
    }

    @Test func enginesWithoutDataAreLeftOutOfCharts() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try ReportWriter(gnuplot: nil).write(SampleResults.run, to: directory)
        func data(_ chart: String) throws -> String { try String(contentsOfFile: "\(directory)/charts/\(chart).dat", encoding: .utf8) }
        #expect(try !data("staleness").contains("# baseline"))
        #expect(try !data("staleness").contains("# oracle"), "never stale: nothing to draw on a log axis")
        #expect(try data("staleness").contains("# nightly_batch"))
        #expect(try !data("latency_cdf").contains("# baseline"))
        #expect(try !data("cost_breakdown").contains("baseline"))
        // The frontier: baseline (free), nightly_batch, realtime; the oracle is a line, not a point.
        #expect(try data("value_vs_cost").contains("# Pareto frontier: baseline, nightly_batch, realtime"))
        let markdown = try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
        #expect(markdown.contains("Left out (no data): baseline."))
    }

    @Test func aRunWithoutEnginesStillReports() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var empty = SampleResults.run
        empty.engines = []
        #expect(try ReportWriter(gnuplot: Self.gnuplot).write(empty, to: directory) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/charts") == [])
        let page = try ParsedPage(path: "\(directory)/index.html")
        #expect(page.error == nil)
        #expect(page.text.components(separatedBy: "No engine has data for this chart.").count == Self.charts.count + 1)
    }

    @Test func indexLinksEachReport() throws {
        let directory = try SampleResults.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = ReportWriter(gnuplot: nil)
        var churn = SampleResults.run
        churn.scenario = "churn"
        churn.description = nil
        _ = try writer.write(SampleResults.run, to: "\(directory)/fraud")
        _ = try writer.write(churn, to: "\(directory)/churn")
        try writer.writeIndex([(SampleResults.run, "\(directory)/fraud/index.html"), (churn, "\(directory)/churn/index.html")],
                              to: "\(directory)/index.html")
        let page = try ParsedPage(path: "\(directory)/index.html")
        #expect(page.error == nil)
        #expect(page.links == ["fraud/index.html", "churn/index.html"])
        #expect(page.elements["table"] == 2)
        expectLinksResolve(page, from: directory)
    }
}
