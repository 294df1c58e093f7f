import Foundation
import Hummingbird
import Live
import NIOCore
import NIOPosix
import Testing

@Suite struct PoissonScheduleTests {
    /// 20 s at 5,000/s: n ≈ 100,000 gaps. The mean gap's standard error is
    /// (1/λ)/√n ≈ 0.3% of the mean; 1.5% is five of them.
    @Test func meanGapIsOneOverTheRate() {
        let schedule = PoissonSchedule(rate: 5_000, seconds: 20, seed: 42)
        let n = Double(schedule.offsets.count)
        // The count is Poisson(100,000): sd ≈ 316, so ±1,600 is five sd.
        #expect(abs(n - 100_000) < 1_600)
        let gaps = zip(schedule.offsets.dropFirst(), schedule.offsets).map { Double($0 - $1) / 1e9 }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        #expect(abs(mean - 1.0 / 5_000) / (1.0 / 5_000) < 0.015, "mean gap \(mean)")
        // Exponential gaps: the coefficient of variation is 1 (its estimate's sd ≈ 1/√n ≈ 0.3%).
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count - 1)
        #expect(abs(variance.squareRoot() / mean - 1) < 0.02)
        #expect(zip(schedule.offsets.dropFirst(), schedule.offsets).allSatisfy { $0 >= $1 })
    }

    /// Kolmogorov–Smirnov against Exp(λ): the 1% critical value of D is 1.63/√n.
    @Test func gapsPassAKolmogorovSmirnovTest() {
        let rate = 2_000.0
        let schedule = PoissonSchedule(rate: rate, seconds: 10, seed: 7)
        let gaps = zip(schedule.offsets.dropFirst(), schedule.offsets).map { Double($0 - $1) / 1e9 }.sorted()
        let n = Double(gaps.count)
        var d = 0.0
        for (i, x) in gaps.enumerated() {
            let f = 1 - exp(-rate * x)
            d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
        }
        #expect(d < 1.63 / n.squareRoot(), "D = \(d) over \(Int(n)) gaps")
    }

    /// Counts per 10 ms window are Poisson(λ·10 ms): their variance equals
    /// their mean (index of dispersion 1; sd of the estimate ≈ √(2/windows) ≈ 1.4%).
    @Test func countsPerWindowAreNotOverOrUnderDispersed() {
        let schedule = PoissonSchedule(rate: 5_000, seconds: 100, seed: 3)
        var counts = Array(repeating: 0.0, count: 10_000)
        for t in schedule.offsets { counts[Int(t / 10_000_000)] += 1 }
        let mean = counts.reduce(0, +) / Double(counts.count)
        let variance = counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(counts.count - 1)
        #expect(abs(mean - 50) < 0.5)
        #expect(abs(variance / mean - 1) < 0.07, "dispersion \(variance / mean)")
    }

    @Test func sameSeedSameScheduleAndSplitsKeepEveryRequest() {
        let a = PoissonSchedule(rate: 1_000, seconds: 2, seed: 9), b = PoissonSchedule(rate: 1_000, seconds: 2, seed: 9)
        #expect(a.offsets == b.offsets)
        #expect(a.offsets != PoissonSchedule(rate: 1_000, seconds: 2, seed: 10).offsets)
        let parts = a.split(3)
        #expect(parts.map(\.count).reduce(0, +) == a.offsets.count)
        #expect(parts.flatMap { $0.map(\.index) }.sorted() == Array(a.offsets.indices))
    }
}

@Suite struct PercentileClaimTests {
    @Test func noSlowSampleNeedsLnOneMinusCOverLnP() {
        // (0.99)^n ≤ 0.01 ⇔ n ≥ 458.2
        #expect(PercentileClaim.minimumSamples(tail: 0.01, confidence: 0.99, overTarget: 0) == 459)
        #expect(PercentileClaim.minimumSamples(tail: 0.001, confidence: 0.99, overTarget: 0) == 4_603)
    }

    @Test func verdicts() {
        #expect(PercentileClaim(percentile: 99, confidence: 0.99, samples: 100, overTarget: 0).verdict == .tooFewSamples)
        #expect(PercentileClaim(percentile: 99, confidence: 0.99, samples: 1_000, overTarget: 0).verdict == .pass)
        #expect(PercentileClaim(percentile: 99, confidence: 0.99, samples: 1_000, overTarget: 30).verdict == .fail)
        // 50 slow in 10,000: the observed p99 is under target, and the bound holds (it needs far fewer than 10,000).
        let claim = PercentileClaim(percentile: 99, confidence: 0.99, samples: 10_000, overTarget: 50)
        #expect(claim.verdict == .pass && claim.minimumSamples < 10_000)
        // 95 slow in 10,000: under the p99 but too close to it for 99% confidence.
        #expect(PercentileClaim(percentile: 99, confidence: 0.99, samples: 10_000, overTarget: 95).verdict == .tooFewSamples)
    }
}

@Suite(.serialized) struct LoadGeneratorTests {
    /// A server that answers at once, except request id 20, which it holds
    /// for 300 ms. Over one connection at 200/s, the ~60 requests due during
    /// the stall queue behind it: timed from their scheduled send they are
    /// late, though each one's own round trip is short. A generator that
    /// timed from the send (coordinated omission) would see one slow request.
    @Test func latencyCountsFromTheScheduledTimeSoAStallShows() async throws {
        let router = Router()
        router.post("/predict/fraud") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 4096)
            if String(buffer: body).contains("\"id\":20,") {
                // An event-loop timer rather than Task.sleep, whose wake-up goes through the shared pool.
                try await MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: .milliseconds(300)) {}.futureResult.get()
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        // On the event loops, so the suites' CPU-bound tests on the shared pool cannot stall it.
        let running = Task(executorPreference: EventLoopExecutor.shared) { try await app.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let bodies = (0..<400).map { #"{"id":\#($0),"entity":1,"item":1,"amount":1}"# }
        var options = LoadOptions(target: try LoadTarget(parsing: "http://127.0.0.1:\(port)/predict/fraud"), bodies: bodies)
        options.rate = 200
        options.seconds = 2
        options.connections = 1
        options.seed = 5
        options.targetMicroseconds = 100_000
        let result = try await LoadGenerator.run(options)
        #expect(result.completed == result.scheduled && result.unanswered == 0)
        #expect(result.latencyMaxMicroseconds >= 250_000, "max \(result.latencyMaxMicroseconds) µs")
        // ~60 of ~400 requests (15%) waited behind the stall: p90 is in it.
        #expect(result.latencyP90Microseconds >= 50_000, "p90 \(result.latencyP90Microseconds) µs")
        // Their own round trips were short: only the stalled request's was long.
        #expect(result.serviceP99Microseconds < 100_000, "service p99 \(result.serviceP99Microseconds) µs")
        #expect(result.claim.verdict == .fail && !result.passed)
        running.cancel()
        _ = await running.result
    }

    @Test func openAndClosedLoopsAgainstTheLiveServer() async throws {
        let model = try LiveFixtures.model(.fraud)
        let bodies = try LiveFixtures.bodies(.fraud, count: 200)
        let server = PredictionServer(model: model, options: .init(host: "127.0.0.1", port: 0))
        let (open, closed) = try await HTTPRoundTrip.withServer(server) { port in
            var options = LoadOptions(target: try LoadTarget(parsing: "http://127.0.0.1:\(port)/predict/fraud"), bodies: bodies)
            options.rate = 300
            options.seconds = 1
            options.connections = 4
            options.targetMicroseconds = 1_000_000
            let open = try await LoadGenerator.run(options)
            options.mode = .closed
            options.seconds = 0.5
            return (open, try await LoadGenerator.run(options))
        }
        #expect(open.completed == open.scheduled && open.statuses == ["200": open.completed])
        #expect(closed.completed > 0 && closed.statuses == ["200": closed.completed])
        #expect(server.metrics.count(status: 200) == open.completed + closed.completed)
        let profile = try #require(open.profile)
        #expect(profile.samples == open.completed)
    }

    @Test func targetsOnlyLoopbackUnlessAllowed() throws {
        #expect(throws: LoadTarget.Invalid.self) { try LoadTarget(parsing: "http://10.0.0.1:8080/predict/fraud") }
        #expect(throws: LoadTarget.Invalid.self) { try LoadTarget(parsing: "https://127.0.0.1/predict/fraud") }
        #expect(throws: LoadTarget.Invalid.self) { try LoadTarget(parsing: "127.0.0.1:8080") }
        let t = try LoadTarget(parsing: "http://localhost:9/predict/ui")
        #expect(t.port == 9 && t.workloadName == "ui")
        #expect(try LoadTarget(parsing: "http://10.0.0.1:8080/x", allowRemote: true).host == "10.0.0.1")
        #expect(LoadTarget.isLoopback("127.8.9.10") && LoadTarget.isLoopback("[::1]") && !LoadTarget.isLoopback("128.0.0.1"))
    }
}

@Suite struct EventLoopExecutorTests {
    /// A task on the executor that awaits a future of another group (as the
    /// load generator does with its own loops) must resume on the executor's
    /// group, not on the loop that completed the future: that group may be
    /// shut down right after, with the task still running on its thread.
    @Test func aTaskResumedByAnotherGroupStaysOnItsOwnGroup() async throws {
        let foreign = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = foreign.next()
        let resumedOnForeignLoop = try await EventLoopExecutor.shared.run {
            try await loop.submit {}.get()
            return loop.inEventLoop
        }
        try await foreign.shutdownGracefully()
        #expect(!resumedOnForeignLoop)
    }
}
