import Engines
import Features
import Foundation
import Models
import SimKernel
import Stores
import Workloads

/// `tempo calibrate`: this machine's real cost of each unit of engine work,
/// measured on the fraud workload's own events and feature view, written as
/// a cost profile scenarios can name.
///
///     let measured = try Calibration().run()
///     print(measured.profile.yaml(measuredOn: "…", notes: measured.notes))
public struct Calibration: Sendable {
    /// Added to request and lookup costs: the network between a caller and
    /// a serving process, which a single-process measurement cannot see.
    public var networkOverhead: SimDuration
    public var events: Int

    public init(networkOverhead: SimDuration = .milliseconds(1), events: Int = 300_000) {
        self.networkOverhead = networkOverhead
        self.events = events
    }

    public struct Measured: Sendable {
        public var profile: CostProfile
        public var notes: [String]
    }

    public func run() throws -> Measured {
        let workload = FraudWorkload(FraudParameters(), scale: 0.05, seed: 1)
        let view = FeatureCatalog.fraud(firstRiskyMerchant: workload.firstRiskyMerchant)
        var stream: [DomainEvent] = []
        var generator = workload.makeGenerator(horizon: .days(1))
        while stream.count < events, let item = generator.next() { if case .event(let e) = item { stream.append(e) } }
        let clock = ContinuousClock()
        func seconds(_ work: () throws -> Void) rethrows -> Double {
            let start = clock.now
            try work()
            return (clock.now - start).seconds
        }

        // Incremental update per event (streams, speed layers, replays).
        var incremental = IncrementalFeatures(view, outOfOrderness: .seconds(2), allowedLateness: .minutes(5))
        let perEvent = seconds { for e in stream { incremental.process(e) } } / Double(stream.count)

        // Scoring: one row at a time, and a whole matrix at once.
        let model = LogisticRegression(weights: (0..<view.width).map { Float($0 % 7) / 10 - 0.3 }, intercept: -2)
        var matrix = FeatureMatrix(columns: view.width)
        let rows = 100_000
        for i in 0..<rows { matrix.append(row: (0..<view.width).map { Float(($0 + i) % 13) }) }
        var sink: Float = 0
        let single = seconds { for i in 0..<rows { sink += matrix.withUnsafeRow(i) { model.score($0) } } } / Double(rows)
        let batched = seconds { sink += model.scores(matrix).reduce(0, +) } / Double(rows)

        // Batch: full recompute per entity from its events, scored, and the row written.
        var byEntity: [Int32: [DomainEvent]] = [:]
        for e in stream { byEntity[e.entity, default: []].append(e) }
        let asOf = stream.last!.eventTime
        var predictions: [PredictionRow] = []
        let recompute = seconds {
            for (entity, events) in byEntity {
                let values = FullRecompute.values(view, events: events, asOf: asOf)
                sink += model.score(values.map { $0.isNaN ? 0 : $0 } + [0, 0, 0])
                predictions.append(PredictionRow(entity: entity, score: 0.5, computedAt: asOf, featuresAsOf: asOf))
            }
        } / Double(byEntity.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-calibrate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try PredictionStore(path: "\(directory)/p.sqlite")
        try store.beginRun(1, engine: "calibrate", modelVersion: model.version.id, snapshot: .zero, partitions: 1)
        let write = try seconds { try store.write(run: 1, partition: 0, rows: predictions, modelVersion: model.version.id, finishedAt: .zero) }
            / Double(predictions.count)

        // Real time: read the online features, compute the request's, score one row.
        let sample = Array(byEntity.keys.prefix(20_000))
        let request = seconds {
            for entity in sample {
                let values = incremental.values(for: entity, asOf: asOf)
                sink += model.score(values.map { $0.isNaN ? 0 : $0 } + [1, 1, 0])
            }
        } / Double(sample.count)

        var profile = CostProfile()
        profile.perEvent = SimDuration(seconds: max(perEvent, 1e-6))
        profile.perRecord = SimDuration(seconds: max(recompute + write, 1e-6))
        profile.serviceTime = SimDuration(seconds: request) + networkOverhead
        profile.lookupLatency = networkOverhead
        profile.replayCost = profile.perEvent
        profile.source = "calibrated"
        let notes = [
            String(format: "incremental feature update: %.2f µs per event (%d fraud events)", perEvent * 1e6, stream.count),
            String(format: "scoring: %.3f µs per row one at a time, %.4f µs per row batched (%.0f× faster)", single * 1e6, batched * 1e6, single / max(batched, 1e-12)),
            String(format: "batch per entity: %.2f µs full recompute and score + %.2f µs SQLite write", recompute * 1e6, write * 1e6),
            String(format: "real-time request: %.2f µs of features and inference, plus %@ of network", request * 1e6, networkOverhead.description),
            "values below 1 µs round up to the simulator's 1 µs resolution",
            sink.isNaN ? "" : "",
        ].filter { !$0.isEmpty }
        return Measured(profile: profile, notes: notes)
    }
}
