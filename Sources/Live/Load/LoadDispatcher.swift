import DequeModule
import NIOCore
import Statistics

/// Hands due requests to idle connections on one event loop, and measures.
///
/// Open loop: a request is due at its scheduled time whatever the server is
/// doing; if every connection is busy it waits in the backlog, and its
/// latency still counts from when it was due — so a stalled server cannot
/// hide its queueing by slowing the sender down (no coordinated omission,
/// as in MLPerf LoadGen). Closed loop: each connection sends its next
/// request as soon as the last is answered, latency from the send.
///
/// Confined to its event loop: every method runs there, which is what makes
/// it safe to share between the loop's connections without a lock.
final class LoadDispatcher: @unchecked Sendable {
    enum Mode { case open, closed }

    let loop: any EventLoop
    let mode: Mode
    /// (request number, due offset in ns) of this dispatcher's share of the schedule.
    let schedule: [(index: Int, offset: Int64)]
    let requests: [ByteBuffer]
    /// Closed loop: stop sending this long after the start (ns).
    let closedDuration: Int64
    let clock: @Sendable () -> Int64

    var start: Int64 = 0
    var next = 0
    var backlog = Deque<Int>()
    var idle: [LoadConnection] = []
    var connections = 0
    var outstanding = 0
    var closedSent = 0
    var finished = false
    let done: EventLoopPromise<Void>

    // Measures.
    var latency = DurationHistogram()
    var service = DurationHistogram()
    var statuses: [Int: Int] = [:]
    var completed = 0
    var errors: [String] = []
    var lastCompletion: Int64 = 0

    init(loop: any EventLoop, mode: Mode, schedule: [(index: Int, offset: Int64)], requests: [ByteBuffer],
         closedDuration: Int64, clock: @escaping @Sendable () -> Int64) {
        self.loop = loop
        self.mode = mode
        self.schedule = schedule
        self.requests = requests
        self.closedDuration = closedDuration
        self.clock = clock
        done = loop.makePromise()
    }

    func register(_ c: LoadConnection) {
        connections += 1
        idle.append(c)
    }

    /// Starts the run at `start` (ns, on `clock`'s scale).
    func begin(at start: Int64) {
        self.start = start
        switch mode {
        case .open: tick()
        case .closed:
            let all = idle
            idle.removeAll()
            for c in all { sendClosed(c) }
            checkDone()
        }
    }

    // MARK: Open loop

    func tick() {
        let elapsed = clock() - start
        while next < schedule.count && schedule[next].offset <= elapsed {
            backlog.append(next)
            next += 1
        }
        while !backlog.isEmpty, let c = idle.popLast() { sendOpen(c, backlog.removeFirst()) }
        if next < schedule.count {
            let wait = schedule[next].offset - (clock() - start)
            loop.scheduleTask(in: .nanoseconds(max(0, wait))) { self.tick() }
        } else {
            checkDone()
        }
    }

    func sendOpen(_ c: LoadConnection, _ position: Int) {
        let entry = schedule[position]
        outstanding += 1
        c.send(requests[entry.index % requests.count], position: position, due: start + entry.offset, now: clock())
    }

    // MARK: Closed loop

    func sendClosed(_ c: LoadConnection) {
        let now = clock()
        guard now - start < closedDuration, c.context != nil else { return }
        outstanding += 1
        closedSent += 1
        c.send(requests[(closedSent &* 7919) % requests.count], position: closedSent, due: now, now: now)
    }

    // MARK: Responses

    func completed(_ c: LoadConnection, status: Int) {
        let now = clock()
        guard let current = c.current else { note(HTTPStatusDecoder.Unsupported(description: "a response nobody asked for")); return }
        c.current = nil
        outstanding -= 1
        completed += 1
        lastCompletion = now
        statuses[status, default: 0] += 1
        latency.record(microseconds: (now - current.due) / 1_000)
        service.record(microseconds: (now - current.sent) / 1_000)
        switch mode {
        case .open:
            if !backlog.isEmpty { sendOpen(c, backlog.removeFirst()) } else { idle.append(c) }
        case .closed:
            sendClosed(c)
        }
        checkDone()
    }

    /// A connection closed: its request in flight is an error, and it takes no more.
    func lost(_ c: LoadConnection) {
        connections -= 1
        idle.removeAll { $0 === c }
        if c.current != nil {
            c.current = nil
            outstanding -= 1
            note(HTTPStatusDecoder.Unsupported(description: "connection closed with a request in flight"))
        }
        if connections == 0 && !finished {
            // Nothing left to send on: the rest of the schedule cannot be served.
            note(HTTPStatusDecoder.Unsupported(description: "every connection closed"))
            finish()
        }
        checkDone()
    }

    func note(_ error: any Error) {
        if errors.count < 1000 { errors.append(String(describing: error)) }
    }

    func checkDone() {
        guard !finished, outstanding == 0 else { return }
        switch mode {
        case .open: if next == schedule.count && backlog.isEmpty { finish() }
        case .closed: if clock() - start >= closedDuration || connections == 0 { finish() }
        }
    }

    /// Stops: called when everything is answered, or at the drain deadline.
    func finish() {
        guard !finished else { return }
        finished = true
        done.succeed(())
    }

    /// Requests due but never answered (the run hit its deadline first).
    var unanswered: Int {
        switch mode {
        case .open: schedule.count - completed
        case .closed: outstanding
        }
    }
}
