import Features
import Randomness
import ScenarioSpec
import SimKernel
import Workloads

/// The real-time engine: answers each decision point on request. Requests
/// queue FIFO in front of `servers` servers (the M/M/c model of
/// `Queueing.MMcSimulation`); service = online-store fetch + request-time
/// features + inference, drawn from the cost model. The online store is the
/// streaming feature pipeline's state, evaluated at the request time. A
/// request that would finish after `timeout` falls back — to the named batch
/// engine's latest published prediction, or to the default action — at the
/// timeout. Optional autoscaling adds servers when utilisation stays above
/// its target, after a scale-up delay.
public final class RealTimeEngine: Engine {
    public let name: String
    public let kind: EngineKind = .realtime
    public let configuration: RealTimeConfiguration
    public private(set) var counters = EngineCounters()
    let index: Int32

    var model: ScoringModel?
    var pipeline: FeaturePipeline?
    /// When each server is next free (crashes push it out by the restart time).
    var freeAt: [SimTime]
    var serviceTimes: RandomStream
    var faults: RandomStream
    var nextCrash: SimTime = .never
    var windowBusy = 0.0, windowStart = SimTime.zero
    var capacity = 0.0, lastCapacityChange = SimTime.zero

    enum Timer: Int32 { case crash = 1, autoscale = 2 }

    public init(name: String, index: Int32, configuration: RealTimeConfiguration, randomness: RandomSource) {
        self.name = name
        self.index = index
        self.configuration = configuration
        freeAt = Array(repeating: .zero, count: configuration.servers)
        let source = randomness.source("engine:\(name)")
        serviceTimes = source.stream("service")
        faults = source.stream("faults")
    }

    public func start(_ context: EngineContext) {
        pipeline = FeaturePipeline(context.view, throughput: configuration.featureThroughput)
        if configuration.crashRate.perSecond > 0 { scheduleCrash(context) }
        if configuration.autoscale != nil {
            context.schedule(EngineTimer(engine: index, code: Timer.autoscale.rawValue), at: context.now + configuration.autoscale!.interval)
        }
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) { model = models.full }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        pipeline!.enqueue(event, at: context.now)
        pipeline!.advance(to: context.now)
        counters.eventsProcessed += 1
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        pipeline!.advance(to: now)
        // FIFO M/M/c: the request takes the server that frees up first.
        var server = 0
        for i in freeAt.indices where freeAt[i] < freeAt[server] { server = i }
        let start = max(now, freeAt[server])
        let service = configuration.service.sample(&serviceTimes)
        let done = start + service
        let timeout = configuration.timeout
        if let timeout, done - now > timeout {
            // The client gives up at the timeout; the server still does the work it queued.
            freeAt[server] = done
            counters.busySeconds += service.seconds
            windowBusy += service.seconds
            counters.timeouts += 1
            counters.fallbacks += 1
            return fallbackAnswer(request, at: now + timeout, context)
        }
        freeAt[server] = done
        counters.busySeconds += service.seconds
        windowBusy += service.seconds
        guard let model else { return Answer(action: nil, answeredAt: done, fallback: true) }
        let features = pipeline!.values(for: request.entity, at: now)
        let score = model.score(context.view, entity: features, request: request)
        return Answer(action: DecisionPolicy.action(for: request, score: score, workload: context.workload),
                      answeredAt: done, score: score, computedAt: now, featuresAsOf: pipeline!.asOf(now),
                      modelVersion: model.version)
    }

    func fallbackAnswer(_ request: DecisionRequest, at time: SimTime, _ context: EngineContext) -> Answer {
        if case .batch(let engineName) = configuration.fallback,
           let batch = context.engines[engineName] as? BatchEngine,
           let p = batch.publishedPrediction(for: request.entity) {
            return Answer(action: DecisionPolicy.action(for: request, score: p.score, workload: context.workload),
                          answeredAt: time, score: p.score, computedAt: p.computedAt, featuresAsOf: p.featuresAsOf,
                          modelVersion: p.modelVersion, fallback: true)
        }
        return Answer(action: nil, answeredAt: time, fallback: true)
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        switch Timer(rawValue: timer.code) {
        case .crash:
            // A server crashes now and is back after the restart time; queued work on it waits.
            let victim = Int(faults.next() % UInt64(freeAt.count))
            freeAt[victim] = max(freeAt[victim], context.now) + configuration.restartTime
            counters.serverCrashes += 1
            counters.failures += 1
            scheduleCrash(context)
        case .autoscale:
            autoscale(context)
        case nil:
            preconditionFailure("unknown real-time timer \(timer.code)")
        }
    }

    func scheduleCrash(_ context: EngineContext) {
        let gap = Exponential(rate: configuration.crashRate.perSecond * Double(freeAt.count)).sample(&faults)
        context.schedule(EngineTimer(engine: index, code: Timer.crash.rawValue), at: context.now + SimDuration(seconds: gap))
    }

    /// Compares the last interval's utilisation with the target and resizes the pool.
    func autoscale(_ context: EngineContext) {
        guard let policy = configuration.autoscale else { return }
        let now = context.now
        let utilisation = windowBusy / (Double(freeAt.count) * (now - windowStart).seconds)
        noteCapacity(until: now)
        if utilisation > policy.targetUtilization && freeAt.count < policy.maxServers {
            // New servers become available after the scale-up delay.
            freeAt.append(now + policy.scaleUpDelay)
        } else if utilisation < policy.targetUtilization / 2 && freeAt.count > policy.minServers {
            if let idle = freeAt.indices.min(by: { freeAt[$0] < freeAt[$1] }), freeAt[idle] <= now { freeAt.remove(at: idle) }
        }
        windowBusy = 0
        windowStart = now
        context.schedule(EngineTimer(engine: index, code: Timer.autoscale.rawValue), at: now + policy.interval)
    }

    func noteCapacity(until now: SimTime) {
        capacity += Double(freeAt.count) * (now - lastCapacityChange).seconds
        lastCapacityChange = now
    }

    public func finish(_ context: EngineContext) {
        noteCapacity(until: context.now)
        counters.capacitySeconds = capacity
        counters.maxLagSeconds = pipeline?.maxLag.seconds ?? 0
        counters.lateEventsDropped = pipeline?.features.droppedLate ?? 0
        counters.stateBytes = (pipeline?.features.stateSize.records ?? 0) * IncrementalFeatures.bytesPerRecord
    }

    /// Servers in the pool now (autoscaling changes it).
    public var servers: Int { freeAt.count }
}
