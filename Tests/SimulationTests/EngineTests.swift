import Foundation
import Testing
import Engines
import Measures
import Queueing
import ScenarioSpec
import SimKernel
import Workloads
@testable import Simulation

/// Runs a scenario text and returns each engine's measures and the engines.
func simulate(_ yaml: String, _ tag: String = #function) throws -> (measures: [EngineMeasures], simulation: ScenarioSimulation) {
    let plan = try SimulationPlan.make(try Scenario.parse(yaml: yaml, file: "\(tag).yaml"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-sim-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let simulation = try ScenarioSimulation(plan, directory: dir)
    let start = SimTime.zero + plan.scenario.warmup
    var measures = plan.engines.map { _ in EngineMeasures(start: start, end: start + plan.scenario.horizon) }
    try simulation.run { decision, answers in
        for (i, a) in answers.enumerated() {
            measures[i].add(decision, a, value: plan.workload.value(of: a.action, for: decision, answeredAt: a.answeredAt))
        }
    }
    return (measures, simulation)
}

/// A small fraud scenario: flat diurnal profile (decision times uniform), few
/// compromises (arrivals close to Poisson), and the given engines.
func fraud(seed: UInt64 = 1, scale: Double = 0.005, horizon: String = "2d", compromiseRate: String = "0.002/d",
           workload extra: String = "", engines: String) -> String {
    """
    name: engine-test
    seed: \(seed)
    horizon: \(horizon)
    warmup: 1d
    scale: \(scale)
    workload:
      kind: fraud
      diurnal: flat
      compromise_rate: \(compromiseRate)
      burst_rate: 0.1/m
    \(extra.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    engines:
    \(engines)
    """
}

@Suite(.serialized) struct BatchEngineTests {
    /// A batch job every T = 1h taking D = 10m: at uniformly random decision
    /// times the features are D + T/2 = 40 min old on average. ~100k
    /// decisions put the sampling error near 0.1%, so 2% is a real test.
    @Test func stalenessMatchesTheClosedFormOfAPeriodicJob() throws {
        let (measures, simulation) = try simulate(fraud(engines: """
              - {name: hourly, kind: batch, cadence: 1h, startup: 10m, per_record: 1us, workers: 1000, partitions: 1}
            """))
        let m = measures[0]
        #expect(simulation.engines[0].counters.failures == 0, "a fault-free engine never records a failure")
        let expected = (10 * 60 + 1800.0)
        #expect(m.stalenessMoments.count > 50_000)
        #expect(abs(m.stalenessMoments.mean - expected) < 0.02 * expected,
                "mean staleness \(m.stalenessMoments.mean) s vs D + T/2 = \(expected) s")
    }

    @Test func aJobThatAlwaysFailsWithoutRetriesNeverPublishes() throws {
        let (measures, simulation) = try simulate(fraud(horizon: "1d", engines: """
              - {name: broken, kind: batch, cadence: 6h, job_failure_probability: 1, retries: 0}
            """))
        let c = simulation.engines[0].counters
        #expect(c.failures > 0)
        #expect(c.predictionsWritten == 0)
        #expect(measures[0].fallbacks == measures[0].decisions, "with nothing published every decision falls back")
    }

    @Test func partitionFailuresAreRetriedAndEveryPartitionIsWrittenOnce() throws {
        let (_, simulation) = try simulate(fraud(horizon: "1d", engines: """
              - {name: flaky, kind: batch, cadence: 6h, partitions: 8, partition_failure_probability: 0.3, retries: 10, backoff: 1s}
            """))
        let c = simulation.engines[0].counters
        #expect(c.retries > 0 && c.retries == c.failures, "every failure was retried")
        #expect(c.predictionsWritten > 0)
        #expect(try simulation.context.predictionStore.integrityCheck() == "ok")
    }
}

@Suite(.serialized) struct RealTimeEngineTests {
    /// Poisson decisions into c exponential servers: mean and p99 latency
    /// against Erlang C, as means over seeds (within 5%, or the seeds' own
    /// 95% interval where wider: one day at ρ ≈ 0.58 is ~10k decisions a seed).
    @Test func latencyMatchesErlangC() throws {
        var means: [Double] = [], p99s: [Double] = []
        var lambda = 0.0
        for seed: UInt64 in 1...4 {
            let (measures, _) = try simulate(fraud(seed: seed, scale: 0.001, horizon: "1d", compromiseRate: "0.01/d", engines: """
                  - {name: rt, kind: realtime, servers: 2, service_time: 10s, service_distribution: exponential, timeout: 1000d, feature_per_event: 0us}
                """))
            let m = measures[0]
            means.append(m.latency.mean / 1e6)
            p99s.append(Double(m.latency.percentile(99)) / 1e6)
            lambda = Double(m.decisions) / 86_400
        }
        let theory = ErlangC(arrivalRate: lambda, serviceRate: 1.0 / 10, servers: 2)
        let mean = Statistics_ci(means), p99 = Statistics_ci(p99s)
        #expect(abs(mean.mean - theory.meanSojourn) <= max(0.05 * theory.meanSojourn, mean.halfWidth),
                "mean latency \(mean.mean) ± \(mean.halfWidth) s vs Erlang C \(theory.meanSojourn) s")
        #expect(abs(p99.mean - theory.sojournPercentile(0.99)) <= max(0.05 * theory.sojournPercentile(0.99), p99.halfWidth),
                "p99 latency \(p99.mean) ± \(p99.halfWidth) s vs Erlang C \(theory.sojournPercentile(0.99)) s")
    }
}

@Suite(.serialized) struct HybridEngineTests {
    /// With no arrival delay and a speed layer that takes no time, the lambda
    /// serving layer (batch view + speed view) sees exactly the oracle's
    /// features: every decision scores the same.
    @Test func lambdaWithAZeroDelaySpeedLayerGivesTheOraclesFeatures() throws {
        let (measures, _) = try simulate(fraud(horizon: "1d", workload: "sources:\n  authorizations: {delay: 0s}", engines: """
              - {name: lambda, kind: lambda, cadence: 6h, speed_per_event: 0us}
              - {name: oracle, kind: oracle}
            """))
        #expect(measures[0].decisions > 1000)
        #expect(measures[0].value == measures[1].value, "same features, same model, same decisions")
        #expect(measures[0].quality.auc == measures[1].quality.auc)
        // The log-loss sums every decision's score: equal only if each score is.
        #expect(measures[0].quality.logLoss == measures[1].quality.logLoss, "every decision scored the same")
    }

    /// The speed layer's allowed lateness, on arrivals a minute late on
    /// average (lognormal, so a tail of many minutes): a 2-minute lateness
    /// counts the events later than it as dropped and holds fewer records
    /// (sessions it can no longer join are freed); unbounded drops none and
    /// keeps them; the default 5 minutes lies between. The dropped events wait
    /// for the next view: the engines still decide every decision.
    @Test func lambdaSpeedLayerLatenessDropsOnlyTheLaterEvents() throws {
        func run(_ lateness: String?) throws -> (EngineCounters, Int) {
            let key = lateness.map { ", allowed_lateness: \($0)" } ?? ""
            let (measures, simulation) = try simulate(fraud(horizon: "1d", workload: "sources:\n  authorizations: {delay: 1m, delay_sigma: 1}",
                                                            engines: "  - {name: lambda, kind: lambda, cadence: 6h\(key)}"), "lateness")
            return (simulation.engines[0].counters, measures[0].decisions)
        }
        let (tight, decisions) = try run("2m"), (usual, _) = try run(nil), (unbounded, all) = try run("unbounded")
        #expect(decisions == all && decisions > 1000)
        #expect(unbounded.lateEventsDropped == 0)
        #expect(tight.lateEventsDropped > usual.lateEventsDropped && usual.lateEventsDropped > 0,
                "2m dropped \(tight.lateEventsDropped), 5m \(usual.lateEventsDropped)")
        #expect(tight.stateBytes < usual.stateBytes && usual.stateBytes < unbounded.stateBytes,
                "state bytes: 2m \(tight.stateBytes), 5m \(usual.stateBytes), unbounded \(unbounded.stateBytes)")
    }
}

import Statistics
func Statistics_ci(_ xs: [Double]) -> ConfidenceInterval { ConfidenceInterval(replications: xs) }
