import Atomics
import Foundation
@testable import Live
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// The live server under abuse, on loopback: slow clients that trickle a
/// request, idle connections, connection floods, overload, malformed and
/// oversized requests on the wire. The server keeps answering healthy
/// requests, sheds with 503, and frees what each abuser held. Timeouts are
/// short (a few hundred ms) so each test takes seconds; lower bounds on
/// when a connection was closed are exact (the server's timer cannot fire
/// early), upper bounds generous, for a loaded machine. The clients run on
/// the event loops, beside the server, so the suites' CPU-bound tests on
/// the shared pool cannot stall a healthy client past a timeout.
///
/// The memory test runs `tempo serve` as its own process (its resident
/// memory is not shared with other tests); its long form is
/// `TEMPO_ABUSE_ROUNDS=20 swift test --filter ServerAbuseTests`.
@Suite(.serialized) struct ServerAbuseTests {
    static let body = #"{"id": 1, "entity": 17, "item": 5, "amount": 120.5}"#
    static let request = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"

    /// Runs `body` on the event loops against a fraud server with `configure`'s options, on a free port.
    func serve(_ configure: (inout PredictionServer.Options) -> Void,
               _ body: @escaping @Sendable (PredictionServer, Int) async throws -> Void) async throws {
        var options = PredictionServer.Options(host: "127.0.0.1", port: 0)
        configure(&options)
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: options)
        try await HTTPRoundTrip.withServer(server) { port in try await EventLoopExecutor.shared.run { try await body(server, port) } }
    }

    @Test func aTrickledRequestIsCutAtTheRequestTimeoutWhileOthersAreAnswered() async throws {
        try await serve({ $0.requestTimeout = .seconds(1); $0.idleTimeout = .seconds(30) }) { server, port in
            let healthy = try await RawClient.connect(port: port, sending: Self.request)
            defer { healthy.close() }
            #expect(await healthy.nextStatus() == 200)
            // One byte every 40 ms: the whole request would take ~5 s, and
            // every byte is activity, so only a deadline from the first byte
            // stops it. (1 s, so that healthy requests surely fit in it.)
            let slow = try await RawClient.connect(port: port)
            defer { slow.close() }
            let started = ContinuousClock.now
            async let trickling: Void = slow.trickle(Array(Self.request.utf8), gap: .milliseconds(40))
            var answered = 0
            while slow.closedAt == nil && ContinuousClock.now - started < .seconds(5) {
                #expect(try await healthy.exchange(Self.request) == 200)
                answered += 1
                await loopSleep(for: .milliseconds(50))
            }
            await trickling
            let closedAt = try #require(slow.closedAt, "the trickling client was never cut off")
            // From before the connect: the server's deadline starts on accepting, which may precede `started`.
            #expect(closedAt - slow.openedAt >= .seconds(1))
            #expect(closedAt - started < .seconds(5))
            #expect(slow.statuses.isEmpty)
            #expect(answered >= 1, "healthy requests answered while the slow one trickled: \(answered)")
            #expect(server.metrics.requestTimeouts.load(ordering: .relaxed) == 1)
            #expect(healthy.closedAt == nil, "the healthy keep-alive connection was left open")
        }
    }

    /// Overload beyond capacity: slow bodies hold every in-flight slot, the
    /// server answers 503 at once instead of queueing, and answers 200 again
    /// as soon as the request timeout has freed the slots.
    @Test func slowBodiesFillTheInFlightBoundThenTheRequestTimeoutFreesIt() async throws {
        // A long timeout: under a parallel test run, filling the slots can take seconds.
        try await serve({ $0.maxInFlight = 2; $0.requestTimeout = .seconds(5) }) { server, port in
            let head = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(Self.body.utf8.count)\r\n\r\n"
            let started = ContinuousClock.now
            var slow: [RawClient] = []
            for _ in 0..<2 { slow.append(try await RawClient.connect(port: port, sending: head + Self.body.prefix(10))) }
            defer { for c in slow { c.close() } }
            #expect(await eventually(within: .seconds(4)) { server.metrics.inFlight.load(ordering: .relaxed) == 2 })
            let healthy = try await RawClient.connect(port: port, sending: Self.request)
            defer { healthy.close() }
            #expect(await healthy.nextStatus() == 503)
            // Ordered against the slow bodies' close, not a wall-clock bound: a loaded machine may take seconds to get here.
            let refusedAt = ContinuousClock.now

            for c in slow { #expect(await c.waitUntilClosed(within: .seconds(12))) }
            for c in slow { #expect(try #require(c.closedAt) - started >= .seconds(5)) }
            for c in slow { #expect(refusedAt < (try #require(c.closedAt)), "the 503 came while the slow bodies still held their slots") }
            #expect(await eventually(within: .seconds(1)) { server.metrics.inFlight.load(ordering: .relaxed) == 0 })
            #expect(try await healthy.exchange(Self.request) == 200)
            #expect(server.metrics.count(status: 503) == 1)
            #expect(server.metrics.count(status: 413) == 0, "a body cut off by the timeout is not an oversized one")
            #expect(server.metrics.requestTimeouts.load(ordering: .relaxed) == 2)
        }
    }

    /// A connection that never sends a request is cut at the request
    /// timeout; one that was answered and then sits idle, at the idle
    /// timeout — its request deadline was cleared by the answer.
    @Test func silentAndIdleConnectionsAreClosedAtTheirTimeouts() async throws {
        try await serve({ $0.requestTimeout = .milliseconds(300); $0.idleTimeout = .milliseconds(700) }) { server, port in
            let silent = try await RawClient.connect(port: port)
            let served = try await RawClient.connect(port: port, sending: Self.request)
            defer { silent.close(); served.close() }
            #expect(await served.nextStatus() == 200)
            #expect(await silent.waitUntilClosed(within: .seconds(5)))
            #expect(await served.waitUntilClosed(within: .seconds(5)))
            #expect(try #require(silent.closedAt) - silent.openedAt >= .milliseconds(300))
            #expect(try #require(served.closedAt) - served.openedAt >= .milliseconds(700))
            #expect(server.metrics.requestTimeouts.load(ordering: .relaxed) == 1, "only the silent connection hit the request timeout")
            #expect(await eventually(within: .seconds(1)) { server.metrics.openConnections.load(ordering: .relaxed) == 0 })
        }
    }

    /// 100 connections that send nothing, at once, against a cap of 20: the
    /// server holds at most 20 (+3: NIO accepts up to 4 per wake-up before
    /// asking again), the rest wait in the listen backlog; a keep-alive client
    /// keeps being answered throughout, a newcomer is answered once the
    /// request timeout has cut the flood down, and the server closes every
    /// flooding connection. (The idle timeout is long, so a test machine that
    /// stalls cannot idle the keep-alive client out.)
    @Test func aConnectionFloodIsCappedAndHealthyClientsAreStillAnswered() async throws {
        let cap = 20, flood = 100
        try await serve({ $0.maxConnections = cap; $0.requestTimeout = .milliseconds(500); $0.idleTimeout = .seconds(10) }) { server, port in
            let keepAlive = try await RawClient.connect(port: port, sending: Self.request)
            #expect(await keepAlive.nextStatus() == 200)
            var flooders: [RawClient] = []
            defer { for c in flooders { c.close() }; keepAlive.close() }
            for _ in 0..<flood { flooders.append(try await RawClient.connect(port: port)) }
            let newcomer = try await RawClient.connect(port: port, sending: Self.request)
            defer { newcomer.close() }
            async let newcomerStatus = newcomer.nextStatus(within: .seconds(20))
            var answered = 0
            while answered < 10 {
                #expect(try await keepAlive.exchange(Self.request, within: .seconds(2)) == 200)
                answered += 1
                await loopSleep(for: .milliseconds(100))
            }
            #expect(keepAlive.closedAt == nil, "the keep-alive connection stayed open through the flood")
            #expect(await newcomerStatus == 200)
            let waited = ContinuousClock.now - newcomer.openedAt
            for c in flooders { #expect(await c.waitUntilClosed(within: .seconds(20))) }
            #expect(flooders.allSatisfy { $0.statuses.isEmpty })
            #expect(flooders.allSatisfy { c in c.closedAt.map { $0 - c.openedAt >= .milliseconds(500) } ?? false })
            #expect(server.metrics.peakConnections.load(ordering: .relaxed) <= cap + 3,
                    "peak \(server.metrics.peakConnections.load(ordering: .relaxed)) connections")
            #expect(server.metrics.peakConnections.load(ordering: .relaxed) >= cap, "the flood reached the cap")
            print("flood of \(flood) against a cap of \(cap): newcomer answered after \(waited), peak \(server.metrics.peakConnections.load(ordering: .relaxed)) connections")
        }
    }

    /// An accepted connection whose async wrapper the server never takes
    /// (its task cancelled as the connection arrives) must not trap in NIO
    /// when it becomes active (apple/swift-nio#2813): that took this whole
    /// test process down once. Reproduced exactly on an embedded channel:
    /// set up, wrapper dropped, then activated; it is closed by the request
    /// timeout like any connection that sends nothing.
    @Test func aConnectionTheServerNeverTookIsTimedOutNotATrap() throws {
        let metrics = ServerMetrics()
        var options = PredictionServer.Options()
        options.requestTimeout = .milliseconds(300)
        let guarded = GuardedHTTP1Channel(responder: { _, _, _ in }, options: options, metrics: metrics)
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        _ = try guarded.setup(channel: channel, logger: Logger(label: "test")).wait()   // the wrapper, dropped at once
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()  // channelActive
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(300))
        #expect(!channel.isActive, "closed by the request timeout")
        #expect(metrics.requestTimeouts.load(ordering: .relaxed) == 1)
        loop.run()
    }

    /// Requests that are not HTTP, or break its framing, are a 400 from the
    /// parser and a closed connection; bodies over the bound are 413; bodies
    /// that are not a decision payload are 400. None of them takes the server down.
    @Test func malformedAndOversizedRequestsOnTheWire() async throws {
        let post = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        func payload(_ body: [UInt8]) -> [UInt8] { Array((post + "Content-Length: \(body.count)\r\n\r\n").utf8) + body }
        let chunk = "8000\r\n" + String(repeating: "x", count: 0x8000) + "\r\n"
        // (what is sent, the status expected, whether the connection is closed after it: the parser's 400s close it)
        let cases: [(name: String, bytes: [UInt8], status: Int, closes: Bool)] = [
            ("not HTTP", Array("GARBAGE\r\n\r\n".utf8), 400, true),
            ("binary", Array(0...255), 400, true),
            ("unknown version", Array("GET /healthz HTTP/9.9\r\n\r\n".utf8), 400, true),
            ("100 KB header", Array(("GET /healthz HTTP/1.1\r\nX-A: " + String(repeating: "a", count: 100_000) + "\r\n\r\n").utf8), 400, true),
            ("non-numeric Content-Length", Array((post + "Content-Length: abc\r\n\r\n").utf8), 400, true),
            ("negative Content-Length", Array((post + "Content-Length: -5\r\n\r\n").utf8), 400, true),
            ("Content-Length and chunked", Array((post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").utf8), 400, true),
            ("bad chunk size", Array((post + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n").utf8), 400, true),
            ("declared 1 TB", Array((post + "Content-Length: 1000000000000\r\n\r\n{").utf8), 413, false),
            ("96 KiB chunked", Array((post + "Transfer-Encoding: chunked\r\n\r\n" + String(repeating: chunk, count: 3) + "0\r\n\r\n").utf8), 413, false),
            ("30,000 nested arrays", payload(Array(String(repeating: "[", count: 30_000).utf8)), 400, false),
            ("invalid UTF-8", payload(Array("{\"".utf8) + [0xFF, 0xFE] + Array("\":1}".utf8)), 400, false),
            ("number out of range", payload(Array(#"{"entity":1e400,"item":1,"amount":1}"#.utf8)), 400, false),
        ]
        try await serve({ $0.requestTimeout = .seconds(30) }) { server, port in
            for (name, bytes, status, closes) in cases {
                let c = try await RawClient.connect(port: port)
                defer { c.close() }
                try await c.send(bytes)
                #expect(await c.nextStatus() == status, "\(name)")
                if closes { #expect(await c.waitUntilClosed(within: .seconds(5)), "\(name): the connection is closed after the parser's 400") }
            }
            let healthy = try await RawClient.connect(port: port, sending: Self.request)
            defer { healthy.close() }
            #expect(await healthy.nextStatus() == 200)
            #expect(try await healthy.exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == 200)
            #expect(server.metrics.count(status: 413) == 2)
            // The payload errors; the parser's own 400s are written by Hummingbird, not counted.
            #expect(server.metrics.count(status: 400) == cases.filter { $0.status == 400 && !$0.closes }.count)
        }
    }

    // MARK: Memory, in a process of its own

    static let scenario = """
        name: abuse
        seed: 7
        horizon: 1h
        warmup: 2h
        scale: 0.001
        workload:
          kind: fraud
          diurnal: flat
          compromise_rate: 0.2/d
        engines:
          - {name: rt, kind: realtime, servers: 4, service_time: 2ms, timeout: 1h}
        """

    /// The `tempo` executable beside the test bundle (as `CrashSafetyTests` finds it).
    var tempo: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tempo").path
    }

    /// Resident memory of process `pid`, in bytes (VmRSS of /proc/PID/status).
    static func residentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kB = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kB * 1024
    }

    /// One burst of abuse against a server capped at `cap` connections: floods of silent
    /// connections, half-sent bodies, garbage, and 4 MB chunked bodies, at once;
    /// returns when the server has closed every one of them.
    static func burst(port: Int, cap: Int) async throws {
        let post = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
        // One buffer written to every such connection (ByteBuffer is copy-on-write).
        let big = ByteBuffer(string: post + "Transfer-Encoding: chunked\r\n\r\n" + String(repeating: chunk, count: 64) + "0\r\n\r\n")
        var abusers: [RawClient] = []
        defer { for c in abusers { c.close() } }
        for i in 0..<(3 * cap) {
            switch i % 4 {
            case 0: abusers.append(try await RawClient.connect(port: port))                                        // silent
            case 1: abusers.append(try await RawClient.connect(port: port, sending: post + "Content-Length: 45\r\n\r\n{\"id\"")) // half a body
            case 2: abusers.append(try await RawClient.connect(port: port, sending: String(decoding: 1...255, as: UTF8.self))) // not HTTP
            default:                                                                                                  // 4 MB, over the 64 KiB bound
                let c = try await RawClient.connect(port: port)
                c.channel.writeAndFlush(big, promise: nil)
                abusers.append(c)
            }
        }
        for c in abusers { #expect(await c.waitUntilClosed(within: .seconds(30))) }
        #expect(abusers.allSatisfy { $0.statuses.allSatisfy { [400, 413].contains($0) } })
    }

    /// `requests` healthy predictions on a fresh keep-alive connection, all answered 200.
    static func healthy(port: Int, requests: Int) async throws {
        let c = try await RawClient.connect(port: port, sending: request)
        defer { c.close() }
        #expect(await c.nextStatus() == 200)
        for _ in 1..<requests { #expect(try await c.exchange(request) == 200) }
    }

    @Test func memoryStaysBoundedUnderAbuseAndTheServerNeverCrashes() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: tempo), "build the tempo executable first (swift build)")
        let rounds = Int(ProcessInfo.processInfo.environment["TEMPO_ABUSE_ROUNDS"] ?? "") ?? 2
        let cap = 64
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-abuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (out, err) = (dir.appendingPathComponent("out"), dir.appendingPathComponent("err"))
        try Self.scenario.write(to: dir.appendingPathComponent("abuse.yaml"), atomically: true, encoding: .utf8)
        try #require(FileManager.default.createFile(atPath: out.path, contents: nil), "the server's stdout log")
        try #require(FileManager.default.createFile(atPath: err.path, contents: nil), "the server's stderr log")

        let server = Process()
        server.executableURL = URL(fileURLWithPath: tempo)
        // A short request timeout cuts the abusers quickly; the idle timeout is
        // longer, so a stalled test machine cannot idle a healthy client out.
        server.arguments = ["serve", dir.appendingPathComponent("abuse.yaml").path, "--port", "0", "--max-connections", "\(cap)",
                            "--idle-timeout", "2s", "--request-timeout", "500ms"]
        server.standardOutput = try FileHandle(forWritingTo: out)
        server.standardError = try FileHandle(forWritingTo: err)
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let pid = server.processIdentifier

        // "serving http://127.0.0.1:PORT/predict/fraud …" once warmed up.
        var port = 0
        _ = await eventually(within: .seconds(120)) {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let r = text.range(of: "127.0.0.1:") { port = Int(text[r.upperBound...].prefix { $0.isNumber }) ?? 0 }
            return port != 0 || !server.isRunning
        }
        try #require(port != 0, "tempo serve did not start: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")

        let served = port
        let (baseline, after) = try await EventLoopExecutor.shared.run { () async throws -> (Int, [Int]) in
            // The baseline after the allocator and the loops have served ordinary traffic.
            try await Self.healthy(port: served, requests: 300)
            let baseline = try Self.residentBytes(pid)
            var after: [Int] = []
            for _ in 0..<rounds {
                try await Self.burst(port: served, cap: cap)
                try await Self.healthy(port: served, requests: 50)
                after.append(try Self.residentBytes(pid))
            }
            return (baseline, after)
        }
        let mib = { (b: Int) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
        print("resident memory: baseline \(mib(baseline)), after each burst \(after.map(mib).joined(separator: ", "))")

        // What the bounds let a burst hold at once, which the allocator then
        // keeps: each of `cap` connections a collected body up to 64 KiB, the
        // read buffer being filled and up to 10 more queued for the handler
        // (NIOAsyncChannel's high watermark), each up to 64 KiB (NIO's adaptive
        // allocator's largest); plus 8 MiB of slack. Had the 4 MB bodies been
        // buffered, one burst would hold 48 × 4 MB = 192 MB.
        let bound = cap * (64 + 11 * 64) * 1024 + 8 * 1_048_576
        #expect(after.max()! - baseline < bound, "grew \(mib(after.max()! - baseline)) over a bound of \(mib(bound))")
        // Once the allocator holds its working set (two bursts), further bursts
        // add nothing lasting: no per-connection leak (the long form's point).
        if rounds >= 3 { #expect(after.last! - after[1] < 4 * 1_048_576, "grew \(mib(after.last! - after[1])) after the second burst") }

        // SIGTERM while a flood fills the cap and the backlog: a graceful stop, no trap.
        #expect(server.isRunning, "the server survived")
        let flood = try await EventLoopExecutor.shared.run { () async throws -> [RawClient] in
            var flood: [RawClient] = []
            for _ in 0..<(2 * cap) { flood.append(try await RawClient.connect(port: served)) }
            return flood
        }
        defer { for c in flood { c.close() } }
        server.terminate()
        #expect(await eventually(within: .seconds(20)) { !server.isRunning }, "tempo serve stops on SIGTERM under a flood")
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let errors = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        for sign in ["Fatal error", "Stack dump", "Backtrace", "Crash", "error:"] { #expect(!errors.contains(sign), "stderr: \(errors)") }
    }
}
