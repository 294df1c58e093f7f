import Testing
@testable import Randomness

@Suite struct ArrivalProcessTests {
    func count<P: ArrivalProcess>(_ process: P, until horizon: Double, seed: UInt64, bins: Int = 1, binWidth: Double? = nil) -> [Int] {
        var p = process
        var rng = RandomSource(seed: seed).stream("arrivals")
        let width = binWidth ?? horizon
        var counts = [Int](repeating: 0, count: bins)
        var t = p.next(after: 0, &rng)
        while t < horizon {
            counts[Int(t / width) % bins] += 1
            t = p.next(after: t, &rng)
        }
        return counts
    }

    @Test func homogeneousPoissonRate() {
        let n = count(PoissonArrivals(rate: 50), until: 4_000, seed: 1)[0]
        let expected = 200_000.0
        #expect(abs(Double(n) - expected) < 5 * expected.squareRoot())
    }

    /// Thinning reproduces the diurnal profile: arrivals per hour of day over
    /// 30 days match the integral of the rate over that hour, within five
    /// Poisson standard deviations.
    @Test func thinningReproducesTheDiurnalProfile() {
        let profile = DiurnalProfile.consumer
        let base = 2.0
        let days = 30
        let perHour = count(DiurnalPoissonArrivals(baseRate: base, profile: profile),
                            until: Double(days) * 86_400, seed: 2, bins: 24, binWidth: 3_600)
        for hour in 0..<24 {
            var integral = 0.0  // ∫ rate over the hour, by the midpoint rule
            let steps = 360
            for s in 0..<steps {
                integral += base * profile.factor(at: Double(hour) * 3600 + (Double(s) + 0.5) * 10) * 10
            }
            let expected = integral * Double(days)
            #expect(abs(Double(perHour[hour]) - expected) < 5 * expected.squareRoot(), "hour \(hour)")
        }
        let total = perHour.reduce(0, +)
        let expectedTotal = base * 86_400 * Double(days)
        #expect(abs(Double(total) - expectedTotal) < 5 * expectedTotal.squareRoot(), "the profile keeps the daily mean")
    }

    @Test func diurnalProfileIsNormalisedAndContinuous() {
        let p = DiurnalProfile(hourly: (0..<24).map { Double($0 + 1) })
        #expect(abs(p.hourly.reduce(0, +) / 24 - 1) < 1e-12)
        #expect(abs(p.factor(at: 3 * 3600 + 1800) - p.hourly[3]) < 1e-12, "hour midpoints carry the given factor")
        let justBefore = p.factor(at: 86_400 - 0.001), justAfter = p.factor(at: 86_400 + 0.001)
        #expect(abs(justBefore - justAfter) < 1e-4, "the day wraps without a jump (a jump would be ~1.8)")
    }

    /// The MMPP keeps its stationary mean rate but is overdispersed: counts
    /// in one-minute bins vary far more than a Poisson process's would.
    @Test func mmppMeanRateAndBurstiness() {
        let mmpp = MMPPArrivals(calmRate: 5, burstRate: 100, meanCalm: 600, meanBurst: 60)
        let minutes = 3_000
        let counts = count(mmpp, until: Double(minutes) * 60, seed: 3, bins: minutes, binWidth: 60)
        let mean = Double(counts.reduce(0, +)) / Double(minutes)
        let variance = counts.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(minutes - 1)
        // Bins are correlated through the state, so allow 10% on the mean
        // (about 45 burst episodes: a relative SE near 1/√45 of the burst share).
        #expect(abs(mean / 60 - mmpp.meanRate) < 0.1 * mmpp.meanRate)
        #expect(variance / mean > 10, "index of dispersion \(variance / mean) should be far above Poisson's 1")
    }
}
