import ArgumentParser
import Foundation
import Live
import ScenarioSpec
import SimKernel
import Simulation

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a prediction server the way MLPerf LoadGen does: open-loop Poisson arrivals, latency from each request's scheduled time.",
        discussion: """
            Requests are the scenario workload's own decision points (--scenario, default Scenarios/<workload>.yaml). \
            Passes when every request was answered 2xx and the samples support the latency claim \
            (p99 ≤ --target-p99 at 99% confidence, LoadGen's early-stopping rule); exit 1 otherwise. \
            Loopback only unless --allow-remote; at most 600 s.
            """)

    @Argument(help: "The endpoint, e.g. http://127.0.0.1:8080/predict/fraud.") var url: String
    @Option(help: "Arrival rate, e.g. 5000/s.") var rate = "1000/s"
    @Option(help: "How long to send, e.g. 30s (at most 600s).") var duration = "10s"
    @Option(help: "Keep-alive connections.") var connections = 16
    @Option(help: "The scenario whose workload the requests come from.") var scenario: String?
    @Option(help: "Override the scenario's scale (must match the server's).") var scale: Double?
    @Option(help: "open (Poisson schedule) or closed (each connection sends on each answer).") var mode = "open"
    @Option(name: .customLong("target-p99"), help: "The p99 latency the run must meet.") var targetP99 = "10ms"
    @Option(help: "Seed of the arrival schedule.") var seed: UInt64 = 1
    @Option(help: "Event-loop threads of the generator.") var threads = 1
    @Option(help: "Write the measured service-time distribution as a latency profile.") var saveProfile: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Allow a non-loopback target.") var allowRemote = false

    static let maxSeconds = 600.0

    func parsedRate() throws -> Double {
        do { return try Rate(parsing: rate).perSecond } catch { throw ValidationError("--rate: \(error)") }
    }
    func parsedDuration() throws -> Double {
        do { return try SimDuration(parsing: duration).seconds } catch { throw ValidationError("--duration: \(error)") }
    }

    func validate() throws {
        let r = try parsedRate(), d = try parsedDuration()
        guard r > 0 && r <= 1_000_000 else { throw ValidationError("--rate must be in (0, 1000000]/s, got \(rate)") }
        guard d > 0 && d <= Self.maxSeconds else { throw ValidationError("--duration must be positive and at most 600s, got \(duration)") }
        guard (1...4096).contains(connections) else { throw ValidationError("--connections must be in 1...4096, got \(connections)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64, got \(threads)") }
        guard LoadOptions.Mode(rawValue: mode) != nil else { throw ValidationError("--mode takes open or closed, got '\(mode)'") }
        do { _ = try SimDuration(parsing: targetP99) } catch { throw ValidationError("--target-p99: \(error)") }
        do { _ = try LoadTarget(parsing: url, allowRemote: allowRemote) } catch { throw ValidationError("\(error)") }
        if let scale, !(0.001...1).contains(scale) { throw ValidationError("--scale must be in 0.001...1, got \(scale)") }
    }

    func run() async throws {
        let target = try LoadTarget(parsing: url, allowRemote: allowRemote)
        let file = scenario ?? target.workloadName.map { "Scenarios/\($0).yaml" } ?? ""
        guard FileManager.default.fileExists(atPath: file) else {
            printError("error: no scenario to draw requests from; pass --scenario FILE (looked for '\(file)')")
            throw ExitCode(1)
        }
        let plan: SimulationPlan
        do { plan = try SimulationPlan.load(path: file, scale: scale) } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        if let name = target.workloadName, name != plan.workload.kind.rawValue {
            printError("warning: \(file) is a \(plan.workload.kind.rawValue) scenario but the URL names /predict/\(name)")
        }
        var options = LoadOptions(target: target, bodies: RequestPool.bodies(plan))
        guard !options.bodies.isEmpty else {
            printError("\(file): error: the workload produced no decision points to send")
            throw ExitCode(1)
        }
        options.rate = try parsedRate()
        options.seconds = try parsedDuration()
        options.connections = connections
        options.mode = LoadOptions.Mode(rawValue: mode)!
        options.seed = seed
        options.threads = threads
        options.targetMicroseconds = try SimDuration(parsing: targetP99).microseconds
        if !json {
            printError("\(options.mode == .open ? "open loop, Poisson at \(rate)" : "closed loop") for \(duration) over \(connections) connections, "
                       + "\(options.bodies.count) distinct requests from \(file), schedule seed \(seed)")
        }
        let result: LoadResult
        do { result = try await LoadGenerator.run(options) } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            var shown = result
            shown.serviceBuckets = []
            print(String(decoding: try encoder.encode(shown), as: UTF8.self))
        } else {
            print(LoadReportText.render(result))
        }
        if let saveProfile {
            guard let profile = result.profile else {
                printError("error: no request was answered; no profile written")
                throw ExitCode(1)
            }
            let stamp = ISO8601DateFormatter().string(from: Date())
            try writeAtomically(profile.yaml(measuredOn: "\(ProcessInfo.processInfo.hostName) at \(stamp)", target: result.target,
                                             notes: ["scenario \(file), seed \(seed)"]), to: saveProfile)
            if !json { print("wrote \(saveProfile)") }
        }
        if !result.passed { throw ExitCode(1) }
    }
}
