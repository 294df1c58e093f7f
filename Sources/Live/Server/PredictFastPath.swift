import HTTPTypes
import NIOCore
import NIOHTTPTypes

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
/// It sits after Hummingbird's `HTTPConnectionStateHandler`, which thus sees
/// these requests and answers too (idle timeout, graceful shutdown), and
/// behind `RequestTimeoutHandler`. The answers are the responder's: the same
/// `PredictionServer` functions make them, with the same in-flight bound
/// (a slot held from the head until the answer), body bound and metrics.
final class PredictFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

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
            guard outstanding == 0, head.method == .post, head.path == path else {
                outstanding += 1
                state = .forwarding
                context.fireChannelRead(data)
                return
            }
            let closeAfter = head.headerFields[.connection]?.lowercased().contains("close") ?? false
            guard server.limiter.tryAcquire() else {
                state = .discarding
                respond(context, server.overloaded(), closeAfter: closeAfter)
                return
            }
            state = .collecting(start: .now(), closeAfter: closeAfter)  // holds the slot
            let declared = head.headerFields[.contentLength].flatMap { Int($0) }
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
        var fields = PredictionServer.jsonHeaders
        fields[.contentLength] = String(answer.json.utf8.count)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: answer.json))), promise: nil)
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
