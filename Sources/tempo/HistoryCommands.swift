import ArgumentParser
import Foundation
import Results

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs recorded in the results database, newest first.")
    @Option(help: "The results database.") var database = "Reports/tempo.sqlite"
    @Option(help: "Only runs of this scenario.") var scenario: String?
    @Option(help: "How many runs to list.") var limit = 20

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else {
            printError("\(database): error: no results database yet; `tempo run` creates it")
            throw ExitCode(1)
        }
        let runs = try ResultsDatabase(path: database).runs(limit: limit, scenario: scenario)
        print("run  scenario        seed       scale  reps  engines  wall s   code         started")
        for r in runs {
            print(String(r.id).padding(toLength: 5, withPad: " ", startingAt: 0) + r.scenario.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(r.seed).padding(toLength: 11, withPad: " ", startingAt: 0)
                  + String(format: "%-6g %4d  %7d  %7.1f  ", r.scale, r.replications, r.engines, r.wallSeconds)
                  + r.codeVersion.padding(toLength: 16, withPad: " ", startingAt: 0) + r.startedAt)
        }
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print two runs' measures side by side with their differences.")
    @Argument(help: "The first run's id (see `tempo history`).") var runA: Int64
    @Argument(help: "The second run's id.") var runB: Int64
    @Option(help: "The results database.") var database = "Reports/tempo.sqlite"
    @Option(help: "Measures to show (comma-separated; default the headline ones).")
    var measures = "value,value_pct_of_oracle,cost_per_day,value_per_dollar,on_time_rate,staleness_mean_s,latency_p99_ms,auc,failures,sla_misses"

    func run() throws {
        let db = try ResultsDatabase(path: database)
        let a: [String: [String: Double?]], b: [String: [String: Double?]]
        do {
            a = try db.measures(run: runA)
            b = try db.measures(run: runB)
        } catch let error as ResultsError {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let names = measures.split(separator: ",").map(String.init)
        print("engine        measure                   run \(runA)          run \(runB)        change")
        for engine in Set(a.keys).union(b.keys).sorted() {
            for m in names {
                let x = a[engine]?[m] ?? nil, y = b[engine]?[m] ?? nil
                guard x != nil || y != nil else { continue }
                func show(_ v: Double?) -> String { v.map { String(format: "%14.4g", $0) } ?? String(repeating: " ", count: 13) + "—" }
                var change = ""
                if let x, let y { change = x != 0 ? String(format: "%+.1f%%", 100 * (y - x) / abs(x)) : String(format: "%+.4g", y - x) }
                print(engine.padding(toLength: 13, withPad: " ", startingAt: 0) + " " + m.padding(toLength: 22, withPad: " ", startingAt: 0)
                      + show(x) + show(y) + "   " + change)
            }
        }
    }
}
