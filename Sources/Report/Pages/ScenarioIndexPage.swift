import Foundation
import Measures

/// `Reports/index.html`: several scenarios side by side, a compact table per
/// scenario and a link to each full report.
///
///     let html = ScenarioIndexPage.render(runs.map { ($0.results, $0.href) })
enum ScenarioIndexPage {
    /// `href` is each report's path relative to the index page.
    static func render(_ runs: [(results: RunResults, href: String)]) -> String {
        HTMLPage.document(title: "TempoLab reports") { page in
            page.element("h1", text: "TempoLab reports")
            page.element("p", text: runs.isEmpty ? "No runs yet." : "\(runs.count) scenario\(runs.count == 1 ? "" : "s"); each links to its full report.")
            for run in runs {
                let r = run.results
                page.element("section", ["id": "scenario-\(r.scenario)"]) { section in
                    section.element("h2") { $0.element("a", ["href": run.href], text: r.scenario) }
                    if let description = r.description, !description.isEmpty {
                        section.element("p", ["class": "description"], text: description)
                    }
                    section.element("p", text: "workload \(r.workload) · seed \(r.seed) · scale \(ReadableNumber.decimal(r.scale, trimmingZeros: true))"
                                    + " · horizon \(ReadableNumber.duration(seconds: r.horizonSeconds, trimmingZeros: true))"
                                    + " · cost profile \(r.costProfile) · code \(r.codeVersion)")
                    HTMLPage.table(SummaryTable.overview(r), into: &section)
                }
            }
        }
    }

    /// `target` as a link from a page in `directory`: both made absolute
    /// against the current directory, then the shared folders dropped.
    ///
    ///     relativeHref(to: "Reports/fraud/index.html", from: "Reports")   // "fraud/index.html"
    static func relativeHref(to target: String, from directory: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        func parts(_ path: String) -> [String] {
            let absolute = path.hasPrefix("/") ? path : here + "/" + path
            return URL(fileURLWithPath: absolute).standardizedFileURL.pathComponents.filter { $0 != "/" }
        }
        let to = parts(target), from = parts(directory)
        let shared = zip(to, from).prefix { $0 == $1 }.count
        let path = Array(repeating: "..", count: from.count - shared) + to.dropFirst(shared)
        return path.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }.joined(separator: "/")
    }
}
