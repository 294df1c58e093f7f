import Features
import Randomness
import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// One serving tempo under test. The simulation drives every engine with the
/// same arrivals and decision points; an engine keeps real state, computes
/// real features with the shared definitions, scores the real model, and
/// answers. Only the passage of time comes from its cost model.
///
/// Engines are classes: each is one long-lived stateful component, driven by
/// reference from the run loop.
public protocol Engine: AnyObject {
    var name: String { get }
    var kind: EngineKind { get }
    var counters: EngineCounters { get }
    /// Called once at time zero.
    func start(_ context: EngineContext)
    /// An event reached the platform (now is its arrival time).
    func arrive(_ event: DomainEvent, _ context: EngineContext)
    /// An event happened (now is its event time). Only the oracle looks.
    func observe(_ event: DomainEvent, _ context: EngineContext)
    /// Whether `observe` does anything: the run loop hands events over as
    /// they happen only to engines that say so (a call costs the engine's
    /// reference count twice, and most engines see events only as they arrive).
    var observesEvents: Bool { get }
    /// The models fitted on the warm-up period are ready.
    func modelsReady(_ models: TrainedModels, _ context: EngineContext)
    /// Answer a decision point (now is its decision time).
    func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer
    /// One of the engine's own timers fired.
    func fire(_ timer: EngineTimer, _ context: EngineContext)
    /// The run is over at `context.now`: settle utilisation and the like.
    func finish(_ context: EngineContext)
    /// Items (events or decision points) of these entities come up: ask for
    /// the memory of the state they will touch. For `soon`'s, a few items
    /// ahead, what is found by id alone (a feature state's header, an
    /// online-store row); for `next`'s, an item or two ahead, what that
    /// leads to (the feature records the header points at), its first part
    /// asked for when it was `soon`. −1: no entity. A hint: nothing changes.
    /// A full-scale state is far larger than the cache and its entities come
    /// at random, so without it each touch waits for memory in turn.
    func prefetch(soon: Int32, next: Int32)
}

extension Engine {
    public func observe(_ event: DomainEvent, _ context: EngineContext) {}
    public var observesEvents: Bool { false }
    public func fire(_ timer: EngineTimer, _ context: EngineContext) {}
    public func finish(_ context: EngineContext) {}
    public func prefetch(soon: Int32, next: Int32) {}
}

/// A timer an engine set for itself: which engine, what for, and a number.
public struct EngineTimer: Hashable, Sendable {
    public var engine: Int32
    public var code: Int32
    public var argument: Int64

    public init(engine: Int32, code: Int32, argument: Int64 = 0) {
        self.engine = engine; self.code = code; self.argument = argument
    }
}

/// What engines share during a run: the clock, timers, the stores, the
/// workload's feature view, and randomness for their own faults.
public final class EngineContext {
    /// The current virtual time (set by the run loop before each call).
    public var now: SimTime = .zero
    public let workload: any Workload
    public let view: FeatureView
    public let offlineStore: OfflineStore
    public let predictionStore: PredictionStore
    public let randomness: RandomSource
    public let horizon: SimTime
    /// When measurement starts (the end of warm-up).
    public let measureFrom: SimTime
    /// Timers set during the current call, for the run loop to move into the kernel.
    var pendingTimers: [(SimTime, EngineTimer)] = []
    /// Engines by name, for one engine to read another's published predictions (set by the run loop).
    public var engines: [String: any Engine] = [:]
    /// Feature pipelines shared by engines whose stream consumers are configured identically (`FeatureStream`).
    var featureStreams: [FeatureStream.Key: FeatureStream] = [:]
    public init(workload: any Workload, view: FeatureView, offlineStore: OfflineStore, predictionStore: PredictionStore,
                randomness: RandomSource, horizon: SimTime, measureFrom: SimTime) {
        self.workload = workload; self.view = view; self.offlineStore = offlineStore; self.predictionStore = predictionStore
        self.randomness = randomness; self.horizon = horizon; self.measureFrom = measureFrom
    }

    /// Sets a timer; it fires at `time` (not before now).
    public func schedule(_ timer: EngineTimer, at time: SimTime) {
        pendingTimers.append((max(time, now), timer))
    }

    /// Hands the timers set since the last call to the run loop.
    public func takeTimers() -> [(SimTime, EngineTimer)] {
        // Most steps set no timer: returning the shared empty array then costs
        // nothing, where emptying a buffer the caller still holds allocated a
        // new one on every step of the run loop.
        guard !pendingTimers.isEmpty else { return [] }
        defer { pendingTimers.removeAll(keepingCapacity: true) }
        return pendingTimers
    }
}
