import Engines
import Features
import Foundation
import Randomness
import ScenarioSpec
import SimKernel
import Stores
import Workloads

/// Drives one scenario: the workload's items through the kernel to every
/// engine, models fitted at the end of warm-up, and each measured decision
/// handed to `record` with every engine's answer, in engine order.
///
///     let simulation = try ScenarioSimulation(plan, directory: dir)
///     let summary = try simulation.run { decision, answers in ledger.record(decision, answers) }
///
/// The kernel's events are small values: a pull of the workload's next item,
/// an arrival, an engine's timer, and the one-off training step. Items come
/// from the generator one at a time, so memory stays bounded by what is in
/// flight, not by the horizon.
public final class ScenarioSimulation {
    public let plan: SimulationPlan
    public let directory: String
    public private(set) var engines: [any Engine] = []
    /// The engines that look at events as they happen (`Engine.observesEvents`).
    var observers: [any Engine] = []
    public private(set) var models: TrainedModels?
    public let context: EngineContext
    var training = TrainingSample()

    enum RunEvent {
        case nextItem
        case arrival(DomainEvent)
        case timer(EngineTimer)
        case train
    }

    /// The fits so far: the first at the end of warm-up, then one per `retrain`.
    public private(set) var fits = 0

    /// The offline store's load when this simulation started its own (no shared `offline` given).
    let ownOffline: OfflineMaterialization?
    /// Fits shared with the other simulations of the replication, if any.
    let sharedFits: SharedFits?

    /// With `resume`, the prediction store left by an interrupted run of the
    /// same scenario is kept: the run is deterministic, so it replays to the
    /// same jobs, and their finished partitions (checkpointed with their rows)
    /// are not written again. The offline store is derived from the workload
    /// and always rebuilt: loaded by `offline`, shared with other simulations
    /// of the same workload, or else by a load of this simulation's own in `directory`.
    /// Simulations of one replication's engine groups pass the same `fits`.
    public init(_ plan: SimulationPlan, directory: String, resume: Bool = false, offline shared: OfflineMaterialization? = nil,
                fits: SharedFits? = nil) throws {
        self.plan = plan
        self.directory = directory
        sharedFits = fits
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !resume {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "\(directory)/predictions.sqlite\(suffix)") }
        }
        ownOffline = shared == nil ? try OfflineMaterialization(plan, path: "\(directory)/offline.sqlite") : nil
        let offline = try (shared ?? ownOffline!).reader()
        let predictions = try PredictionStore(path: "\(directory)/predictions.sqlite")
        let scenario = plan.scenario
        let randomness = RandomSource(seed: scenario.seed).source("engines")
        context = EngineContext(workload: plan.workload, view: plan.view, offlineStore: offline, predictionStore: predictions,
                                randomness: randomness, horizon: SimTime.zero + scenario.warmup + scenario.horizon,
                                measureFrom: SimTime.zero + scenario.warmup)
        for (i, engine) in plan.engines.enumerated() {
            let made = engine.configuration.makeEngine(name: engine.name, index: Int32(i), randomness: randomness)
            engines.append(made)
            context.engines[engine.name] = made
        }
        observers = engines.filter(\.observesEvents)
        training = TrainingSample(randomness: RandomSource(seed: scenario.seed).source("training").stream("sample"))
    }

    deinit { ownOffline?.cancel() }

    /// Runs warm-up and horizon. `progress` gets the fraction of virtual time done.
    public func run(progress: (Double) -> Void = { _ in },
                    record: (Decision, [Answer]) throws -> Void) throws {
        let end = context.horizon
        var sim = Simulator<RunEvent>(capacity: 1024)
        var generator = plan.workload.makeGenerator(horizon: end - SimTime.zero)
        // The next items, generated a few ahead so that every engine can ask
        // for the state of their entities before it is needed
        // (`Engine.prefetch`): first as an item joins, then two items before its turn.
        let lookahead = 4
        var ahead: [WorkloadItem] = []
        ahead.reserveCapacity(lookahead)
        var prefetched: (soon: Int32, next: Int32) = (-1, -1)
        while ahead.count < lookahead, let item = generator.next() { ahead.append(item) }
        if let first = ahead.first { sim.schedule(.nextItem, at: first.time) }
        sim.schedule(.train, at: context.measureFrom)
        for engine in engines { engine.start(context) }
        moveTimers(into: &sim)
        var answers = [Answer]()
        answers.reserveCapacity(engines.count)
        var lastProgress = SimTime.zero
        let progressStep = SimDuration(microseconds: max(1, (end - SimTime.zero).microseconds / 200))

        while let time = sim.peekTime(), time <= end, let event = sim.step() {
            context.now = sim.now
            switch event {
            case .nextItem:
                guard !ahead.isEmpty else { break }
                let item = ahead.removeFirst()
                if let next = generator.next() { ahead.append(next) }
                let soon = ahead.count == lookahead ? ahead[lookahead - 1].entity : -1
                let next = ahead.count > 1 ? ahead[1].entity : -1
                // A decision and its event come one after the other for the
                // same entity, so every other item would ask for the same
                // memory again; each call also costs a retain and a release of the engine.
                if soon != prefetched.soon || next != prefetched.next {
                    for engine in engines { engine.prefetch(soon: soon, next: next) }
                    prefetched = (soon, next)
                }
                if let next = ahead.first { sim.schedule(.nextItem, at: next.time) }
                switch item {
                case .event(let e):
                    for engine in observers { engine.observe(e, context) }
                    sim.schedule(.arrival(e), at: e.arrivalTime)
                case .decision(let d):
                    if sim.now < context.measureFrom || plan.scenario.retrain != nil { training.offer(d) }
                    if sim.now >= context.measureFrom {
                        answers.removeAll(keepingCapacity: true)
                        for engine in engines { answers.append(engine.decide(d.request, context)) }
                        try record(d, answers)
                    }
                }
            case .arrival(let e):
                for engine in engines { engine.arrive(e, context) }
            case .timer(let t):
                engines[Int(t.engine)].fire(t, context)
            case .train:
                try train()
                if let cadence = plan.scenario.retrain, sim.now + cadence <= end { sim.schedule(.train, at: sim.now + cadence) }
            }
            moveTimers(into: &sim)
            if sim.now - lastProgress >= progressStep {
                lastProgress = sim.now
                progress((sim.now - SimTime.zero).seconds / (end - SimTime.zero).seconds)
            }
        }
        context.now = end
        for engine in engines { engine.finish(context) }
        ownOffline?.cancel()  // (a load that ran to the horizon is already done)
        progress(1)
    }

    func moveTimers(into sim: inout Simulator<RunEvent>) {
        for (time, timer) in context.takeTimers() { sim.schedule(.timer(timer), at: time) }
    }

    /// Fits the models on what warm-up (or the last retraining period)
    /// labelled, joined point in time to the offline store (ModelFitting.swift).
    func train() throws {
        models = try sharedFits?.fit(fits) { try fitModels() } ?? fitModels()
        fits += 1
        // The next fit learns from what is labelled from now on.
        training = TrainingSample(randomness: RandomSource(seed: plan.scenario.seed).source("training").stream("sample-\(fits)"))
        for engine in engines { engine.modelsReady(models!, context) }
    }
}

/// Every positive warm-up decision and a uniform reservoir of the negatives
/// (Vitter's algorithm R), so training stays a fixed size however long the
/// warm-up; `negativeRate` says how thinly negatives were kept.
struct TrainingSample {
    var positives: [Decision] = []
    var negatives: [Decision] = []
    var negativesSeen = 0
    var capacity = 20_000
    var randomness = RandomSource(seed: 0).stream("unused")

    init() {}
    init(randomness: RandomStream) { self.randomness = randomness }

    mutating func offer(_ d: Decision) {
        if d.truth.label {
            if positives.count < capacity { positives.append(d) }
            return
        }
        negativesSeen += 1
        if negatives.count < capacity {
            negatives.append(d)
        } else {
            let slot = Int(randomness.next() % UInt64(negativesSeen))
            if slot < capacity { negatives[slot] = d }
        }
    }

    var rows: [Decision] { (positives + negatives).sorted { $0.request.id < $1.request.id } }
    var negativeRate: Double { negativesSeen == 0 ? 1 : Double(negatives.count) / Double(negativesSeen) }
}

public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
