import Foundation
import Measures

/// Writes a run's report from its results alone: `report.md`, a
/// self-contained `index.html`, `results.json`, and five gnuplot charts as
/// PNG and SVG with the `.gp` scripts and `.dat` files that drew them.
///
///     let warnings = try ReportWriter().write(results, to: "Reports/fraud")
///     for warning in warnings { print("warning: \(warning)") }
///
/// Without gnuplot the report is still written, with a note where each chart
/// would be; a script gnuplot rejects costs that chart, never the report.
public struct ReportWriter: Sendable {
    /// The gnuplot executable, or nil to write the scripts without drawing them.
    public let gnuplot: String?

    /// - Parameter gnuplot: a path to gnuplot; by default the first on `PATH`, nil when there is none.
    public init(gnuplot: String? = ReportWriter.findGnuplot()) {
        self.gnuplot = gnuplot
    }

    /// The first executable `gnuplot` on `PATH`, or nil.
    ///
    ///     let writer = ReportWriter(gnuplot: ReportWriter.findGnuplot())
    public static func findGnuplot() -> String? { GnuplotRunner.find() }

    /// Writes report.md, index.html, results.json, charts/*.png + *.svg, and
    /// the .gp and .dat files used, into `directory` (created if needed).
    ///
    ///     let warnings = try ReportWriter().write(results, to: "Reports/fraud")
    ///
    /// - Returns: warnings to show the user, one line each: gnuplot missing
    ///   (when there is a chart to draw), or a script it failed on with its
    ///   error output.
    /// - Throws: `ReportWriter.Failure` when a file cannot be written.
    public func write(_ results: RunResults, to directory: String) throws -> [String] {
        let chartsDirectory = directory + "/charts"
        try createDirectory(chartsDirectory)
        try write(ResultsJSON.encode(results), to: directory + "/results.json")

        let charts = Chart.all(for: results)
        for chart in charts {
            try write(Data(chart.script.utf8), to: "\(chartsDirectory)/\(chart.scriptFile)")
            try write(Data(chart.data.utf8), to: "\(chartsDirectory)/\(chart.dataFile)")
        }
        // Images from an earlier run must not pass for this run's, nor files of a chart that now has no data.
        let drawnNames = Set(charts.map(\.name))
        for (name, _) in Chart.catalogue {
            let stale = drawnNames.contains(name) ? ["png", "svg"] : ["png", "svg", "gp", "dat"]
            for ext in stale { try? FileManager.default.removeItem(atPath: "\(chartsDirectory)/\(name).\(ext)") }
        }

        var warnings: [String] = []
        var states: [String: ChartEntry.State] = [:]
        if let gnuplot, FileManager.default.isExecutableFile(atPath: gnuplot) {
            let runner = GnuplotRunner(executable: gnuplot)
            for chart in charts {
                if let failure = runner.run(script: chart.scriptFile, in: chartsDirectory)
                    ?? missingOutput(of: chart, in: chartsDirectory) {
                    warnings.append("gnuplot failed on \(chartsDirectory)/\(chart.scriptFile): \(failure)")
                    states[chart.name] = .notRendered("gnuplot failed on \(chart.scriptFile)")
                } else {
                    states[chart.name] = .rendered
                }
            }
        } else if !charts.isEmpty {
            let which = gnuplot.map { "gnuplot not found at \($0)" } ?? "gnuplot not found"
            warnings.append("\(which): charts not rendered; the .gp files are in \(chartsDirectory) (run `gnuplot NAME.gp` there)")
            for chart in charts { states[chart.name] = .notRendered("gnuplot was not found") }
        }

        let entries = Chart.catalogue.map { name, title in
            let chart = charts.first { $0.name == name }
            return ChartEntry(name: name, title: chart?.title ?? title, caption: chart?.caption ?? "",
                              state: states[name] ?? .noData)
        }
        try write(Data(MarkdownPage.render(results, charts: entries).utf8), to: directory + "/report.md")
        try write(Data(HTMLPage.render(results, charts: entries, chartsDirectory: chartsDirectory).utf8),
                  to: directory + "/index.html")
        return warnings
    }

    /// Writes `Reports/index.html`: a compact table per scenario, each linking to its full report.
    ///
    ///     try ReportWriter().writeIndex([(fraud, "Reports/fraud/index.html")], to: "Reports/index.html")
    ///
    /// - Parameter runs: each run's results and the path of its report page,
    ///   absolute or relative to the current directory; links are made relative to the index.
    public func writeIndex(_ runs: [(results: RunResults, reportPath: String)], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try createDirectory(directory.isEmpty ? "." : directory)
        let linked = runs.map { (results: $0.results,
                                 href: ScenarioIndexPage.relativeHref(to: $0.reportPath, from: directory.isEmpty ? "." : directory)) }
        try write(Data(ScenarioIndexPage.render(linked).utf8), to: path)
    }

    /// A file could not be written: which, and the system's reason.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason); check that the folder is writable" }
    }

    /// gnuplot can exit 0 yet write nothing (a `set output` it could not open): check both images.
    private func missingOutput(of chart: Chart, in directory: String) -> String? {
        for file in [chart.pngFile, chart.svgFile] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")[.size] as? Int) ?? nil
            if (size ?? 0) == 0 { return "it wrote no \(file)" }
        }
        return nil
    }

    private func createDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw Failure(path: path, reason: error.localizedDescription)
        }
    }

    private func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw Failure(path: path, reason: error.localizedDescription)
        }
    }
}
