import Foundation
@testable import Live
import NIOCore
import NIOPosix

/// One raw TCP connection to a server under test: sends whatever bytes a
/// test wants — partial, trickled, garbage — and records the status of each
/// complete response (parsed by the load generator's `HTTPStatusDecoder`)
/// and when the server closed the connection.
///
///     let c = try await RawClient.connect(port: port)
///     try await c.send("GARBAGE\r\n\r\n")
///     #expect(await c.nextStatus() == 400)
final class RawClient: Sendable {
    let channel: any Channel
    let record: Record
    let openedAt: ContinuousClock.Instant

    /// What came back, written on the connection's event loop and read by the test.
    final class Record: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Int
        struct State {
            var statuses: [Int] = []
            var closedAt: ContinuousClock.Instant?
        }
        private let lock = NSLock()
        private var _state = State()
        // Unchecked: every access to `_state` holds `lock`.
        var state: State { lock.withLock { _state } }
        func update(_ change: (inout State) -> Void) { lock.withLock { change(&_state) } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let status = unwrapInboundIn(data)
            update { $0.statuses.append(status) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            update { $0.closedAt = .now }
            context.fireChannelInactive()
        }

        // A reset by the server, or a response the decoder cannot read: the connection is over.
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    init(channel: any Channel, record: Record, openedAt: ContinuousClock.Instant) {
        self.channel = channel
        self.record = record
        self.openedAt = openedAt
    }

    /// Connects, and writes `first` as soon as connected, on the connection's
    /// event loop: however late the test's task runs next, the server sees
    /// the bytes at once (its request timeout runs from accepting).
    static func connect(port: Int, sending first: String? = nil) async throws -> RawClient {
        let record = Record()
        let openedAt = ContinuousClock.now
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPStatusDecoder()))
                    try channel.pipeline.syncOperations.addHandler(record)
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in
                guard let first else { return channel.eventLoop.makeSucceededFuture(channel) }
                return channel.writeAndFlush(ByteBuffer(string: first)).map { channel }
            }
            .map { RawClient(channel: $0, record: record, openedAt: openedAt) }
            .get()
    }

    func send(_ bytes: some Sequence<UInt8>) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: Array(bytes))).get()
    }

    func send(_ text: String) async throws { try await send(text.utf8) }

    /// Sends `bytes` one at a time, `gap` apart, until all are sent or the server closes.
    func trickle(_ bytes: some Collection<UInt8>, gap: Duration) async {
        for byte in bytes {
            guard closedAt == nil, (try? await send([byte])) != nil else { return }
            await loopSleep(for: gap)
        }
    }

    var statuses: [Int] { record.state.statuses }
    var closedAt: ContinuousClock.Instant? { record.state.closedAt }

    /// The status of the response after the `already` seen so far, or nil if none came within `within`.
    func nextStatus(after already: Int? = nil, within: Duration = .seconds(5)) async -> Int? {
        let seen = already ?? 0
        _ = await eventually(within: within) { self.statuses.count > seen || self.closedAt != nil }
        let all = statuses
        return all.count > seen ? all[seen] : nil
    }

    /// Sends one complete request and returns its response's status.
    func exchange(_ request: String, within: Duration = .seconds(5)) async throws -> Int? {
        let seen = statuses.count
        try await send(request)
        return await nextStatus(after: seen, within: within)
    }

    /// Whether the server closed the connection within `within`.
    func waitUntilClosed(within: Duration) async -> Bool { await eventually(within: within) { self.closedAt != nil } }

    func close() { channel.close(promise: nil) }
}

/// Polls `condition` every 5 ms until it holds (true) or `within` has passed (false).
func eventually(within: Duration, _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + within
    while !condition() {
        if ContinuousClock.now >= end { return false }
        await loopSleep(for: .milliseconds(5))
    }
    return true
}

/// Sleeps on an event-loop timer. `Task.sleep` wakes through the shared
/// cooperative pool, which the suites' CPU-bound tests can hold for seconds:
/// a test polling a server past its request timeout that way saw the
/// timeout, not the state it polled for (CI, 2026-12-07).
func loopSleep(for duration: Duration) async {
    let (seconds, attoseconds) = duration.components
    let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    try? await MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {}.futureResult.get()
}
