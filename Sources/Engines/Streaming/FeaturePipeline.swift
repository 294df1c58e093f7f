import DequeModule
import Features
import ScenarioSpec
import SimKernel
import Workloads

/// A stream processor's consumer in front of the incremental features (of
/// users and, for a catalogue, of items): it
/// takes arrivals in order, each costing `perEvent ÷ workers` of processing
/// (or waiting for the next micro-batch), so a burst faster than its
/// throughput builds consumer lag — and that lag is staleness.
///
///     var pipeline = FeaturePipeline(view, throughput: .init())
///     pipeline.enqueue(event, at: now)
///     pipeline.advance(to: now) { applied, at in … }    // apply what has finished processing
///     pipeline.asOf(now)                                // every arrival before this is in the state
struct FeaturePipeline {
    struct Throughput: Hashable, Sendable {
        var perEvent = SimDuration.microseconds(20)
        var workers = 1
        /// Process in micro-batches at this interval instead of per event.
        var microBatch: SimDuration?
    }

    /// How the consumer's event-time watermark treats out-of-order events.
    struct Lateness: Hashable, Sendable {
        /// The watermark trails the latest event time by this much.
        var outOfOrderness = SimDuration.seconds(2)
        /// Events later than this behind the watermark are dropped; nil accepts any.
        var allowed: SimDuration? = .minutes(5)

        /// Reads `out_of_orderness` and `allowed_lateness` (a duration or `unbounded`).
        static func read(_ r: inout MappingReader, defaults: Lateness = Lateness()) -> Lateness {
            var l = defaults
            l.outOfOrderness = r.optional("out_of_orderness", default: l.outOfOrderness)
            if let lateness = r.take("allowed_lateness") {
                if lateness.text == "unbounded" { l.allowed = nil }
                else { l.allowed = SimDuration.read(lateness, r.diagnostics) ?? l.allowed }
            }
            return l
        }
    }

    var features: IncrementalFeatures
    /// The items' features, behind the same consumer (ranking views only).
    var catalogue: CatalogueFeatures?
    let throughput: Throughput
    var pending = Deque<(done: SimTime, event: DomainEvent)>()
    var consumerFreeAt = SimTime.zero
    var maxLag = SimDuration.zero
    /// Processing time spent, for utilisation.
    var busy = SimDuration.zero

    init(_ view: FeatureView, throughput: Throughput, lateness: Lateness) {
        self.init(view, throughput: throughput, outOfOrderness: lateness.outOfOrderness, allowedLateness: lateness.allowed)
    }

    init(_ view: FeatureView, throughput: Throughput, outOfOrderness: SimDuration = .seconds(2),
         allowedLateness: SimDuration? = .minutes(5)) {
        features = IncrementalFeatures(view, outOfOrderness: outOfOrderness, allowedLateness: allowedLateness)
        catalogue = CatalogueFeatures(view, outOfOrderness: outOfOrderness, allowedLateness: allowedLateness)
        self.throughput = throughput
    }

    /// Takes an event that arrived at `now` into the consumer's queue.
    mutating func enqueue(_ event: DomainEvent, at now: SimTime) {
        var start = max(now, consumerFreeAt)
        if let batch = throughput.microBatch {
            let b = batch.microseconds
            start = max(start, SimTime(microseconds: (now.microseconds + b - 1) / b * b))
        }
        let cost = SimDuration(microseconds: throughput.perEvent.microseconds / Int64(throughput.workers))
        consumerFreeAt = start + cost
        busy += throughput.perEvent
        pending.append((consumerFreeAt, event))
    }

    /// The consumer does nothing until `time` (a stall or a restart); queued work waits.
    mutating func stall(until time: SimTime) {
        var shift = SimDuration.zero
        if let head = pending.first, head.done < time { shift = time - head.done }
        consumerFreeAt = max(consumerFreeAt, time)
        guard shift > .zero else { return }
        for i in pending.indices { pending[i].done += shift }
        consumerFreeAt = max(consumerFreeAt, pending.last.map(\.done) ?? time)
    }

    /// Applies every queued event whose processing has finished by `now`,
    /// handing each to `applied` with the state right after it and the as-of
    /// time then (the closure gets the state as an argument so it never
    /// reaches back into the pipeline while it is being advanced).
    mutating func advance(to now: SimTime,
                          _ applied: (DomainEvent, SimTime, borrowing IncrementalFeatures, SimTime) -> Void = { _, _, _, _ in }) {
        while let head = pending.first, head.done <= now {
            pending.removeFirst()
            features.process(head.event)
            catalogue?.process(head.event)
            maxLag = max(maxLag, head.done - head.event.arrivalTime)
            applied(head.event, head.done, features, asOf(head.done))
        }
    }

    /// The arrival time before which every arrived event is in the state.
    func asOf(_ now: SimTime) -> SimTime {
        pending.first?.event.arrivalTime ?? now
    }

    /// The entity's values now. `mutating` only so that an engine reaches its
    /// pipeline in place: a read of a pipeline held in a class property
    /// copied the whole of it, retaining everything in it, for each decision.
    mutating func values(for entity: Int32, at now: SimTime) -> [Float] {
        features.values(for: entity, asOf: now)
    }

    /// A lambda serving layer's read: `batchView`'s values for the entity
    /// merged with this speed layer's (this layer's alone without a view).
    /// Both states are reached in place, through `self` and the `inout`: an
    /// argument read from an engine's property was copied, with every
    /// reference in it retained, for each decision.
    mutating func values(for entity: Int32, at now: SimTime, mergedInto batchView: inout IncrementalFeatures?) -> [Float] {
        // The view's sessions that no read can see any more go as their entity is read.
        batchView?.dropSessions(of: entity, unreachableBy: features)
        return batchView?.values(for: entity, asOf: now, mergedWith: features) ?? features.values(for: entity, asOf: now)
    }

    /// Asks for feature state ahead of time (`Engine.prefetch`). `mutating`
    /// only so that an engine reaches its pipeline in place, as for `values(for:at:mergedInto:)`.
    mutating func prefetch(soon: Int32, next: Int32) {
        features.prefetch(header: soon, records: next)
    }

    /// The candidate items and their features now; nil for a view without items.
    func items(at now: SimTime) -> CatalogueSnapshot? { catalogue?.snapshot(at: now) }
}
