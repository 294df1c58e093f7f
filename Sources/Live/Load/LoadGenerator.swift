import Engines
import Foundation
import NIOCore
import NIOPosix
import SimKernel
import Statistics

/// `tempo load`: an open-loop Poisson load (MLPerf LoadGen's Server
/// scenario) or a closed loop against a prediction server, over keep-alive
/// HTTP/1.1 connections on SwiftNIO.
///
///     var options = LoadOptions(target: try LoadTarget(parsing: url), bodies: payloads)
///     options.rate = 5_000; options.seconds = 30
///     let result = try await LoadGenerator.run(options)
///     print(result.latencyP99Microseconds, result.claim.verdict)
public struct LoadOptions: Sendable {
    public enum Mode: String, Sendable, Codable, CaseIterable { case open, closed }

    public var target: LoadTarget
    /// Request payloads, sent in turn (request i gets payload i mod count).
    public var bodies: [String]
    public var rate = 1_000.0
    public var seconds = 10.0
    public var connections = 16
    public var mode = Mode.open
    public var seed: UInt64 = 1
    /// Event-loop threads of the generator itself.
    public var threads = 1
    /// How long past the schedule's end answers are waited for.
    public var drainSeconds = 5.0
    /// The latency claim checked: percentile, target (µs) and confidence.
    public var percentile = 99.0
    public var targetMicroseconds: Int64 = 10_000
    public var confidence = 0.99

    public init(target: LoadTarget, bodies: [String]) {
        self.target = target
        self.bodies = bodies
    }
}

/// What a load run measured. Latency is from each request's scheduled send
/// time (open loop) or its send (closed loop); service time always from the
/// send, which is what a latency profile keeps.
public struct LoadResult: Sendable, Codable {
    public var target: String
    public var mode: LoadOptions.Mode
    public var seed: UInt64
    public var requestedRate: Double
    public var seconds: Double
    public var connections: Int
    public var scheduled: Int
    public var completed: Int
    public var unanswered: Int
    public var statuses: [String: Int]
    public var errors: [String]
    public var wallSeconds: Double
    public var achievedRate: Double
    public var latencyP50Microseconds: Int64
    public var latencyP90Microseconds: Int64
    public var latencyP99Microseconds: Int64
    public var latencyP999Microseconds: Int64
    public var latencyMaxMicroseconds: Int64
    public var serviceP50Microseconds: Int64
    public var serviceP99Microseconds: Int64
    public var targetMicroseconds: Int64
    public var claim: PercentileClaim
    /// The run's requests all answered 2xx and the claim held.
    public var passed: Bool
    /// Round trips from the send, for `--save-profile`.
    public var serviceBuckets: [[Int64]]

    enum CodingKeys: String, CodingKey {
        case target, mode, seed, seconds, connections, scheduled, completed, unanswered, statuses, errors, claim, passed
        case requestedRate = "requested_rate", wallSeconds = "wall_seconds", achievedRate = "achieved_rate"
        case latencyP50Microseconds = "latency_p50_us", latencyP90Microseconds = "latency_p90_us"
        case latencyP99Microseconds = "latency_p99_us", latencyP999Microseconds = "latency_p999_us"
        case latencyMaxMicroseconds = "latency_max_us"
        case serviceP50Microseconds = "service_p50_us", serviceP99Microseconds = "service_p99_us"
        case targetMicroseconds = "target_us"
        case serviceBuckets = "service_time_us"
    }

    /// The measured service-time distribution as a latency profile.
    public var profile: LatencyProfile? {
        let bounds = serviceBuckets.map { $0[0] }, counts = serviceBuckets.map { Int($0[1]) }
        guard !bounds.isEmpty else { return nil }
        return LatencyProfile(bounds: bounds, counts: counts,
                              measuredP50: .microseconds(latencyP50Microseconds), measuredP99: .microseconds(latencyP99Microseconds),
                              measuredP999: .microseconds(latencyP999Microseconds), source: target,
                              load: mode == .open ? String(format: "open loop, %.0f/s over %d connections", requestedRate, connections)
                                                  : "closed loop over \(connections) connections")
    }
}

public enum LoadGenerator {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Nanoseconds on the monotonic clock.
    @Sendable public static func monotonicNanoseconds() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds) }

    public static func run(_ options: LoadOptions, clock: @escaping @Sendable () -> Int64 = monotonicNanoseconds) async throws -> LoadResult {
        precondition(!options.bodies.isEmpty, "a load needs at least one payload")
        let threads = max(1, min(options.threads, options.connections))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { group.shutdownGracefully { _ in } }
        let schedule = options.mode == .open
            ? PoissonSchedule(rate: options.rate, seconds: options.seconds, seed: options.seed)
            : nil
        let shares = schedule?.split(threads) ?? Array(repeating: [], count: threads)
        var loops: [any EventLoop] = []
        var iterator = group.makeIterator()
        while let loop = iterator.next() { loops.append(loop) }
        let closedDuration = Int64(options.seconds * 1e9)

        // One dispatcher per loop, with its share of connections and schedule.
        var dispatchers: [LoadDispatcher] = []
        for (i, loop) in loops.enumerated() {
            let requests = options.bodies.map { ByteBuffer(string: options.target.post($0)) }
            dispatchers.append(LoadDispatcher(loop: loop, mode: options.mode == .open ? .open : .closed, schedule: shares[i],
                                              requests: requests, closedDuration: closedDuration, clock: clock))
        }
        var connects: [EventLoopFuture<any Channel>] = []
        for c in 0..<options.connections {
            let dispatcher = dispatchers[c % threads]
            let bootstrap = ClientBootstrap(group: dispatcher.loop)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let connection = LoadConnection(dispatcher: dispatcher)
                        try channel.pipeline.syncOperations.addHandlers([ByteToMessageHandler(HTTPStatusDecoder()), connection])
                        dispatcher.register(connection)
                    }
                }
            connects.append(bootstrap.connect(host: options.target.host, port: options.target.port))
        }
        var channels: [any Channel] = []
        do {
            for f in connects { channels.append(try await f.get()) }
        } catch {
            for c in channels { c.close(promise: nil) }
            throw Failure(description: "cannot connect to \(options.target): \(error)")
        }

        let start = clock() + 2_000_000   // a moment for every loop to be ready
        for d in dispatchers { d.loop.execute { d.begin(at: start) } }
        // Bounded: whatever is unanswered at the drain deadline counts as unanswered.
        let deadline = TimeAmount.nanoseconds(Int64((options.seconds + options.drainSeconds) * 1e9) + 2_000_000)
        for d in dispatchers { d.loop.scheduleTask(in: deadline) { d.finish() } }
        for d in dispatchers { try await d.done.futureResult.get() }

        struct Share: Sendable {
            var latency: DurationHistogram, service: DurationHistogram
            var statuses: [Int: Int], completed: Int, unanswered: Int, errors: [String], last: Int64, scheduled: Int
        }
        var shares2: [Share] = []
        for d in dispatchers {
            shares2.append(try await d.loop.submit {
                Share(latency: d.latency, service: d.service, statuses: d.statuses, completed: d.completed,
                      unanswered: d.unanswered, errors: d.errors, last: d.lastCompletion,
                      scheduled: d.mode == .open ? d.schedule.count : d.closedSent)
            }.get())
        }
        // Closed only once measured, so a closing connection is not counted as a failure.
        for c in channels { c.close(promise: nil) }
        var latency = DurationHistogram(), service = DurationHistogram()
        var statuses: [String: Int] = [:]
        var completed = 0, unanswered = 0, scheduled = 0, last = start
        var errors: [String] = []
        for s in shares2 {
            latency.merge(s.latency); service.merge(s.service)
            for (k, v) in s.statuses { statuses[String(k), default: 0] += v }
            completed += s.completed; unanswered += s.unanswered; scheduled += s.scheduled
            errors += s.errors.prefix(20); last = max(last, s.last)
        }
        let wall = Double(last - start) / 1e9
        // A request over the target, never answered or not answered 2xx counts against the claim.
        let slow = completed - Self.count(latency, atMost: options.targetMicroseconds)
        let non2xx = statuses.filter { !$0.key.hasPrefix("2") }.values.reduce(0, +)
        let claim = PercentileClaim(percentile: options.percentile, confidence: options.confidence,
                                    samples: completed + unanswered, overTarget: slow + unanswered + non2xx)
        return LoadResult(
            target: options.target.description, mode: options.mode, seed: options.seed, requestedRate: options.rate,
            seconds: options.seconds, connections: options.connections, scheduled: scheduled, completed: completed,
            unanswered: unanswered, statuses: statuses, errors: Array(Set(errors)).sorted(), wallSeconds: wall,
            achievedRate: wall > 0 ? Double(completed) / wall : 0,
            latencyP50Microseconds: latency.percentile(50), latencyP90Microseconds: latency.percentile(90),
            latencyP99Microseconds: latency.percentile(99), latencyP999Microseconds: latency.percentile(99.9),
            latencyMaxMicroseconds: latency.max,
            serviceP50Microseconds: service.percentile(50), serviceP99Microseconds: service.percentile(99),
            targetMicroseconds: options.targetMicroseconds, claim: claim,
            passed: claim.verdict == .pass && non2xx == 0 && unanswered == 0,
            serviceBuckets: service.buckets().map { [$0.upTo, Int64($0.count)] })
    }

    /// Samples at or below `bound` µs.
    static func count(_ h: DurationHistogram, atMost bound: Int64) -> Int {
        h.count(atMost: bound)
    }
}
