import Features
import SimKernel
import Workloads

/// `tempo bench features`: the fraud feature view kept up to date one event
/// at a time (`IncrementalFeatures.process`), in events per second, over the
/// fraud workload's authorizations in arrival order — full scale by default:
/// 2M users, ~10M events a day, two days (so state expiry runs in steady
/// state), late and out-of-order arrivals as the workload makes them. Beside
/// it, on a smaller population (a tenth, the same events per user), one read
/// of the event's user after every event: incrementally (update, then
/// `values(for:asOf:)`) and by full recompute from the user's raw events
/// (`FullRecompute.values`), the way a batch job would answer the same read.
///
///     let result = FeaturesBenchmark(scale: 1).run(Sampler(repetitions: 5, counter: nil))
///     print(result.eventsPerSecond.median)   // goal ≥ 5M
///
/// The watermark settings are the streaming engines' (2 s out-of-orderness,
/// 5 min allowed lateness). Events are generated once, before any clock
/// starts; each timed run starts from empty state, made and freed off the clock.
public struct FeaturesBenchmark: Sendable {
    public static let goalEventsPerSecond = 5_000_000.0

    /// Scale of the days streamed through incremental updates.
    public var scale: Double
    /// Days of events: two by default, as the engines see them (a warm-up day,
    /// then a measured one), so that state expiry, which starts a day after
    /// the first event, is in the measurement.
    public var days: Int
    /// Scale of the smaller day on which reads are compared.
    public var readScale: Double
    public var seed: UInt64
    public var outOfOrderness = SimDuration.seconds(2)
    public var allowedLateness: SimDuration? = .minutes(5)

    public init(scale: Double = 1, days: Int = 2, readScale: Double = 0.1, seed: UInt64 = 1) {
        precondition(scale > 0 && readScale > 0 && days >= 1, "scales and days must be positive")
        self.scale = scale
        self.days = days
        self.readScale = readScale
        self.seed = seed
    }

    public struct Result: Sendable, Codable, Equatable {
        public let scale: Double
        public let days: Int
        public let events: Int
        public let users: Int
        /// Incremental updates per second over the full stream, one `process` call per event: the goal figure.
        public let eventsPerSecond: Throughput
        /// The same updates handed over as one run (`process(contentsOf:)`),
        /// which asks for the next entities' memory ahead of time.
        public let batchedEventsPerSecond: Throughput
        public let updateLatency: LatencySummary
        public let readScale: Double
        public let readEvents: Int
        /// Update then read the event's user, incrementally, per second.
        public let incrementalReadEventsPerSecond: Throughput
        /// Append to the user's raw events, then recompute every feature from them, per second.
        public let fullRecomputeEventsPerSecond: Throughput
        public let readLatency: LatencySummary
        /// Late events applied and dropped in one pass over the full stream.
        public let acceptedLate: Int
        public let droppedLate: Int
        /// Pane, item and session records held at the end of the day.
        public let stateRecords: Int
        public var incrementalReadOverFullRecompute: Double {
            incrementalReadEventsPerSecond.median / fullRecomputeEventsPerSecond.median
        }
        public var meetsGoal: Bool { eventsPerSecond.median >= FeaturesBenchmark.goalEventsPerSecond }

        enum CodingKeys: String, CodingKey {
            case scale, days, events, users
            case eventsPerSecond = "events_per_second"
            case batchedEventsPerSecond = "batched_events_per_second"
            case updateLatency = "update_latency"
            case readScale = "read_scale"
            case readEvents = "read_events"
            case incrementalReadEventsPerSecond = "incremental_read_events_per_second"
            case fullRecomputeEventsPerSecond = "full_recompute_events_per_second"
            case readLatency = "read_latency"
            case acceptedLate = "accepted_late"
            case droppedLate = "dropped_late"
            case stateRecords = "state_records"
            case incrementalReadOverFullRecompute = "incremental_read_over_full_recompute"
            case goal = "goal_events_per_second"
            case meetsGoal = "meets_goal"
        }

        public init(scale: Double, days: Int, events: Int, users: Int, eventsPerSecond: Throughput,
                    batchedEventsPerSecond: Throughput, updateLatency: LatencySummary,
                    readScale: Double, readEvents: Int, incrementalReadEventsPerSecond: Throughput,
                    fullRecomputeEventsPerSecond: Throughput, readLatency: LatencySummary,
                    acceptedLate: Int, droppedLate: Int, stateRecords: Int) {
            self.scale = scale; self.days = days; self.events = events; self.users = users; self.eventsPerSecond = eventsPerSecond
            self.batchedEventsPerSecond = batchedEventsPerSecond
            self.updateLatency = updateLatency; self.readScale = readScale; self.readEvents = readEvents
            self.incrementalReadEventsPerSecond = incrementalReadEventsPerSecond
            self.fullRecomputeEventsPerSecond = fullRecomputeEventsPerSecond; self.readLatency = readLatency
            self.acceptedLate = acceptedLate; self.droppedLate = droppedLate; self.stateRecords = stateRecords
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(scale: try c.decode(Double.self, forKey: .scale), days: try c.decode(Int.self, forKey: .days), events: try c.decode(Int.self, forKey: .events),
                      users: try c.decode(Int.self, forKey: .users),
                      eventsPerSecond: try c.decode(Throughput.self, forKey: .eventsPerSecond),
                      batchedEventsPerSecond: try c.decode(Throughput.self, forKey: .batchedEventsPerSecond),
                      updateLatency: try c.decode(LatencySummary.self, forKey: .updateLatency),
                      readScale: try c.decode(Double.self, forKey: .readScale), readEvents: try c.decode(Int.self, forKey: .readEvents),
                      incrementalReadEventsPerSecond: try c.decode(Throughput.self, forKey: .incrementalReadEventsPerSecond),
                      fullRecomputeEventsPerSecond: try c.decode(Throughput.self, forKey: .fullRecomputeEventsPerSecond),
                      readLatency: try c.decode(LatencySummary.self, forKey: .readLatency),
                      acceptedLate: try c.decode(Int.self, forKey: .acceptedLate), droppedLate: try c.decode(Int.self, forKey: .droppedLate),
                      stateRecords: try c.decode(Int.self, forKey: .stateRecords))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(scale, forKey: .scale)
            try c.encode(days, forKey: .days)
            try c.encode(events, forKey: .events)
            try c.encode(users, forKey: .users)
            try c.encode(eventsPerSecond, forKey: .eventsPerSecond)
            try c.encode(batchedEventsPerSecond, forKey: .batchedEventsPerSecond)
            try c.encode(updateLatency, forKey: .updateLatency)
            try c.encode(readScale, forKey: .readScale)
            try c.encode(readEvents, forKey: .readEvents)
            try c.encode(incrementalReadEventsPerSecond, forKey: .incrementalReadEventsPerSecond)
            try c.encode(fullRecomputeEventsPerSecond, forKey: .fullRecomputeEventsPerSecond)
            try c.encode(readLatency, forKey: .readLatency)
            try c.encode(acceptedLate, forKey: .acceptedLate)
            try c.encode(droppedLate, forKey: .droppedLate)
            try c.encode(stateRecords, forKey: .stateRecords)
            try c.encode(incrementalReadOverFullRecompute, forKey: .incrementalReadOverFullRecompute)
            try c.encode(FeaturesBenchmark.goalEventsPerSecond, forKey: .goal)
            try c.encode(meetsGoal, forKey: .meetsGoal)
        }
    }

    /// `days` of the fraud workload's authorization events, in arrival order (ties keep generation order).
    static func stream(scale: Double, days: Int, seed: UInt64) -> (events: [DomainEvent], workload: FraudWorkload) {
        let workload = FraudWorkload(FraudParameters(), scale: scale, seed: seed)
        var generator = workload.makeGenerator(horizon: .days(Int64(days)))
        var events: [DomainEvent] = []
        events.reserveCapacity(Int(workload.authorizationsPerSecond * 86_400 * Double(days) * 1.1))
        while let item = generator.next() {
            if case .event(let e) = item { events.append(e) }
        }
        var order = Array(events.indices)
        order.sort { (events[$0].arrivalTime, $0) < (events[$1].arrivalTime, $1) }
        return (order.map { events[$0] }, workload)
    }

    /// Generates both days, then times updates, reads and full recompute.
    ///
    /// - Complexity: O(repetitions × events × features) for updates; full
    ///   recompute is O(events × events per user in a day × features).
    public func run(_ sampler: Sampler) -> Result {
        let (events, workload) = Self.stream(scale: scale, days: days, seed: seed)
        let view = FeatureCatalog.fraud(firstRiskyMerchant: workload.firstRiskyMerchant)

        let fresh = { IncrementalFeatures(view, outOfOrderness: self.outOfOrderness, allowedLateness: self.allowedLateness) }
        let updates = sampler.measure(prepare: fresh) { state in
            for e in events { state.process(e) }
            return state.processed
        }
        let batched = sampler.measure(prepare: fresh) { state in
            state.process(contentsOf: events)
            return state.processed
        }
        // A separate pass timing each update, so the clock reads stay out of the rate.
        var updateLatency = LatencyRecorder()
        var last = fresh()
        for e in events {
            let start = LatencyRecorder.now()
            last.process(e)
            updateLatency.record(since: start)
        }

        let (readEvents, _) = Self.stream(scale: readScale, days: days, seed: seed)
        let incrementalReads = sampler.measure(prepare: fresh) { state in
            var checksum: Float = 0
            for e in readEvents {
                state.process(e)
                checksum += state.values(for: e.entity, asOf: e.arrivalTime)[0]
            }
            return checksum == -1 ? readEvents.count + 1 : readEvents.count  // keeps the reads from being optimised away
        }
        let reach = view.reach
        let fullRecompute = sampler.measure(prepare: { [[DomainEvent]]() }) { logs in
            var checksum: Float = 0
            for e in readEvents {
                let id = Int(e.entity)
                if id >= logs.count { logs.append(contentsOf: repeatElement([], count: id + 1 - logs.count)) }
                // Events beyond every window's reach never change a value: a batch job's scan would skip them too.
                let horizon = e.arrivalTime - reach
                if let first = logs[id].first, first.eventTime < horizon { logs[id].removeAll { $0.eventTime < horizon } }
                logs[id].append(e)
                checksum += FullRecompute.values(view, events: logs[id], asOf: e.arrivalTime)[0]
            }
            return checksum == -1 ? readEvents.count + 1 : readEvents.count
        }
        var readLatency = LatencyRecorder()
        do {
            var state = fresh()
            var checksum: Float = 0
            for e in readEvents {
                state.process(e)
                let start = LatencyRecorder.now()
                checksum += state.values(for: e.entity, asOf: e.arrivalTime)[0]
                readLatency.record(since: start)
            }
            if checksum == -1 { print("") }
        }
        return Result(scale: scale, days: days, events: events.count, users: workload.users, eventsPerSecond: updates,
                      batchedEventsPerSecond: batched,
                      updateLatency: updateLatency.summary("IncrementalFeatures.process"),
                      readScale: readScale, readEvents: readEvents.count,
                      incrementalReadEventsPerSecond: incrementalReads, fullRecomputeEventsPerSecond: fullRecompute,
                      readLatency: readLatency.summary("IncrementalFeatures.values(for:asOf:)"),
                      acceptedLate: last.acceptedLate, droppedLate: last.droppedLate, stateRecords: last.stateSize.records)
    }
}

extension FeaturesBenchmark: BenchSuite {
    public var name: String { "features" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = run(sampler)
        let lines = [
            "features — the fraud feature view updated per event: \(r.events) events, \(r.days) day\(r.days == 1 ? "" : "s") at scale \(format(r.scale)) (\(r.users) users), in arrival order",
            rateLine("incremental updates, events/s", r.eventsPerSecond),
            rateLine("  the same as one batch, events/s", r.batchedEventsPerSecond),
            latencyLine(r.updateLatency),
            "  side by side at scale \(format(r.readScale)) (\(r.readEvents) events), one read of the event's user after each event:",
            rateLine("incremental update + read, events/s", r.incrementalReadEventsPerSecond),
            rateLine("full recompute per read, events/s", r.fullRecomputeEventsPerSecond),
            latencyLine(r.readLatency),
            String(format: "  incremental / full recompute %.1f×; late events: %d applied, %d dropped; %d state records at the end",
                   r.incrementalReadOverFullRecompute, r.acceptedLate, r.droppedLate, r.stateRecords),
            String(format: "  goal ≥ %.0fM events/s: %@", FeaturesBenchmark.goalEventsPerSecond / 1e6, r.meetsGoal ? "met" : "NOT met"),
        ]
        return SuiteReport(suite: name, figures: [
            Figure("features/incremental_update", unit: "events/s", r.eventsPerSecond, latency: r.updateLatency),
            Figure("features/incremental_update_batched", unit: "events/s", r.batchedEventsPerSecond),
            Figure("features/incremental_update_read", unit: "events/s", r.incrementalReadEventsPerSecond, latency: r.readLatency),
            Figure("features/full_recompute_read", unit: "events/s", r.fullRecomputeEventsPerSecond),
        ], lines: lines, details: r)
    }
}
