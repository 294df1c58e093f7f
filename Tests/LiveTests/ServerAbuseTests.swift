import Atomics
import Foundation
import Live
import NIOCore
import Testing

/// The live server under abuse, on loopback: slow clients that trickle a
/// request, idle connections, connection floods, overload, malformed and
/// oversized requests on the wire. The server keeps answering healthy
/// requests, sheds with 503, and frees what each abuser held. Timeouts are
/// short (a few hundred ms) so each test takes seconds; lower bounds on
/// when a connection was closed are exact (the server's timer cannot fire
/// early), upper bounds generous, for a loaded machine.
///
/// The memory test runs `tempo serve` as its own process (its resident
/// memory is not shared with other tests); its long form is
/// `TEMPO_ABUSE_ROUNDS=20 swift test --filter ServerAbuseTests`.
@Suite(.serialized) struct ServerAbuseTests {
    static let body = #"{"id": 1, "entity": 17, "item": 5, "amount": 120.5}"#
    static let request = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"

    /// Runs `body` against a fraud server with `configure`'s options, on a free port.
    func serve(_ configure: (inout PredictionServer.Options) -> Void,
               _ body: @Sendable (PredictionServer, Int) async throws -> Void) async throws {
        var options = PredictionServer.Options(host: "127.0.0.1", port: 0)
        configure(&options)
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: options)
        try await HTTPRoundTrip.withServer(server) { port in try await body(server, port) }
    }

    @Test func aTrickledRequestIsCutAtTheRequestTimeoutWhileOthersAreAnswered() async throws {
        try await serve({ $0.requestTimeout = .seconds(1); $0.idleTimeout = .seconds(30) }) { server, port in
            let healthy = try await RawClient.connect(port: port)
            #expect(try await healthy.exchange(Self.request) == 200)
            // One byte every 40 ms: the whole request would take ~5 s, and
            // every byte is activity, so only a deadline from the first byte
            // stops it. (1 s, so that healthy requests surely fit in it.)
            let slow = try await RawClient.connect(port: port)
            let started = ContinuousClock.now
            let trickling = Task { await slow.trickle(Array(Self.request.utf8), gap: .milliseconds(40)) }
            var answered = 0
            while slow.closedAt == nil && ContinuousClock.now - started < .seconds(5) {
                #expect(try await healthy.exchange(Self.request) == 200)
                answered += 1
                try await Task.sleep(for: .milliseconds(50))
            }
            await trickling.value
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
        try await serve({ $0.maxInFlight = 2; $0.requestTimeout = .seconds(2) }) { server, port in
            let head = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(Self.body.utf8.count)\r\n\r\n"
            let started = ContinuousClock.now
            var slow: [RawClient] = []
            for _ in 0..<2 {
                let c = try await RawClient.connect(port: port)
                try await c.send(head + Self.body.prefix(10))
                slow.append(c)
            }
            #expect(await eventually(within: .seconds(1)) { server.metrics.inFlight.load(ordering: .relaxed) == 2 })
            let healthy = try await RawClient.connect(port: port)
            #expect(try await healthy.exchange(Self.request) == 503)
            #expect(ContinuousClock.now - started < .seconds(2), "the 503 must come while the slow bodies still hold their slots")

            for c in slow { #expect(await c.waitUntilClosed(within: .seconds(6))) }
            for c in slow { #expect(try #require(c.closedAt) - started >= .seconds(2)) }
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
            let served = try await RawClient.connect(port: port)
            let sent = ContinuousClock.now
            #expect(try await served.exchange(Self.request) == 200)
            #expect(await silent.waitUntilClosed(within: .seconds(5)))
            #expect(await served.waitUntilClosed(within: .seconds(5)))
            #expect(try #require(silent.closedAt) - silent.openedAt >= .milliseconds(300))
            #expect(try #require(served.closedAt) - sent >= .milliseconds(700))
            #expect(server.metrics.requestTimeouts.load(ordering: .relaxed) == 1, "only the silent connection hit the request timeout")
            #expect(await eventually(within: .seconds(1)) { server.metrics.openConnections.load(ordering: .relaxed) == 0 })
        }
    }

    /// 150 connections that send nothing, at once, against a cap of 20: the
    /// server holds at most 20 (+3: NIO accepts up to 4 per wake-up before
    /// asking again), the rest wait in the listen backlog; a keep-alive client
    /// keeps being answered throughout, a newcomer is answered once the
    /// request timeout has cut the flood down, and the server closes every
    /// flooding connection. (The idle timeout is long, so a test machine that
    /// stalls cannot idle the keep-alive client out.)
    @Test func aConnectionFloodIsCappedAndHealthyClientsAreStillAnswered() async throws {
        let cap = 20, flood = 150
        try await serve({ $0.maxConnections = cap; $0.requestTimeout = .milliseconds(250); $0.idleTimeout = .seconds(10) }) { server, port in
            let keepAlive = try await RawClient.connect(port: port)
            #expect(try await keepAlive.exchange(Self.request) == 200)
            var flooders: [RawClient] = []
            for _ in 0..<flood { flooders.append(try await RawClient.connect(port: port)) }
            let newcomer = try await RawClient.connect(port: port)
            let newcomerAsked = ContinuousClock.now
            let newcomerStatus = Task { try await newcomer.exchange(Self.request, within: .seconds(15)) }
            var answered = 0
            while answered < 10 {
                #expect(try await keepAlive.exchange(Self.request, within: .seconds(2)) == 200)
                answered += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(keepAlive.closedAt == nil, "the keep-alive connection stayed open through the flood")
            #expect(try await newcomerStatus.value == 200)
            let waited = ContinuousClock.now - newcomerAsked
            for c in flooders { #expect(await c.waitUntilClosed(within: .seconds(15))) }
            #expect(flooders.allSatisfy { $0.statuses.isEmpty })
            #expect(flooders.allSatisfy { $0.closedAt! - $0.openedAt >= .milliseconds(250) })
            #expect(server.metrics.peakConnections.load(ordering: .relaxed) <= cap + 3,
                    "peak \(server.metrics.peakConnections.load(ordering: .relaxed)) connections")
            #expect(server.metrics.peakConnections.load(ordering: .relaxed) >= cap, "the flood reached the cap")
            print("flood of \(flood) against a cap of \(cap): newcomer answered after \(waited), peak \(server.metrics.peakConnections.load(ordering: .relaxed)) connections")
        }
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
                try await c.send(bytes)
                #expect(await c.nextStatus() == status, "\(name)")
                if closes { #expect(await c.waitUntilClosed(within: .seconds(5)), "\(name): the connection is closed after the parser's 400") }
                c.close()
            }
            let healthy = try await RawClient.connect(port: port)
            #expect(try await healthy.exchange(Self.request) == 200)
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

    /// One burst of abuse against a server capped at `cap` connections: floods of idle
    /// connections, half-sent headers, garbage, and 4 MB chunked bodies, at once;
    /// returns when the server has closed every one of them.
    static func burst(port: Int, cap: Int) async throws {
        let post = "POST /predict/fraud HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
        // One buffer written to every such connection (ByteBuffer is copy-on-write).
        let big = ByteBuffer(string: post + "Transfer-Encoding: chunked\r\n\r\n" + String(repeating: chunk, count: 64) + "0\r\n\r\n")
        var abusers: [RawClient] = []
        for i in 0..<(3 * cap) {
            let c = try await RawClient.connect(port: port)
            abusers.append(c)
            switch i % 4 {
            case 0: break                                                       // idle
            case 1: try? await c.send(post + "Content-Length: 45\r\n\r\n{\"id\"") // half a body, then silence
            case 2: try? await c.send(Array(0...255))                           // not HTTP
            default: c.channel.writeAndFlush(big, promise: nil)                 // 4 MB, over the 64 KiB bound
            }
        }
        for c in abusers { #expect(await c.waitUntilClosed(within: .seconds(20))) }
        #expect(abusers.allSatisfy { $0.statuses.allSatisfy { [400, 413].contains($0) } })
    }

    @Test func memoryStaysBoundedUnderAbuseAndTheServerNeverCrashes() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: tempo), "build the tempo executable first (swift build)")
        let rounds = Int(ProcessInfo.processInfo.environment["TEMPO_ABUSE_ROUNDS"] ?? "") ?? 2
        let cap = 64
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-abuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.scenario.write(to: dir.appendingPathComponent("abuse.yaml"), atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("out").path, contents: nil)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("err").path, contents: nil)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: tempo)
        server.arguments = ["serve", dir.appendingPathComponent("abuse.yaml").path, "--port", "0", "--max-connections", "\(cap)",
                            "--idle-timeout", "300ms", "--request-timeout", "1s"]
        server.standardOutput = try FileHandle(forWritingTo: dir.appendingPathComponent("out"))
        server.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("err"))
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }

        // "serving http://127.0.0.1:PORT/predict/fraud …" once warmed up.
        var port = 0
        _ = await eventually(within: .seconds(60)) {
            let out = (try? String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8)) ?? ""
            if let r = out.range(of: "127.0.0.1:") { port = Int(out[r.upperBound...].prefix { $0.isNumber }) ?? 0 }
            return port != 0 || !server.isRunning
        }
        try #require(port != 0, "tempo serve did not start: \((try? String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)) ?? "")")

        // The baseline after the allocator and the loops have served ordinary traffic.
        let healthy = try await RawClient.connect(port: port)
        for _ in 0..<300 { #expect(try await healthy.exchange(Self.request) == 200) }
        let baseline = try Self.residentBytes(server.processIdentifier)
        var after: [Int] = []
        for _ in 0..<rounds {
            try await Self.burst(port: port, cap: cap)
            // Healthy requests on a fresh connection (the old one idled out during the burst).
            let c = try await RawClient.connect(port: port)
            for _ in 0..<50 { #expect(try await c.exchange(Self.request) == 200) }
            c.close()
            after.append(try Self.residentBytes(server.processIdentifier))
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

        #expect(server.isRunning, "the server survived")
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let errors = (try? String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        for sign in ["Fatal error", "Stack dump", "Backtrace", "Crash", "error:"] { #expect(!errors.contains(sign), "stderr: \(errors)") }
    }
}
