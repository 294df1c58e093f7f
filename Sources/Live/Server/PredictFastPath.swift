import NIOCore
import NIOHTTP1

/// Answers `POST /predict/<workload>` in the channel pipeline, on the
/// connection's event loop, as the request's last part arrives. Scoring
/// takes microseconds and never blocks; handing each request to
/// Hummingbird's async responder cost about 60 µs of server CPU a request
/// (a task, executor hops, an async body iterator and generic metadata
/// lookups), several times the scoring. Everything else — other routes,
/// and any request while one handed to Hummingbird is unanswered, so that
/// answers keep their order on a pipelining connection — goes on to
/// Hummingbird unchanged.
///
/// It works on NIOHTTP1's parts, before Hummingbird's conversion to
/// HTTPTypes (a tenth of the server's CPU a request, now spent only on the
/// requests forwarded), behind `HTTP1ConnectionState`, which thus sees
/// these requests and answers too (idle timeout, graceful shutdown), and
/// behind `RequestTimeoutHandler`. The answers are the responder's: the same
/// `PredictionServer` functions make them, with the same in-flight bound
/// (a slot held from the head until the answer), body bound and metrics.
final class PredictFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        case idle
        /// A prediction request's body is arriving.
        case collecting(start: NIODeadline, closeAfter: Bool)
        /// Answered early (503, 413): the rest of the request is read and dropped.
        case discarding
        /// The request is Hummingbird's.
        case forwarding
    }

    let server: PredictionServer
    let path: String
    var state = State.idle
    var body = ByteBuffer()
    /// Requests handed to Hummingbird whose answer has not ended yet.
    var outstanding = 0

    init(_ server: PredictionServer) {
        self.server = server
        path = server.predictPath
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (state, part) {
        case (.idle, .head(let head)):
            guard outstanding == 0, head.method == .POST, head.uri == path else {
                outstanding += 1
                state = .forwarding
                context.fireChannelRead(data)
                return
            }
            let closeAfter = !head.isKeepAlive
            guard server.limiter.tryAcquire() else {
                state = .discarding
                respond(context, server.overloaded(), closeAfter: closeAfter)
                return
            }
            state = .collecting(start: .now(), closeAfter: closeAfter)  // holds the slot
            let declared = head.headers.first(name: "content-length").flatMap { Int($0) }
            if let declared, declared > server.options.maxBodyBytes {
                tooLarge(context, closeAfter: closeAfter)
                return
            }
            body.clear(minimumCapacity: min(declared ?? 256, server.options.maxBodyBytes))
        case (.collecting(_, let closeAfter), .body(var chunk)):
            guard body.readableBytes + chunk.readableBytes <= server.options.maxBodyBytes else {
                tooLarge(context, closeAfter: closeAfter)
                return
            }
            body.writeBuffer(&chunk)
        case (.collecting(let start, let closeAfter), .end):
            let answer = body.withUnsafeReadableBytes { server.answer(toBody: $0, since: start) }
            releaseSlot()
            respond(context, answer, closeAfter: closeAfter)
        case (.discarding, .end):
            state = .idle
        case (.discarding, _), (.collecting, .head):
            break  // (a head inside a request cannot come from the parser)
        case (.forwarding, .end):
            state = .idle
            context.fireChannelRead(data)
        case (.forwarding, _), (.idle, _):
            context.fireChannelRead(data)
        }
    }

    func tooLarge(_ context: ChannelHandlerContext, closeAfter: Bool) {
        releaseSlot()
        state = .discarding
        respond(context, server.tooLarge(), closeAfter: closeAfter)
    }

    func respond(_ context: ChannelHandlerContext, _ answer: PredictionServer.Reply, closeAfter: Bool) {
        var headers: HTTPHeaders = ["content-type": "application/json", "content-length": String(answer.json.utf8.count)]
        if closeAfter { headers.add(name: "connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: answer.status.code, reasonPhrase: answer.status.reasonPhrase)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.json)))), promise: nil)
        guard closeAfter else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopContext.value.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // (Not below zero: the 400 Hummingbird writes for a parser error answers no forwarded request.)
        if case .end = unwrapOutboundIn(data) { outstanding = max(0, outstanding - 1) }
        context.write(data, promise: promise)
    }

    /// A parser error ends the request in hand: Hummingbird answers it (400) and closes.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        releaseSlot()
        state = .idle
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseSlot()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { releaseSlot() }

    /// Ends the request being collected, if any, giving back the in-flight slot it holds.
    func releaseSlot() {
        guard case .collecting = state else { return }
        state = .idle
        server.limiter.release()
    }
}
