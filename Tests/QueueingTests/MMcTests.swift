import Testing
import Statistics
@testable import Queueing

@Suite struct ErlangCTests {
    @Test func reducesToMM1() {
        let q = ErlangC(arrivalRate: 0.9, serviceRate: 1, servers: 1)
        #expect(abs(q.probabilityOfWaiting - 0.9) < 1e-12)
        #expect(abs(q.meanSojourn - 10) < 1e-9)  // 1/(μ−λ)
        // M/M/1 sojourn is Exp(μ−λ): p99 = ln(100)/(μ−λ).
        #expect(abs(q.sojournPercentile(0.99) - 46.0517018598809) < 1e-6)
    }

    @Test func matchesTextbookValues() {
        // c = 2, a = 1: C = a²/(2(2−a)+a²)… worked by hand: 1/3.
        #expect(abs(ErlangC(arrivalRate: 1, serviceRate: 1, servers: 2).probabilityOfWaiting - 1.0 / 3) < 1e-12)
        // Little's law holds in the closed forms themselves.
        let q = ErlangC(arrivalRate: 45, serviceRate: 1, servers: 50)
        #expect(abs(q.meanInSystem - q.meanInQueue - q.offeredLoad) < 1e-9)
    }

    @Test func sojournTailIsADistribution() {
        let q = ErlangC(arrivalRate: 8, serviceRate: 1, servers: 10)
        #expect(abs(q.sojournTail(0) - 1) < 1e-12)
        var previous = 1.0
        for t in stride(from: 0.1, through: 20, by: 0.1) {
            let tail = q.sojournTail(t)
            #expect(tail <= previous && tail >= 0)
            previous = tail
        }
        // The mean is the integral of the tail.
        let integral = stride(from: 0.0, to: 60, by: 0.001).reduce(0) { $0 + q.sojournTail($1 + 0.0005) * 0.001 }
        #expect(abs(integral - q.meanSojourn) < 1e-4)
    }
}

@Suite struct MMcSimulationTests {
    /// Means over 10 seeds against the closed forms: within 2%, or within the
    /// measure's own 95% CI over those seeds where that is wider (at ρ = 0.95
    /// single runs of this length vary by several percent).
    @Test(arguments: [(0.9, 1.0, 1), (8.0, 1.0, 10), (45.0, 1.0, 50), (9.5, 1.0, 10)])
    func agreesWithErlangC(lambda: Double, mu: Double, servers: Int) {
        let model = MMcSimulation(arrivalRate: lambda, serviceRate: mu, servers: servers,
                                  customers: 60_000, warmup: 6_000, seed: 100)
        let summary = MMcExperiment(model: model, replications: 10).run()
        let theory = ErlangC(arrivalRate: lambda, serviceRate: mu, servers: servers)
        let checks: [(String, Double, Double, Double)] = [
            ("W", summary.mean.meanSojourn, summary.ci95.meanSojourn, theory.meanSojourn),
            ("Wq", summary.mean.meanWait, summary.ci95.meanWait, theory.meanWait),
            ("utilisation", summary.mean.utilization, summary.ci95.utilization, theory.utilization),
            ("p99", summary.mean.sojournP99, summary.ci95.sojournP99, theory.sojournPercentile(0.99)),
        ]
        for (name, simulated, halfWidth, exact) in checks {
            let tolerance = max(0.02 * exact, halfWidth)
            #expect(abs(simulated - exact) <= tolerance,
                    "\(name) at λ=\(lambda) μ=\(mu) c=\(servers): simulated \(simulated) ± \(halfWidth), Erlang C \(exact)")
        }
    }

    @Test func littlesLawHoldsOnTheSamplePath() {
        // Starting and ending empty, the area under N(t) is exactly the sum of
        // the sojourn times, so L = (N/T)·W up to rounding.
        let run = MMcSimulation(arrivalRate: 8, serviceRate: 1, servers: 10, customers: 20_000, seed: 3).run()
        let lambdaHat = Double(run.customers) / run.makespan
        #expect(abs(run.meanInSystem - lambdaHat * run.meanSojourn) < 1e-9 * run.meanInSystem)
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() {
        func run(_ seed: UInt64) -> MMcResult {
            var r = MMcSimulation(arrivalRate: 4, serviceRate: 1, servers: 5, customers: 5_000, seed: seed).run()
            r.wallSeconds = 0
            return r
        }
        #expect(run(9) == run(9))
        #expect(run(9) != run(10))
        #expect(run(9).events == 10_000, "one event per arrival and one per departure")
    }

    @Test func warmupCustomersAreLeftOut() {
        let r = MMcSimulation(arrivalRate: 4, serviceRate: 1, servers: 5, customers: 5_000, warmup: 1_000, seed: 2).run()
        #expect(r.customers == 4_000)
        #expect(r.events == 10_000)
    }
}
