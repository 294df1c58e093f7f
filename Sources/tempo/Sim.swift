import ArgumentParser
import Foundation
import Queueing

struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a stand-alone queueing model on the simulation kernel.",
        subcommands: [MMc.self])
}

struct MMc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmc",
        abstract: "Simulate a FIFO M/M/c queue and compare it with Erlang C.",
        discussion: """
            Starts empty, admits exactly N Poisson arrivals, and runs until every customer has \
            departed. Rates are per second; times are printed in seconds. With --replications R \
            the measures are means over seeds S, S+1, … with 95% half-widths.
            """)

    @Option(help: "Arrival rate λ (customers per second).") var arrivalRate: Double
    @Option(help: "Service rate μ per server (customers per second).") var serviceRate: Double
    @Option(help: "Number of servers c.") var servers: Int
    @Option(help: "Number of arrivals N.") var customers: Int
    @Option(help: "Random seed S.") var seed: UInt64 = 1
    @Option(help: "Leading customers K excluded from the measures.") var warmup: Int = 0
    @Option(help: "Independent replications R.") var replications: Int = 1
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Flag(help: "Run even when λ ≥ cμ (the queue then grows without bound).") var allowUnstable = false

    func validate() throws {
        guard arrivalRate > 0, arrivalRate.isFinite else { throw ValidationError("--arrival-rate must be a positive number, got \(arrivalRate)") }
        guard serviceRate > 0, serviceRate.isFinite else { throw ValidationError("--service-rate must be a positive number, got \(serviceRate)") }
        guard servers >= 1 else { throw ValidationError("--servers must be at least 1, got \(servers)") }
        guard customers >= 1 else { throw ValidationError("--customers must be at least 1, got \(customers)") }
        guard (0..<customers).contains(warmup) else { throw ValidationError("--warmup must be in 0..<\(customers) (the number of customers), got \(warmup)") }
        guard replications >= 1 else { throw ValidationError("--replications must be at least 1, got \(replications)") }
        let rho = arrivalRate / (Double(servers) * serviceRate)
        if rho >= 1 && !allowUnstable {
            throw ValidationError("""
                unstable queue: λ = \(arrivalRate) ≥ cμ = \(Double(servers) * serviceRate) (utilisation \(rho)); \
                it never reaches steady state and waits grow without bound. Add servers, lower λ, \
                or pass --allow-unstable to run it anyway.
                """)
        }
    }

    func run() throws {
        let model = MMcSimulation(arrivalRate: arrivalRate, serviceRate: serviceRate, servers: servers,
                                  customers: customers, warmup: warmup, seed: seed)
        let summary = MMcExperiment(model: model, replications: replications).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary.json), as: UTF8.self))
            return
        }
        let m = summary.mean, h = summary.ci95
        let theory = arrivalRate < Double(servers) * serviceRate
            ? ErlangC(arrivalRate: arrivalRate, serviceRate: serviceRate, servers: servers) : nil
        func row(_ name: String, _ value: Double, _ half: Double, _ exact: Double?) -> String {
            let ci = replications > 1 ? String(format: "± %-10.4g", half) : String(repeating: " ", count: 12)
            let th = exact.map { String(format: "%12.6g", $0) } ?? String(repeating: " ", count: 12)
            return name.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%12.6g ", value) + ci + th
        }
        print("M/M/c  λ=\(arrivalRate)/s  μ=\(serviceRate)/s  c=\(servers)  N=\(customers)  warm-up=\(warmup)  seed=\(seed)  replications=\(replications)")
        print("measure".padding(toLength: 26, withPad: " ", startingAt: 0) + "   simulated" + (replications > 1 ? "  95% CI     " : "             ") + "  Erlang C")
        print("customers served".padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%12d", m.customers))
        print(row("mean wait in queue Wq (s)", m.meanWait, h.meanWait, theory?.meanWait))
        print(row("mean time in system W (s)", m.meanSojourn, h.meanSojourn, theory?.meanSojourn))
        print(row("probability of waiting", m.probabilityOfWaiting, h.probabilityOfWaiting, theory?.probabilityOfWaiting))
        print(row("utilisation", m.utilization, h.utilization, theory?.utilization))
        print(row("time in system p50 (s)", m.sojournP50, h.sojournP50, theory?.sojournPercentile(0.50)))
        print(row("time in system p95 (s)", m.sojournP95, h.sojournP95, theory?.sojournPercentile(0.95)))
        print(row("time in system p99 (s)", m.sojournP99, h.sojournP99, theory?.sojournPercentile(0.99)))
        print(String(format: "wall seconds %.3f   events %d per run   events/s %.0f", m.wallSeconds, m.events, m.eventsPerSecond))
    }
}
