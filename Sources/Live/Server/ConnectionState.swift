import NIOCore
import NIOHTTP1

/// A connection's idle timeout and graceful shutdown, kept on NIOHTTP1's
/// parts right after the parser: Hummingbird's `HTTPConnectionStateHandler`
/// does the same on HTTPTypes parts, after the conversion to them, so it
/// would not see the requests `PredictFastPath` answers before that
/// conversion (which cost about a tenth of the server's CPU a request).
/// `GuardedHTTP1Channel` puts this in its place; the rules are its rules:
///
/// - A connection is closed once no part of a request has been read for
///   `idleTimeout`, unless it is answering a request read whole (a slow
///   answer is not idleness); the clock restarts when the last answer ends.
/// - On `ChannelShouldQuiesceEvent` (graceful shutdown) an idle connection
///   closes at once, a busy one after its last answer in hand is written.
final class HTTP1ConnectionState: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let idleTimeout: TimeAmount?
    /// Requests whose head was read and whose answer has not ended.
    var requestsInProgress = 0
    var isRequestBeingRead = false
    /// When a request part was last read or an answer last ended (the event loop's clock).
    var lastActive = NIODeadline.uptimeNanoseconds(0)
    var closeAfterAnswers = false
    /// The one idle check scheduled at a time; it re-arms itself.
    var idleCheck: Scheduled<Void>?

    init(idleTimeout: TimeAmount?) { self.idleTimeout = idleTimeout }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActive = context.eventLoop.now
        if context.channel.isActive { armIdleCheck(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActive = context.eventLoop.now
        armIdleCheck(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = context.eventLoop.now
        switch unwrapInboundIn(data) {
        case .head:
            isRequestBeingRead = true
            requestsInProgress += 1
        case .body: break
        case .end: isRequestBeingRead = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        requestsInProgress = max(0, requestsInProgress - 1)  // (a parser error's 400 answers no request read whole)
        guard requestsInProgress == 0 else {
            context.write(data, promise: promise)
            return
        }
        if closeAfterAnswers {
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
            return
        }
        lastActive = context.eventLoop.now
        armIdleCheck(context)
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if requestsInProgress > 0 { closeAfterAnswers = true } else { context.close(promise: nil) }
    }

    func armIdleCheck(_ context: ChannelHandlerContext) {
        guard let idleTimeout, idleCheck == nil else { return }
        scheduleIdleCheck(context, at: lastActive + idleTimeout)
    }

    func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            guard let idleTimeout, loopContext.value.channel.isActive else { return }
            // Answering a request read whole: the answer's end re-arms the check.
            if !isRequestBeingRead && requestsInProgress > 0 { return }
            let due = lastActive + idleTimeout
            if loopContext.value.eventLoop.now >= due { loopContext.value.close(promise: nil) } else { scheduleIdleCheck(loopContext.value, at: due) }
        }
    }
}
