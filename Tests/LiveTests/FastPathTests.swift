import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Live
import Logging
import NIOCore
import NIOEmbedded
import ScenarioSpec
import Testing
import Workloads

/// `PredictFastPath` answers predictions in the channel pipeline; these
/// tests hold it to the responder's answers and to HTTP's ordering rules,
/// over real sockets (the responder-only tests in `PredictionServerTests`
/// never reach it).
@Suite(.serialized) struct FastPathTests {
    /// Every workload: the same requests, over the wire (fast path) and
    /// through the responder, get the same answers but for the latency.
    @Test(arguments: WorkloadKind.allCases)
    func wireAnswersEqualTheResponders(_ kind: WorkloadKind) async throws {
        let server = PredictionServer(model: try LiveFixtures.model(kind), options: .init(host: "127.0.0.1", port: 0))
        let bodies = try LiveFixtures.bodies(kind, count: 12) + [#"{"entity": "#, "[]"]
        let viaResponder = try await Application(responder: server.responder()).test(.router) { client in
            var answers: [(HTTPResponse.Status, String)] = []
            for body in bodies {
                answers.append(try await client.execute(uri: "/predict/\(kind.rawValue)", method: .post, body: ByteBuffer(string: body)) {
                    ($0.status, Self.normalised($0.body.readableBytesView))
                })
            }
            return answers
        }
        let wire = try await HTTPRoundTrip.withServer(server) { port in
            let socket = try LoopbackSocket(port: port)
            var answers: [(Int, String)] = []
            for body in bodies {
                try socket.send("POST /predict/\(kind.rawValue) HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let response = try #require(try socket.responses(1).first)
                answers.append((response.status, Self.normalised(response.body)))
            }
            return answers
        }
        #expect(wire.map(\.0) == viaResponder.map { $0.0.code })
        #expect(wire.map(\.1) == viaResponder.map(\.1))
        #expect(viaResponder.suffix(2).allSatisfy { $0.0 == .badRequest }, "the two malformed payloads")
    }

    /// A JSON answer without its latency, keys sorted, as text.
    static func normalised(_ bytes: some Sequence<UInt8>) -> String {
        var json = jsonObject(bytes)
        json["latency_us"] = nil
        return String(describing: json.sorted { $0.key < $1.key })
    }

    /// Requests sent back to back on one connection are answered in their
    /// order, whichever path answers each: a prediction behind a request
    /// Hummingbird is still answering waits its turn.
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: .init(host: "127.0.0.1", port: 0))
        func predict(_ id: Int) -> String {
            let body = #"{"id": \#(id), "entity": 17, "item": 5, "amount": 12.5}"#
            return "POST /predict/fraud HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", metrics = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        let sent = [predict(1), health, predict(2), predict(3), metrics, predict(4), health, predict(5)]
        let responses = try await HTTPRoundTrip.withServer(server) { port in
            let socket = try LoopbackSocket(port: port)
            try socket.send(sent.joined())
            return try socket.responses(sent.count)
        }
        #expect(responses.map(\.status) == Array(repeating: 200, count: sent.count))
        let what = responses.map { r -> String in
            let text = String(decoding: r.body, as: UTF8.self)
            if text.hasPrefix("# HELP") { return "metrics" }
            let json = jsonObject(r.body)
            return (json["status"] as? String).map { _ in "health" } ?? "id \(json["id"] as? Int ?? -1)"
        }
        #expect(what == ["id 1", "health", "id 2", "id 3", "metrics", "id 4", "health", "id 5"])
    }

    /// `Connection: close` is honoured on the fast path: the answer, then the server closes.
    @Test func connectionCloseClosesAfterTheAnswer() async throws {
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: .init(host: "127.0.0.1", port: 0))
        let body = #"{"id": 9, "entity": 17, "item": 5, "amount": 12.5}"#
        let (responses, closed) = try await HTTPRoundTrip.withServer(server) { port in
            let socket = try LoopbackSocket(port: port)
            try socket.send("POST /predict/fraud HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            return (try socket.responses(1), try socket.readsEndOfStream())
        }
        #expect(responses.map(\.status) == [200])
        #expect(closed)
    }

    // The connection's idle timeout and graceful shutdown must see the
    // requests the fast path answers, though it answers them before the
    // conversion Hummingbird's own state handler works after. These run a
    // connection built as the server builds one on an embedded channel, on
    // its virtual clock.

    /// A connection kept busy by predictions for three idle timeouts stays
    /// open; once they stop, it closes when the timeout has passed since the last answer.
    @Test func fastPathAnswersKeepAConnectionFromIdlingOut() throws {
        let connection = try EmbeddedConnection(idleTimeout: .seconds(1))
        for id in 0..<30 {
            connection.loop.advanceTime(by: .milliseconds(100))
            try connection.send(Self.predict(id))
            #expect(try connection.statuses() == [200])
        }
        connection.loop.advanceTime(by: .milliseconds(999))
        #expect(connection.channel.isActive, "busy until 3 s, idle for 999 ms")
        connection.loop.advanceTime(by: .milliseconds(1))
        #expect(!connection.channel.isActive, "idle for the timeout since the last answer")
    }

    /// A graceful shutdown closes an idle connection at once, and a
    /// connection with a prediction in hand (head read, body arriving)
    /// only after that prediction's answer.
    @Test func aShutdownLetsTheFastPathAnswerInHandGoOutFirst() throws {
        let idle = try EmbeddedConnection(idleTimeout: .seconds(75))
        idle.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!idle.channel.isActive)

        let busy = try EmbeddedConnection(idleTimeout: .seconds(75))
        let request = Self.predict(1)
        try busy.send(String(request.dropLast(5)))
        busy.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(busy.channel.isActive, "a prediction is in hand")
        try busy.send(String(request.suffix(5)))
        #expect(try busy.statuses() == [200])
        #expect(!busy.channel.isActive, "closed after its answer")
    }

    static func predict(_ id: Int) -> String {
        let body = #"{"id": \#(id), "entity": 17, "item": 5, "amount": 12.5}"#
        return "POST /predict/fraud HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }
}

/// One server connection, set up as `PredictionServer` sets each up, on an
/// embedded channel: bytes in, answers out, time advanced by hand.
struct EmbeddedConnection {
    let loop = EmbeddedEventLoop()
    let channel: EmbeddedChannel

    init(idleTimeout: Duration) throws {
        var options = PredictionServer.Options()
        options.idleTimeout = idleTimeout
        options.requestTimeout = .seconds(3600)  // out of the way
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: options)
        let guarded = GuardedHTTP1Channel(responder: { _, _, _ in }, options: options, metrics: server.metrics, fastPath: server)
        channel = EmbeddedChannel(loop: loop)
        _ = try guarded.setup(channel: channel, logger: Logger(label: "test")).wait()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    func send(_ text: String) throws { try channel.writeInbound(ByteBuffer(string: text)) }

    /// The status codes of the responses written since the last call.
    func statuses() throws -> [Int] {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            text += String(buffer: buffer)
        }
        return text.split(separator: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }.compactMap { Int($0.split(separator: " ")[1]) }
    }
}

/// A blocking loopback TCP client that reads whole HTTP/1.1 responses
/// (Content-Length framed, as this server writes them).
final class LoopbackSocket {
    let fd: Int32
    var received: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let code = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard code == 0 else { close(fd); throw Failure("cannot connect to port \(port)") }
    }

    deinit { close(fd) }

    struct Failure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sentBytes = 0
        while sentBytes < bytes.count {
            let n = bytes[sentBytes...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure("send failed") }
            sentBytes += n
        }
    }

    /// Reads more bytes; false at the end of the stream.
    func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw Failure("no answer within 10 s") }
        received += buffer.prefix(n)
        return n > 0
    }

    /// The next `count` responses: status and body.
    func responses(_ count: Int) throws -> [(status: Int, body: [UInt8])] {
        var out: [(Int, [UInt8])] = []
        while out.count < count {
            let separator = Array("\r\n\r\n".utf8)
            guard let end = received.indices.first(where: { received[$0...].starts(with: separator) }) else {
                guard try fill() else { throw Failure("closed after \(out.count) responses") }
                continue
            }
            let head = String(decoding: received[..<end], as: UTF8.self)
            let status = Int(head.split(separator: " ")[1]) ?? -1
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyStart = end + separator.count
            guard received.count >= bodyStart + length else {
                guard try fill() else { throw Failure("closed inside a response") }
                continue
            }
            out.append((status, Array(received[bodyStart..<bodyStart + length])))
            received.removeFirst(bodyStart + length)
        }
        return out
    }

    /// Whether the server closed the connection (nothing more to read).
    func readsEndOfStream() throws -> Bool { try !fill() && received.isEmpty }
}
