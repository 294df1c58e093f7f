import Randomness
import SimKernel

/// The request-serving stage the realtime and rerank engines share: requests
/// queue FIFO in front of a pool of servers (the M/M/c model of
/// `Queueing.MMcSimulation`), each served for a time drawn from the cost
/// model; a request that would finish after the timeout is given up at the
/// timeout (its server still does the work). Servers crash and restart, and
/// an optional autoscaler adds servers when utilisation stays above its
/// target, after a scale-up delay, and removes idle ones below half of it.
///
///     var pool = ServerPool(configuration, engine: index, timerBase: 0, randomness: source)
///     pool.start(context)
///     switch pool.serve(at: now) { case .done(let t): … case .timedOut(let t): … }
struct ServerPool {
    enum Outcome {
        /// Served; the answer is ready then.
        case done(SimTime)
        /// The client gave up then.
        case timedOut(SimTime)
    }

    let configuration: RealTimeConfiguration
    let engine: Int32
    /// The pool's timer codes are base + 1 (crash) and base + 2 (autoscale),
    /// so an engine with timers of its own keeps them apart.
    let timerBase: Int32
    /// When each server is next free (crashes push it out by the restart time).
    var freeAt: [SimTime]
    var serviceTimes: RandomStream
    var faults: RandomStream
    var windowBusy = 0.0, windowStart = SimTime.zero
    var capacity = 0.0, lastCapacityChange = SimTime.zero
    /// Busy time, timeouts, crashes and capacity: the pool's share of its engine's counters.
    private(set) var counters = EngineCounters()

    init(_ configuration: RealTimeConfiguration, engine: Int32, timerBase: Int32, randomness: RandomSource) {
        self.configuration = configuration
        self.engine = engine
        self.timerBase = timerBase
        freeAt = Array(repeating: .zero, count: configuration.servers)
        serviceTimes = randomness.stream("service")
        faults = randomness.stream("faults")
    }

    var crashCode: Int32 { timerBase + 1 }
    var autoscaleCode: Int32 { timerBase + 2 }

    mutating func start(_ context: EngineContext) {
        if configuration.crashRate.perSecond > 0 { scheduleCrash(context) }
        if let policy = configuration.autoscale {
            context.schedule(EngineTimer(engine: engine, code: autoscaleCode), at: context.now + policy.interval)
        }
    }

    /// Admits a request made at `now`: it takes the server that frees up first.
    mutating func serve(at now: SimTime) -> Outcome {
        var server = 0
        for i in freeAt.indices where freeAt[i] < freeAt[server] { server = i }
        let service = configuration.latencyProfile?.sample(&serviceTimes) ?? configuration.service.sample(&serviceTimes)
        let done = max(now, freeAt[server]) + service
        freeAt[server] = done
        counters.busySeconds += service.seconds
        windowBusy += service.seconds
        if let timeout = configuration.timeout, done - now > timeout {
            counters.timeouts += 1
            return .timedOut(now + timeout)
        }
        return .done(done)
    }

    /// Handles the pool's own timers; false for a code that is not the pool's.
    mutating func fire(_ timer: EngineTimer, _ context: EngineContext) -> Bool {
        switch timer.code {
        case crashCode:
            // A server crashes now and is back after the restart time; queued work on it waits.
            let victim = Int(faults.next() % UInt64(freeAt.count))
            freeAt[victim] = max(freeAt[victim], context.now) + configuration.restartTime
            counters.serverCrashes += 1
            counters.failures += 1
            scheduleCrash(context)
            return true
        case autoscaleCode:
            autoscale(context)
            return true
        default:
            return false
        }
    }

    mutating func scheduleCrash(_ context: EngineContext) {
        let gap = Exponential(rate: configuration.crashRate.perSecond * Double(freeAt.count)).sample(&faults)
        context.schedule(EngineTimer(engine: engine, code: crashCode), at: context.now + SimDuration(seconds: gap))
    }

    /// Compares the last interval's utilisation with the target and resizes the pool.
    mutating func autoscale(_ context: EngineContext) {
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
        context.schedule(EngineTimer(engine: engine, code: autoscaleCode), at: now + policy.interval)
    }

    mutating func noteCapacity(until now: SimTime) {
        capacity += Double(freeAt.count) * (now - lastCapacityChange).seconds
        lastCapacityChange = now
    }

    /// Settles the capacity provisioned up to the end of the run.
    mutating func finish(at now: SimTime) {
        noteCapacity(until: now)
        counters.capacitySeconds = capacity
    }

    /// Servers in the pool now (autoscaling changes it).
    var servers: Int { freeAt.count }
}

extension EngineCounters {
    /// The sum of two sets of counters (an engine made of stages), the
    /// longest lag of either.
    func adding(_ other: EngineCounters) -> EngineCounters {
        var c = self
        c.batchRuns += other.batchRuns; c.failures += other.failures; c.retries += other.retries
        c.slaMisses += other.slaMisses; c.skippedRecords += other.skippedRecords
        c.predictionsWritten += other.predictionsWritten; c.eventsProcessed += other.eventsProcessed
        c.lateEventsDropped += other.lateEventsDropped; c.fallbacks += other.fallbacks; c.timeouts += other.timeouts
        c.serverCrashes += other.serverCrashes; c.replays += other.replays
        c.busySeconds += other.busySeconds; c.capacitySeconds += other.capacitySeconds
        c.maxLagSeconds = max(c.maxLagSeconds, other.maxLagSeconds)
        c.jobSeconds += other.jobSeconds; c.stateBytes += other.stateBytes
        return c
    }
}
