import ArgumentParser
import Foundation
import Live
import ScenarioSpec
import SimKernel
import Simulation

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a scenario's real-time engine over HTTP: warm up, then answer POST /predict/<workload>.",
        discussion: """
            Warms up as a run does (the workload's warm-up period, models fitted, online store materialised by the \
            engine's own feature stream), then serves until SIGTERM or SIGINT. Endpoints: POST /predict/<workload>, \
            GET /healthz, GET /metrics (Prometheus). Build with -c release for meaningful latencies.
            """)

    @Argument(help: "The scenario file.") var file: String
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Requests handled at once; more are answered 503.") var maxInFlight = Self.defaults.maxInFlight
    @Option(help: "Open client connections at once; past it new ones wait in the listen backlog until one closes.")
    var maxConnections = Self.defaults.maxConnections
    @Option(help: "Close a keep-alive connection that has sent no request for this long.")
    var idleTimeout = SimDuration(seconds: Self.defaults.idleTimeout.seconds).description
    @Option(help: "Close a connection whose request is not answered within this long of its first byte, or of connecting for the first request (clients that trickle a request, or connect and send nothing).")
    var requestTimeout = SimDuration(seconds: Self.defaults.requestTimeout.seconds).description
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?
    @Option(help: "Which realtime engine of the scenario to serve (default: its first).") var engine: String?
    @Option(help: "Override the scenario's scale (0.001...1).") var scale: Double?
    @Option(help: "Override the scenario's seed.") var seed: UInt64?
    @Flag(help: "Allow binding a non-loopback address.") var allowRemote = false
    @Option(help: "Also write the fraud engine's features, weights and decision rule as JSON (for Benchmarks/fastapi_reference.py).")
    var exportReference: String?

    static let defaults = PredictionServer.Options()

    /// A timeout option as a duration: positive, at most an hour.
    static func timeout(_ text: String, _ flag: String) throws -> Duration {
        let d: SimDuration
        do { d = try SimDuration(parsing: text) } catch { throw ValidationError("\(flag): \(error)") }
        guard d > .zero && d <= .hours(1) else { throw ValidationError("\(flag) must be positive and at most 1h, got \(text)") }
        return .microseconds(d.microseconds)
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
        guard maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1, got \(maxInFlight)") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1, got \(maxConnections)") }
        _ = try Self.timeout(idleTimeout, "--idle-timeout")
        _ = try Self.timeout(requestTimeout, "--request-timeout")
        if let scale, !(0.001...1).contains(scale) { throw ValidationError("--scale must be in 0.001...1, got \(scale)") }
        if !allowRemote && !LoadTarget.isLoopback(host) {
            throw ValidationError("--host \(host) is not a loopback address; pass --allow-remote to bind it")
        }
    }

    func run() async throws {
        let plan: SimulationPlan
        do { plan = try SimulationPlan.load(path: file, scale: scale, seed: seed) } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        printError("warming up \(plan.scenario.name): \(plan.scenario.warmup) of the \(plan.workload.kind.rawValue) workload at scale \(plan.scenario.scale), seed \(plan.scenario.seed)…")
        let model: LiveModel
        do { model = try LiveModel.warmUp(plan, engine: engine) } catch {
            printError("\(file): error: \(error)")
            throw ExitCode(1)
        }
        printError(String(format: "warm-up done in %.1f s: engine %@, model %@ (%d training rows), %d entities in the online store, features as of %@",
                          model.warmUpSeconds, model.engine, model.state.decider.version, model.trainingRows,
                          model.state.storedEntities, model.state.featuresAsOf.description))
        if let exportReference {
            do { try ReferenceExport.fraud(model).write(to: URL(fileURLWithPath: exportReference)) } catch {
                printError("\(exportReference): error: \(error)")
                throw ExitCode(1)
            }
            printError("wrote \(exportReference)")
        }
        var options = PredictionServer.Options(host: host, port: port, maxInFlight: maxInFlight)
        options.threads = threads
        options.maxConnections = maxConnections
        options.idleTimeout = try Self.timeout(idleTimeout, "--idle-timeout")
        options.requestTimeout = try Self.timeout(requestTimeout, "--request-timeout")
        // Each connection is a descriptor; keep some for the listener, logs and the scenario's files.
        let files = raiseOpenFileLimit(atLeast: maxConnections + 64)
        if files < maxConnections + 64 {
            printError("warning: this process may open \(files) files, fewer than --max-connections \(maxConnections) needs; "
                       + "accepts past that fail until a connection closes. Raise `ulimit -n` or lower --max-connections.")
        }
        let server = PredictionServer(model: model, options: options)
        let host = self.host, workload = model.workload.rawValue
        let app = server.application { bound in
            // Unbuffered, so a script waiting for this line sees it at once.
            FileHandle.standardOutput.write(Data("serving http://\(host):\(bound)/predict/\(workload)  (GET /healthz, GET /metrics; Ctrl-C or SIGTERM stops)\n".utf8))
        }
        try await server.executor.run { try await app.runService() }
        printError("stopped after \(server.metrics.count(status: 200)) predictions")
    }
}
