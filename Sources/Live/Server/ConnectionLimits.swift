import Atomics
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

// What keeps abusive clients from taking the server down: a cap on open
// connections, and a deadline on each request. (Idle keep-alive connections
// are closed by Hummingbird's own idle timeout; bodies are capped by
// `maxBodyBytes`, requests in hand by `InFlightLimiter`.)

/// At most `limit` open client connections: at the limit the server stops
/// accepting, and further connections wait in the kernel's listen backlog
/// until one closes (accept backpressure, as Go's `LimitListener`). Memory
/// per connection is thus bounded by a count, not by how many clients come.
///
///     ApplicationConfiguration(availableConnectionsDelegate: ConnectionCap(limit: 1024, metrics: metrics))
///
/// NIO accepts up to 4 connections per wake-up of the listening socket
/// (`maxMessagesPerRead`) before it asks again, so the count can pass
/// `limit` by at most 3.
public struct ConnectionCap: AvailableConnectionsDelegate {
    public let limit: Int
    let metrics: ServerMetrics

    public init(limit: Int, metrics: ServerMetrics) {
        self.limit = limit
        self.metrics = metrics
    }

    // Called on the listening channel's event loop only: the one writer.
    public mutating func connectionOpened() {
        let open = metrics.openConnections.wrappingIncrementThenLoad(ordering: .relaxed)
        if open > metrics.peakConnections.load(ordering: .relaxed) { metrics.peakConnections.store(open, ordering: .relaxed) }
    }

    public mutating func connectionClosed() { metrics.openConnections.wrappingDecrement(ordering: .relaxed) }

    public func isAcceptingNewConnections() -> Bool { metrics.openConnections.load(ordering: .relaxed) < limit }
}

/// Closes a connection whose request has not been answered within `timeout`
/// of its first byte (for its first request, of connecting). A client that
/// trickles its headers or its body (slowloris) holds a connection — and,
/// while its body is collected, an in-flight slot — for that long at most,
/// however steadily it trickles (an idle timeout, reset by each byte, would
/// never fire); so does a connection opened only to hold a slot, which would
/// otherwise last the idle timeout.
///
/// It sits first in the pipeline, on raw bytes, so it sees a request begin
/// before the HTTP parser has a complete head. The deadline is set on
/// connecting and by the first byte received while none is set, and cleared
/// when the server writes (its answer); between requests the idle timeout
/// applies. A client that keeps trickling after an early answer (a 413 before
/// the body was read) sets a new one with its next byte.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let timeout: TimeAmount
    let metrics: ServerMetrics
    /// When the request in hand must be answered by; nil while none is in hand.
    var deadline: NIODeadline?
    /// The one check scheduled at a time. It is not cancelled when a request
    /// is answered: at the deadline it looks again, and re-arms for the next
    /// request's deadline if there is one. A timer set and cancelled per
    /// request cost a heap insertion and removal on the event loop each time.
    var check: Scheduled<Void>?

    init(timeout: TimeAmount, metrics: ServerMetrics) {
        self.timeout = timeout
        self.metrics = metrics
    }

    // An accepted channel may already be active when the handler is added.
    func handlerAdded(context: ChannelHandlerContext) { if context.channel.isActive { arm(context) } }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        arm(context)
        context.fireChannelRead(data)
    }

    /// Sets the deadline unless one is set.
    func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let at = context.eventLoop.now + timeout
        deadline = at
        if check == nil { scheduleCheck(context, at: at) }
    }

    func scheduleCheck(_ context: ChannelHandlerContext, at time: NIODeadline) {
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: time) { [self] in
            check = nil
            guard let deadline else { return }  // answered; the next request arms again
            if deadline > loopContext.value.eventLoop.now {
                scheduleCheck(loopContext.value, at: deadline)
            } else {
                metrics.requestTimeouts.wrappingIncrement(ordering: .relaxed)
                loopContext.value.close(promise: nil)
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        deadline = nil
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clear()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { clear() }

    func clear() {
        check?.cancel()
        check = nil
        deadline = nil
    }
}

/// Hummingbird's HTTP/1.1 channel with `RequestTimeoutHandler` in front of
/// its parser and `HTTP1ConnectionState` (idle timeout, graceful shutdown)
/// in place of its `HTTPConnectionStateHandler`, right after the parser, so
/// that, for a server, `PredictFastPath` can answer before the conversion to
/// HTTPTypes and still be seen by it.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http: HTTP1Channel
    let requestTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let metrics: ServerMetrics
    let fastPath: PredictionServer?

    init(responder: @escaping HTTPChannelHandler.Responder, options: PredictionServer.Options, metrics: ServerMetrics,
         fastPath: PredictionServer? = nil) {
        http = HTTP1Channel(responder: responder)
        requestTimeout = TimeAmount(options.requestTimeout)  // NIO clamps a huge duration instead of overflowing
        idleTimeout = TimeAmount(options.idleTimeout)
        self.metrics = metrics
        self.fastPath = fastPath
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Child channels are set up on their own event loop: the synchronous pipeline is safe here.
        do { try channel.pipeline.syncOperations.addHandler(RequestTimeoutHandler(timeout: requestTimeout, metrics: metrics)) } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            // Hummingbird's state handler, built without an idle timeout, would close on a quiesce
            // while a fast-path request is in hand, not having seen it: ours replaces it.
            pipeline.removeHandler(try pipeline.handler(type: HTTPConnectionStateHandler.self), promise: nil)
            let parser = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            var handlers: [any ChannelHandler] = [HTTP1ConnectionState(idleTimeout: idleTimeout)]
            if let fastPath { handlers.append(PredictFastPath(fastPath)) }
            try pipeline.addHandlers(handlers, position: .after(parser))
            // NIO drops an accepted connection's async wrapper if the server stops taking
            // connections (its task cancelled) first, and the wrapper's writer traps when
            // released unfinished (apple/swift-nio#2813) — likeliest with a backlog full of
            // flooding connections. Held until the channel closes, after its handlers are
            // removed (which finishes the writer); such a connection is then just closed
            // by the request timeout, armed on activation. (Tested by ServerAbuseTests.)
            channel.closeFuture.whenComplete { _ in withExtendedLifetime(value) {} }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await http.handle(value: value, logger: logger) }

    /// The server builder for `server`: its timeouts, and its predictions on the fast path.
    static func builder(_ server: PredictionServer) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, options: server.options, metrics: server.metrics, fastPath: server)
        }
    }
}

/// Raises this process's soft limit on open files to at least `needed`
/// (as far as the hard limit allows) and returns the limit in force: each
/// connection is a descriptor, and a cap above the limit would only turn
/// into failed accepts.
public func raiseOpenFileLimit(atLeast needed: Int) -> Int {
    #if os(Linux)
    let files = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let files = RLIMIT_NOFILE
    #endif
    var limit = rlimit()
    guard getrlimit(files, &limit) == 0 else { return needed }
    if limit.rlim_cur >= rlim_t(needed) { return Int(clamping: limit.rlim_cur) }
    var raised = limit
    raised.rlim_cur = min(rlim_t(needed), limit.rlim_max)
    if setrlimit(files, &raised) == 0 { return Int(clamping: raised.rlim_cur) }
    return Int(clamping: limit.rlim_cur)
}
