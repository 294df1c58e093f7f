import Foundation
import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// A workload's offline store, loaded on a thread of its own ahead of the
/// simulations that read it: every arrival up to the horizon, in arrival
/// order, appended in batches (each sorted by entity) as a platform's
/// ingestion would land them.
///
///     let offline = try OfflineMaterialization(plan, path: "\(dir)/offline.sqlite")
///     let store = try offline.reader()          // one per simulation
///     try store.forEachEntity(arrivedBy: now, …) // waits until the load is past `now`
///
/// Why loading ahead is exact: every read of the store is bounded by arrival
/// time (what had arrived by a snapshot, a label time, a replay's end), and
/// waits until the loader has committed every arrival up to that bound. So a
/// read sees the same rows whether the store was filled as the simulation
/// went or ahead of it — and simulations of one workload (a run's engine
/// groups, a sweep's points) can share one store, written once, instead of
/// each writing its own.
public final class OfflineMaterialization: @unchecked Sendable {
    public let path: String
    let progress = ArrivalProgress()
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var finished: Result<Int, any Error>?

    /// Arrivals per append at most; `batchSpan` usually closes one first.
    /// Each append is a sorted run that every scan by entity merges, so
    /// fewer, longer ones make cheaper scans. (When the store had an entity
    /// index, each append rewrote most of its pages: at 100k a full-scale
    /// fraud run spent 44 s of system time copying pages, at 1M 23 s.) The
    /// loader holds an append in memory (~40 MB).
    public static let batchSize = 1_000_000
    /// Arrival time an append spans at most: a 48th of the run (an hour of a
    /// two-day one), so a small workload's readers (the fit at the end of
    /// warm-up) wait for a sliver of the load, not for most of it. No finer:
    /// every batch is a run of rows of its own in the table, so an entity's
    /// events lie in as many places as there are batches in its features'
    /// reach, and a scan merges them all (hourly batches made churn, with
    /// four-week windows, a third slower). Bounds depend on the data only:
    /// the store's layout, and so its size, is the same on every run.
    public static func batchSpan(run: SimDuration) -> SimDuration {
        max(.hours(1), SimDuration(microseconds: run.microseconds / 48))
    }

    /// Creates the store at `path` (replacing any file there) and starts loading the plan's workload into it.
    public init(_ plan: SimulationPlan, path: String) throws {
        self.path = path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try OfflineStore(path: path)  // the schema exists before any reader opens the file
        let workload = plan.workload, end = SimTime.zero + plan.scenario.warmup + plan.scenario.horizon
        let progress = progress
        let thread = Thread { [self] in
            let result = Result { try Self.load(workload, until: end, into: store, progress) }
            if case .failure(let error) = result { progress.fail(error) }
            lock.lock()
            finished = result
            lock.unlock()
            done.signal()
        }
        thread.name = "tempo.offline-load"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// A connection of its own for one simulation.
    public func reader() throws -> OfflineStore { try OfflineStore(readingFrom: path, progress: progress) }

    /// Waits for the load to end; the store's size in bytes.
    public func waitUntilLoaded() throws -> Int {
        done.wait()
        done.signal()  // for the next caller
        lock.lock()
        defer { lock.unlock() }
        return try finished!.get()
    }

    /// Stops the load at its next batch (nobody will read further) and waits for it.
    public func cancel() {
        progress.cancel()
        _ = try? waitUntilLoaded()
    }

    /// Generates the workload's items, holds each event until every item
    /// before its arrival has been generated (items come in time order, and
    /// nothing arrives before it happens), and appends arrivals in arrival
    /// order, ties in generation order — the order a simulation's kernel
    /// delivers them in.
    static func load(_ workload: any Workload, until end: SimTime, into store: OfflineStore,
                     _ progress: ArrivalProgress) throws -> Int {
        var generator = workload.makeGenerator(horizon: end - SimTime.zero)
        var inFlight = Simulator<DomainEvent>(capacity: 1024)
        var batch: [DomainEvent] = []
        batch.reserveCapacity(batchSize)
        let span = batchSpan(run: end - SimTime.zero)
        var closesAt = SimTime.zero + span
        while let item = generator.next() {
            // Every arrival before this item is known: later items happen, and so arrive, no earlier.
            while let t = inFlight.peekTime(), t < item.time, let e = inFlight.step() { batch.append(e) }
            if batch.count >= batchSize || item.time >= closesAt {
                guard !progress.isCancelled else { throw StoreError("the offline store's load was cancelled") }
                if !batch.isEmpty {
                    try store.load(batch, completeThrough: item.time - SimDuration(microseconds: 1), publishingTo: progress)
                    batch.removeAll(keepingCapacity: true)
                }
                closesAt = item.time + span
            }
            if case .event(let e) = item { inFlight.schedule(e, at: e.arrivalTime) }
        }
        while let e = inFlight.step() { batch.append(e) }
        try store.load(batch, completeThrough: .never, publishingTo: progress)
        return try store.finishLoading(publishingTo: progress)
    }
}

/// The offline stores of a run, or of a whole sweep: one per distinct
/// workload (its parameters, scale, seed and span), loaded once and read
/// by every simulation of that workload. Files live in `directory`.
///
///     let stores = OfflineStores(directory: work)
///     let offline = try stores.materialization(for: plan)
///     …
///     stores.close()     // after every simulation is done
public final class OfflineStores: @unchecked Sendable {
    struct Key: Hashable {
        var workload: WorkloadSpec
        var scale: Double
        var seed: UInt64
        var span: SimDuration
    }

    public let directory: String
    /// Remove the directory on `close` (a temporary one).
    let removesDirectory: Bool
    private let lock = NSLock()
    private var stores: [Key: OfflineMaterialization] = [:]

    /// Stores in `directory` (kept), or in a new temporary folder (removed on `close`).
    public init(directory: String? = nil) {
        self.directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("tempo-offline-\(getpid())-\(UUID().uuidString)").path
        removesDirectory = directory == nil
    }

    /// The store of `plan`'s workload, started by the first simulation that asks for it.
    public func materialization(for plan: SimulationPlan) throws -> OfflineMaterialization {
        let s = plan.scenario
        let key = Key(workload: s.workload, scale: s.scale, seed: s.seed, span: s.warmup + s.horizon)
        lock.lock()
        defer { lock.unlock() }
        if let store = stores[key] { return store }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = stores.isEmpty ? "offline.sqlite" : "offline-\(stores.count + 1).sqlite"
        let store = try OfflineMaterialization(plan, path: "\(directory)/\(name)")
        stores[key] = store
        return store
    }

    /// Stops any load still going and, for a temporary folder, removes it.
    public func close() {
        lock.lock()
        let all = Array(stores.values)
        stores = [:]
        lock.unlock()
        for store in all { store.cancel() }
        if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
