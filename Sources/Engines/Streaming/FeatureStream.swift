import Features
import SimKernel
import Stores
import Workloads

/// A feature pipeline as engines hold it: their own, or one shared by every
/// engine of the run whose stream consumer is configured identically.
///
///     let stream = context.featureStream(view, throughput: t, lateness: l, shared: true)
///     let me = stream.subscribe(updates: true)
///     stream.enqueue(event, at: now, by: me)      // every subscriber calls it; the first one enqueues
///     stream.advance(to: now)
///     stream.takeUpdates(me) { updates in … }      // each applied event, with the entity's values then
///
/// Why sharing is exact: a pipeline's state is a function of the arrivals
/// enqueued (in order) and of the time it is advanced to. Every engine of a
/// run receives every arrival, in the same order, at the same virtual time,
/// and only ever advances to the current time — so engines whose consumer
/// has the same throughput, out-of-orderness and allowed lateness (and no
/// faults of its own: a stall rewrites the queue) would hold identical
/// pipelines, apply the same events at the same `done` times and read the
/// same values. The shared stream does that work once. Each subscriber
/// counts the arrivals it has handed over; only the first to hand over an
/// arrival enqueues it. Updates (an applied event with the entity's values
/// right after it) are computed once and read by every subscriber that
/// asked for them, each from its own cursor. For the same reason the
/// online store those updates materialise into is one store, written once
/// per update (`materialize`), and a run loop's prefetch hint, which
/// reaches every subscriber, is acted on by the first only.
final class FeatureStream {
    struct Key: Hashable {
        var throughput: FeaturePipeline.Throughput
        var outOfOrderness: SimDuration
        var allowedLateness: SimDuration?
    }

    /// One applied event: its entity (−1 for a catalogue event) and the entity's values right after it.
    struct Update {
        var entity: Int32
        var values: [Float]
        var done: SimTime
        var asOf: SimTime
    }

    var pipeline: FeaturePipeline
    /// Every entity's latest vector and its as-of time, once a subscriber
    /// keeps an online store (`materialize`): each applied event's values are written to it.
    private(set) var online: OnlineStore?
    /// Arrivals enqueued so far.
    private var enqueued = 0
    /// Per subscriber, the arrivals it has handed over.
    private var handedOver: [Int] = []
    /// Per subscriber, its position in the update log (nil: it reads no updates).
    private var cursors: [Int?] = []
    /// Updates not yet read by every subscriber that reads them; `updates[0]` is update number `base`.
    private var updates: [Update] = []
    private var base = 0
    private var updateReaders = 0

    init(_ view: FeatureView, key: Key) {
        pipeline = FeaturePipeline(view, throughput: key.throughput, outOfOrderness: key.outOfOrderness,
                                   allowedLateness: key.allowedLateness)
    }

    /// Registers a reader; with `updates`, it reads every applied event through `takeUpdates`.
    func subscribe(updates wantsUpdates: Bool) -> Int {
        precondition(enqueued == 0, "subscribe before the first arrival")
        handedOver.append(0)
        cursors.append(wantsUpdates ? base + updates.count : nil)
        if wantsUpdates { updateReaders += 1 }
        return handedOver.count - 1
    }

    /// Has the stream write each applied event's values to an online store
    /// of `entities` rows (made by the first subscriber to ask, shared by all).
    func materialize(entities: Int) {
        precondition(enqueued == 0, "materialize before the first arrival")
        if online == nil {
            let view = pipeline.features.view
            online = OnlineStore(width: view.entityFeatureCount, ttl: view.ttl, entities: entities)
        }
    }

    /// Asks for the state of the entities the run loop's next items touch
    /// (`Engine.prefetch`): the first subscriber's hint only, as every
    /// subscriber passes on the same one.
    func prefetch(soon: Int32, next: Int32, by subscriber: Int) {
        guard subscriber == 0 else { return }
        pipeline.prefetch(soon: soon, next: next)
        online?.prefetch(entity: soon)
    }

    /// A subscriber hands over an arrival; the first of them to do so enqueues it.
    func enqueue(_ event: DomainEvent, at now: SimTime, by subscriber: Int) {
        if handedOver[subscriber] == enqueued {
            pipeline.enqueue(event, at: now)
            enqueued += 1
        }
        handedOver[subscriber] += 1
        assert(handedOver[subscriber] <= enqueued, "subscribers of a shared stream must see the same arrivals")
    }

    /// Applies every queued event finished by `now`, recording an update per event when anyone reads them.
    func advance(to now: SimTime) {
        guard updateReaders > 0 || online != nil else {
            pipeline.advance(to: now)
            return
        }
        pipeline.advance(to: now) { event, done, features, asOf in
            let values = event.entity >= 0 ? features.values(for: event.entity, asOf: done) : []
            if event.entity >= 0 { online?.put(entity: event.entity, values: values, asOf: asOf) }
            if updateReaders > 0 { updates.append(Update(entity: event.entity, values: values, done: done, asOf: asOf)) }
        }
    }

    /// Calls `body` with the updates the subscriber has not read yet, oldest
    /// first; the log is trimmed once every reader has had them.
    func takeUpdates(_ subscriber: Int, _ body: (ArraySlice<Update>) -> Void) {
        guard let cursor = cursors[subscriber] else { preconditionFailure("subscriber \(subscriber) reads no updates") }
        let end = base + updates.count
        body(updates[(cursor - base)...])
        cursors[subscriber] = end
        if cursors.allSatisfy({ $0 == nil || $0 == end }) {
            base = end
            updates.removeAll(keepingCapacity: true)
        }
    }
}

extension EngineContext {
    /// The feature pipeline for an engine's stream consumer: with `shared`,
    /// the one every engine asking with the same settings gets (see
    /// `FeatureStream`); otherwise its own.
    func featureStream(throughput: FeaturePipeline.Throughput, outOfOrderness: SimDuration, allowedLateness: SimDuration?,
                       shared: Bool) -> FeatureStream {
        let key = FeatureStream.Key(throughput: throughput, outOfOrderness: outOfOrderness, allowedLateness: allowedLateness)
        guard shared else { return FeatureStream(view, key: key) }
        if let stream = featureStreams[key] { return stream }
        let stream = FeatureStream(view, key: key)
        featureStreams[key] = stream
        return stream
    }
}
