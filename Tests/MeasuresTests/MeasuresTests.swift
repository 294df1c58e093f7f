import Testing
import Engines
import ScenarioSpec
import SimKernel
import Workloads
@testable import Measures

func decision(_ id: Int64, at seconds: Double, window: Double = 0.2, label: Bool = false) -> Decision {
    let t = SimTime(seconds: seconds)
    return Decision(request: DecisionRequest(id: id, kind: .authorization, time: t, deadline: t + SimDuration(seconds: window),
                                             entity: 1, amount: 10),
                    truth: Truth(label: label))
}

@Suite struct EngineMeasuresTests {
    /// A hand-built ledger: 100 decisions, latency i ms, staleness i s, value 1
    /// for the freshest half and 0 for the rest.
    @Test func percentilesOnTimeRateAndDecayBinsOnAKnownLedger() {
        var m = EngineMeasures(start: .zero, end: SimTime(seconds: 100))
        for i in 1...100 {
            let d = decision(Int64(i), at: Double(i))
            let answer = Answer(action: .approve, answeredAt: d.request.time + .milliseconds(Int64(i)),
                                featuresAsOf: d.request.time - .seconds(Int64(i)))
            m.add(d, answer, value: i <= 50 ? 1 : 0)
        }
        #expect(m.decisions == 100)
        #expect(m.onTime == 100)
        #expect(abs(Double(m.latency.percentile(50)) - 50_000) <= 50, "p50 latency is 50 ms")
        #expect(abs(Double(m.latency.percentile(99)) - 99_000) <= 99)
        #expect(abs(m.stalenessMoments.mean - 50.5) < 1e-9)
        // Decay bins: staleness 1 s → edge 1; 2..10 → 10; 11..50 → 60 (value 1); 51..60 → 60 (value 0); 61..100 → 300.
        let points = Dictionary(uniqueKeysWithValues: m.decay.points.map { ($0.edge, ($0.meanValue, $0.count)) })
        #expect(points[1]! == (1, 1))
        #expect(points[10]! == (1, 9))
        #expect(points[60]!.1 == 50 && abs(points[60]!.0 - 40.0 / 50) < 1e-12)
        #expect(points[300]! == (0, 40))
        #expect(m.value == 50)
    }

    @Test func lateAnswersAreNotOnTime() {
        var m = EngineMeasures(start: .zero, end: SimTime(seconds: 10))
        let d = decision(1, at: 1, window: 0.1)
        m.add(d, Answer(action: .block, answeredAt: d.request.time + .milliseconds(150)), value: 0)
        m.add(d, Answer(action: .block, answeredAt: d.request.time + .milliseconds(100)), value: 0)
        #expect(m.onTime == 1, "exactly at the deadline is on time, after it is late")
    }

    /// Batch means over time buckets: identical buckets give a zero-width
    /// interval; the total is the sum.
    @Test func valueIntervalFromBatchMeans() {
        var m = EngineMeasures(start: .zero, end: SimTime(seconds: Double(EngineMeasures.buckets)))
        for b in 0..<EngineMeasures.buckets { m.add(decision(Int64(b), at: Double(b) + 0.5), Answer(action: nil, answeredAt: .zero), value: 2) }
        #expect(m.valueInterval.mean == Double(2 * EngineMeasures.buckets))
        #expect(m.valueInterval.halfWidth < 1e-9)
    }

    @Test func binnedAUCMatchesPairCounting() {
        var q = BinaryQuality()
        let scores: [Float] = [0.9, 0.8, 0.8, 0.3, 0.2, 0.1]
        let labels = [true, true, false, true, false, false]
        for (s, l) in zip(scores, labels) { q.add(score: s, label: l, acted: s > 0.5) }
        // Pairs: positives {0.9, 0.8, 0.3}, negatives {0.8, 0.2, 0.1}: wins 3 + 2.5 + 2 = 7.5 of 9.
        #expect(abs(q.auc! - 7.5 / 9) < 1e-12)
        #expect(q.precision == 2.0 / 3 && q.recall == 2.0 / 3)
    }
}

@Suite struct CostModelTests {
    func catalog() -> PriceCatalog {
        var c = PriceCatalog()
        c.instances["m6i.2xlarge"] = .init(name: "m6i.2xlarge", vcpus: 8, memoryGiB: 32, hourly: MoneyRate(dollarsPerHour: 0.384))
        c.instances["c6i.xlarge"] = .init(name: "c6i.xlarge", vcpus: 4, memoryGiB: 8, hourly: MoneyRate(dollarsPerHour: 0.17))
        c.storagePerGBMonth = Money(dollars: 0.08)
        c.readsPerMillion = Money(dollars: 0.25)
        c.minimumBilling = .seconds(60)
        return c
    }

    /// Worked example: a batch engine with 4 workers on m6i.2xlarge (8 vCPU →
    /// 1 instance) ran two jobs of 30 min and 20 s over a 2-day run whose
    /// horizon is 1 day; 1M decisions a day; 1 GiB of stores.
    /// compute = (1800 + 60 billed) s / 3600 × $0.384 = $0.1984 over the 1-day horizon;
    /// storage = 1 GiB × $0.08 / 30 = $0.0026667 a day; reads = 1M × $0.25/M = $0.25.
    @Test func burstBillingWithAMinimumStorageAndReads() throws {
        var counters = EngineCounters()
        counters.jobSeconds = [1800, 20]
        let parts = try CostModel(catalog: catalog()).perDay(.init(
            engine: "nightly", kind: .batch, resources: Resources(instance: "m6i.2xlarge", billing: .burst), vcpus: 4,
            speedWorkers: 0, counters: counters, runSeconds: 2 * 86_400, horizonSeconds: 86_400, decisionsPerDay: 1_000_000,
            storageBytes: 1_073_741_824))
        let byName = Dictionary(uniqueKeysWithValues: parts.map { ($0.component, $0.perDay) })
        #expect(abs(byName["compute"]! - 1860.0 / 3600 * 0.384) < 1e-9)
        #expect(abs(byName["storage"]! - 0.08 / 30) < 1e-12)
        #expect(abs(byName["reads"]! - 0.25) < 1e-12)
    }

    /// An always-on pool of 6 servers on 4-vCPU instances needs 2 instances: $0.17 × 2 × 24 a day.
    @Test func alwaysOnInstancesSizedByVCPUs() throws {
        var counters = EngineCounters()
        counters.capacitySeconds = 6 * 86_400
        let parts = try CostModel(catalog: catalog()).perDay(.init(
            engine: "rt", kind: .streaming, resources: Resources(instance: "c6i.xlarge", billing: .alwaysOn), vcpus: 6,
            speedWorkers: 0, counters: counters, runSeconds: 86_400, horizonSeconds: 86_400, decisionsPerDay: 0, storageBytes: 0))
        #expect(abs(parts.first { $0.component == "compute" }!.perDay - 0.17 * 2 * 24) < 1e-9)
    }

    @Test func boundsCostNothingAndUnknownInstancesAreNamed() throws {
        let model = CostModel(catalog: catalog())
        let oracle = try model.perDay(.init(engine: "o", kind: .oracle, resources: .defaults(for: .oracle), vcpus: 0, speedWorkers: 0,
                                            counters: EngineCounters(), runSeconds: 86_400, horizonSeconds: 86_400, decisionsPerDay: 1e6, storageBytes: 0))
        #expect(oracle.isEmpty)
        #expect(throws: CostModel.UnknownInstance.self) {
            try model.perDay(.init(engine: "x", kind: .batch, resources: Resources(instance: "z9.huge", billing: .burst), vcpus: 1,
                                   speedWorkers: 0, counters: EngineCounters(), runSeconds: 1, horizonSeconds: 1, decisionsPerDay: 0, storageBytes: 0))
        }
    }
}
