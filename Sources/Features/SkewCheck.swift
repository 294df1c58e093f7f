import SimKernel
import Workloads

/// Training/serving skew detection: the same feature view evaluated both
/// ways — full recompute (what batch and training do) and incremental (what
/// a stream does) — on the workload's own events for a sample of entities,
/// compared value by value. On in-order data they must agree exactly; a
/// deliberate shift of event times in the incremental path only (the classic
/// time-zone bug) must be caught.
///
///     let report = SkewCheck(view: view, sampleEvery: 50).run(events: stream)
///     report.mismatches == 0
public struct SkewCheck: Sendable {
    public let view: FeatureView
    /// Entities whose id is a multiple of this are sampled.
    public let sampleEvery: Int32
    /// Shift applied to event times in the incremental path only.
    public let injectedShift: SimDuration
    /// Reads compared per sampled entity, at most.
    public let readsPerEntity: Int

    public init(view: FeatureView, sampleEvery: Int32 = 100, injectedShift: SimDuration = .zero, readsPerEntity: Int = 20) {
        self.view = view
        self.sampleEvery = max(1, sampleEvery)
        self.injectedShift = injectedShift
        self.readsPerEntity = readsPerEntity
    }

    public struct FeatureReport: Sendable, Equatable, Codable {
        public var feature: String
        public var compared: Int
        public var mismatches: Int
        public var maxAbsoluteDifference: Double
    }

    public struct Report: Sendable, Equatable, Codable {
        public var entities: Int
        public var reads: Int
        public var features: [FeatureReport]
        public var mismatches: Int { features.reduce(0) { $0 + $1.mismatches } }
    }

    /// Compares both paths on `events` (in event-time order), reading each
    /// sampled entity right after some of its events, as of that event's time.
    /// - Complexity: O(events + reads × events per sampled entity)
    public func run(events: some Sequence<DomainEvent>) -> Report {
        var incremental = IncrementalFeatures(view, outOfOrderness: .zero, allowedLateness: nil)
        var history: [Int32: [DomainEvent]] = [:]
        var reads: [Int32: Int] = [:]
        var features = (0..<view.entityFeatureCount).map {
            FeatureReport(feature: view.featureNames[$0], compared: 0, mismatches: 0, maxAbsoluteDifference: 0)
        }
        var total = 0
        for e in events {
            guard e.entity % sampleEvery == 0 else { continue }
            var shifted = e
            shifted.eventTime += injectedShift
            incremental.process(shifted)
            history[e.entity, default: []].append(e)
            guard reads[e.entity, default: 0] < readsPerEntity else { continue }
            reads[e.entity, default: 0] += 1
            total += 1
            let asOf = e.eventTime + injectedShift.magnitudeAtLeastZero  // incremental reads need "now" at or after what it processed
            let streamed = incremental.values(for: e.entity, asOf: asOf)
            let recomputed = FullRecompute.values(view, events: history[e.entity]!, asOf: asOf)
            for i in features.indices {
                features[i].compared += 1
                let a = streamed[i], b = recomputed[i]
                if a.isNaN && b.isNaN { continue }
                let difference = abs(Double(a) - Double(b))
                if !(difference <= 1e-4 * max(1, abs(Double(b)))) {
                    features[i].mismatches += 1
                    features[i].maxAbsoluteDifference = max(features[i].maxAbsoluteDifference, difference.isNaN ? .infinity : difference)
                }
            }
        }
        return Report(entities: history.count, reads: total, features: features)
    }
}

extension SimDuration {
    var magnitudeAtLeastZero: SimDuration { self < .zero ? .zero : self }
}
