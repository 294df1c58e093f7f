import NIOCore
import NIOPosix

/// Runs the server's tasks on NIO's event-loop threads instead of Swift
/// Concurrency's shared pool. Hummingbird handles each connection and
/// request in child tasks, which inherit a task executor preference: with
/// this one they run beside the sockets they serve — no hop to the shared
/// pool and back per request, and no waiting behind CPU-bound work that
/// occupies that pool (a simulation in the same process).
///
///     try await EventLoopExecutor.shared.run { try await app.runService() }
@available(macOS 15.0, *)
public final class EventLoopExecutor: TaskExecutor {
    let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) { self.group = group }

    /// On the shared event-loop group (one thread per core).
    public static let shared = EventLoopExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // Stay on the loop that enqueued the job (a connection's own), so a
        // request's steps never wake another thread; from elsewhere, any loop
        // of this group. `any()` checks that the current loop is this group's:
        // a task resumed by a future of another group (a load generator's)
        // must not be moved onto that group, which may be shutting down.
        group.any().execute { job.runSynchronously(on: executor) }
    }

    /// Runs `body` and the child tasks it makes on the event loops.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(self) { try await body() }
    }
}
