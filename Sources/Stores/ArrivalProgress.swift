import Foundation
import SimKernel

/// How far a loader has filled an offline store that others read while it
/// works: every arrival at or before `committedThrough` is committed. A
/// reader waits for the arrivals it asks for; the loader commits early when
/// one does (`isWaitedFor`), else only every couple of million rows.
///
///     // loader thread                          // reader thread
///     store.load(batch, completeThrough: t,     try reader.awaitArrivals(through: now)
///                publishingTo: progress)
///
/// A failure of the loader wakes every reader with its error; a cancelled
/// load (its readers are done) stops at its next batch.
public final class ArrivalProgress: @unchecked Sendable {
    private let condition = NSCondition()
    private var committed = Int64.min
    /// The earliest arrival time a waiting reader needs (`.max`: none waits).
    private var wanted = Int64.max
    private var failure: (any Error)?
    private var cancelled = false

    public init() {}

    /// Blocks until every arrival at or before `time` is committed; throws the loader's failure.
    public func wait(through time: SimTime) throws {
        condition.lock()
        defer { condition.unlock() }
        while committed < time.microseconds {
            if let failure { throw failure }
            wanted = min(wanted, time.microseconds)
            condition.wait()
        }
    }

    /// Whether a reader waits for an arrival at or before `time`.
    public func isWaitedFor(through time: SimTime) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return wanted <= time.microseconds
    }

    /// Publishes a commit; waiting readers check again (and say again what they still need).
    public func publish(committedThrough time: SimTime) {
        condition.lock()
        committed = max(committed, time.microseconds)
        wanted = .max
        condition.broadcast()
        condition.unlock()
    }

    /// The load failed: every read from now on throws `error`.
    public func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Asks the loader to stop: nobody will read further.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }

    public var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}
