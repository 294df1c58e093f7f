import Randomness
import ScenarioSpec
import SimKernel

/// One pass over a workload, summarised: what `tempo workload describe` prints.
///
///     let d = WorkloadDescription(workload, horizon: .days(1), seed: 42)
///     print(d.events, d.labelRate, d.checksumHex)
public struct WorkloadDescription: Sendable, Codable, Equatable {
    public var workload: String
    public var entities: Int
    public var events: Int
    public var decisions: Int
    /// Share of decisions whose truth is positive (fraud: compromised).
    public var labelRate: Double
    /// Mean of `truth.positives` over decisions (churn: customers at risk at a campaign).
    public var positivesPerDecision: Double
    public var eventsPerDay: Double
    public var decisionsPerDay: Double
    public var meanArrivalDelaySeconds: Double
    /// Events that arrived after an event that happened later: out of order.
    public var outOfOrderEvents: Int
    public var eventsByKind: [String: Int]
    /// A 64-bit digest of every field of every item, in order.
    public var checksum: String

    enum CodingKeys: String, CodingKey {
        case workload, entities, events, decisions, checksum
        case labelRate = "label_rate"
        case positivesPerDecision = "positives_per_decision"
        case eventsPerDay = "events_per_day"
        case decisionsPerDay = "decisions_per_day"
        case meanArrivalDelaySeconds = "mean_arrival_delay_seconds"
        case outOfOrderEvents = "out_of_order_events"
        case eventsByKind = "events_by_kind"
    }

    /// Generates the whole horizon once, keeping only counters. - Complexity: O(items), O(1) memory
    public init(_ workload: any Workload, horizon: SimDuration) {
        var generator = workload.makeGenerator(horizon: horizon)
        var digest = StreamDigest()
        var events = 0, decisions = 0, labels = 0, outOfOrder = 0, positives = 0
        var delayTotal = 0.0
        var latestArrival = SimTime.zero
        var byKind = [Int](repeating: 0, count: EventKind.allCases.count)
        while let item = generator.next() {
            digest.add(item)
            switch item {
            case .event(let e):
                events += 1
                byKind[Int(e.kind.rawValue)] += 1
                delayTotal += (e.arrivalTime - e.eventTime).seconds
                if e.arrivalTime < latestArrival { outOfOrder += 1 } else { latestArrival = e.arrivalTime }
            case .decision(let d):
                decisions += 1
                if d.truth.label { labels += 1 }
                positives += Int(d.truth.positives)
            }
        }
        let days = horizon.seconds / 86_400
        self.workload = workload.kind.rawValue
        entities = workload.entityCount
        self.events = events
        self.decisions = decisions
        labelRate = decisions > 0 ? Double(labels) / Double(decisions) : 0
        positivesPerDecision = decisions > 0 ? Double(positives) / Double(decisions) : 0
        eventsPerDay = Double(events) / days
        decisionsPerDay = Double(decisions) / days
        meanArrivalDelaySeconds = events > 0 ? delayTotal / Double(events) : 0
        outOfOrderEvents = outOfOrder
        eventsByKind = Dictionary(uniqueKeysWithValues: EventKind.allCases.compactMap { kind in
            byKind[Int(kind.rawValue)] > 0 ? (kind.name, byKind[Int(kind.rawValue)]) : nil
        })
        checksum = digest.hex
    }
}

/// An order-sensitive 64-bit digest of a workload stream: each field is
/// folded in through the SplitMix64 finaliser, so any changed, added or
/// reordered item changes the result.
public struct StreamDigest: Sendable {
    public private(set) var state: UInt64 = 0x243F_6A88_85A3_08D3

    public init() {}

    mutating func fold(_ word: UInt64) {
        var z = (state ^ word) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        state = z ^ (z >> 31)
    }

    public mutating func add(_ item: WorkloadItem) {
        switch item {
        case .event(let e):
            fold(1)
            fold(UInt64(bitPattern: e.eventTime.microseconds))
            fold(UInt64(bitPattern: e.arrivalTime.microseconds))
            fold(UInt64(e.kind.rawValue) << 32 | UInt64(UInt32(bitPattern: e.entity)))
            fold(UInt64(UInt32(bitPattern: e.item)))
            fold(e.amount.bitPattern)
        case .decision(let d):
            let r = d.request
            fold(2)
            fold(UInt64(bitPattern: r.id))
            fold(UInt64(bitPattern: r.time.microseconds))
            fold(UInt64(bitPattern: r.deadline.microseconds))
            fold(UInt64(r.kind.rawValue) << 32 | UInt64(UInt32(bitPattern: r.entity)))
            fold(UInt64(UInt32(bitPattern: r.item)) << 32 | UInt64(UInt32(bitPattern: r.slateSize)))
            fold(r.amount.bitPattern)
            fold((d.truth.label ? 1 : 0) | UInt64(UInt32(bitPattern: d.truth.topic)) << 8)
            fold(UInt64(UInt32(bitPattern: d.truth.positives)))
            // Fields at their defaults add nothing, so checksums of workloads
            // that leave them unset did not change when they were added.
            for x in d.truth.vector { fold(UInt64(x.bitPattern) | 3 << 32) }
            if d.truth.defaultValue != 0 { fold(d.truth.defaultValue.bitPattern) }
        }
    }

    public var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The first items of a workload as CSV rows, one line each, for
/// `tempo workload sample`.
public enum WorkloadSample {
    public static let header = "type,time_us,arrival_us,deadline_us,kind,entity,item,amount,slate_size,decision_id,label,topic,positives"

    public static func row(_ item: WorkloadItem) -> String {
        switch item {
        case .event(let e):
            return "event,\(e.eventTime.microseconds),\(e.arrivalTime.microseconds),,\(e.kind.name),\(e.entity),\(e.item),\(e.amount),,,,,"
        case .decision(let d):
            let r = d.request
            return "decision,\(r.time.microseconds),,\(r.deadline.microseconds),\(r.kind.name),\(r.entity),\(r.item),\(r.amount),\(r.slateSize),\(r.id),\(d.truth.label ? 1 : 0),\(d.truth.topic),\(d.truth.positives)"
        }
    }
}
