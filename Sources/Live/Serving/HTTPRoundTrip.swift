import Foundation
import Hummingbird
import Logging
import ScenarioSpec
import SimKernel
import Simulation

/// What one prediction over HTTP costs on this machine: a small fraud model
/// served in process on a free loopback port, loaded by one closed-loop
/// connection. `tempo calibrate` records the median as `http_round_trip`.
///
///     let trip = try await HTTPRoundTrip.measure(seconds: 2)
///     print(trip.median, trip.p99, trip.requests)
public enum HTTPRoundTrip {
    public struct Measured: Sendable {
        public var median: SimDuration
        public var p99: SimDuration
        public var requests: Int
    }

    static let scenario = """
        name: calibrate-http
        seed: 7
        horizon: 1h
        warmup: 1d
        scale: 0.01
        workload:
          kind: fraud
        engines:
          - name: rt
            kind: realtime
        """

    public static func measure(seconds: Double = 2) async throws -> Measured {
        let plan = try SimulationPlan.make(Scenario.parse(yaml: scenario, file: "calibrate-http.yaml"))
        let model = try LiveModel.warmUp(plan)
        let bodies = RequestPool.bodies(plan, count: 1024)
        return try await withServer(PredictionServer(model: model, options: .init(host: "127.0.0.1", port: 0))) { port in
            var options = LoadOptions(target: try LoadTarget(parsing: "http://127.0.0.1:\(port)/predict/fraud"), bodies: bodies)
            options.mode = .closed
            options.connections = 1
            options.seconds = seconds
            let result = try await LoadGenerator.run(options)
            return Measured(median: .microseconds(result.serviceP50Microseconds), p99: .microseconds(result.serviceP99Microseconds),
                            requests: result.completed)
        }
    }

    /// Runs `body` with `server` listening on its port (0: a free one), then stops the server.
    public static func withServer<T: Sendable>(_ server: PredictionServer, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // Quiet: stopping by cancellation is how this server is meant to end.
        var logger = Logger(label: "tempo.serve.in-process")
        logger.logLevel = .critical
        let app = server.application(logger: logger) { port in continuation.yield(port) }
        let running = Task(executorPreference: server.executor) { try await app.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw LoadGenerator.Failure(description: "the server did not start") }
        let value = try await body(port)
        running.cancel()
        _ = await running.result
        return value
    }
}
