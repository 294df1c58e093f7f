import Testing
@testable import Statistics

@Suite struct RunningMomentsTests {
    @Test func matchesTwoPassAndMergesExactly() {
        let xs = (0..<1000).map { Double(($0 * 7919) % 1000) / 10 + 1e6 }  // large offset: Welford stays accurate
        var all = RunningMoments()
        xs.forEach { all.add($0) }
        let mean = xs.reduce(0, +) / 1000
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 999
        #expect(abs(all.mean - mean) < 1e-9)
        #expect(abs(all.sampleVariance - variance) < 1e-6)
        var left = RunningMoments(), right = RunningMoments()
        xs[..<300].forEach { left.add($0) }
        xs[300...].forEach { right.add($0) }
        left.merge(right)
        #expect(left.count == 1000)
        #expect(abs(left.mean - all.mean) < 1e-9 && abs(left.sampleVariance - all.sampleVariance) < 1e-6)
        #expect(left.min == all.min && left.max == all.max)
    }
}

@Suite struct ConfidenceIntervalTests {
    @Test func studentTQuantilesMatchTables() {
        #expect(abs(StudentT(degreesOfFreedom: 1).quantile(0.975) - 12.7062) < 1e-3)
        #expect(abs(StudentT(degreesOfFreedom: 9).quantile(0.975) - 2.2622) < 1e-3)
        #expect(abs(StudentT(degreesOfFreedom: 30).quantile(0.975) - 2.0423) < 1e-3)
        #expect(abs(StudentT(degreesOfFreedom: 1e6).quantile(0.975) - 1.95996) < 1e-3)
        #expect(abs(StudentT(degreesOfFreedom: 5).quantile(0.025) + 2.5706) < 1e-3)
    }

    @Test func replicationIntervalOnAWorkedExample() {
        // mean 10, s = 1 (values 9, 10, 11), t(0.975, 2) = 4.3027: ± 4.3027/√3.
        let ci = ConfidenceInterval(replications: [9, 10, 11])
        #expect(abs(ci.mean - 10) < 1e-12)
        #expect(abs(ci.halfWidth - 4.302653 / 3.0.squareRoot()) < 1e-4)
        #expect(ConfidenceInterval(replications: [5]).halfWidth == .infinity)
    }

    /// Coverage: of 2,000 intervals from samples of 10 uniforms, about 95%
    /// contain the true mean (binomial SE ≈ 0.5%, so ±2.5% is five SEs).
    @Test func intervalsCoverTheTrueMeanAboutNinetyFivePercentOfTheTime() {
        var state: UInt64 = 99
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53
        }
        var covered = 0
        for _ in 0..<2000 {
            let ci = ConfidenceInterval(replications: (0..<10).map { _ in uniform() + uniform() + uniform() })
            if ci.contains(1.5) { covered += 1 }
        }
        #expect(abs(Double(covered) / 2000 - 0.95) < 0.025)
    }

    @Test func batchMeansUseCompleteBatchesOnly() {
        var bm = BatchMeans(batchSize: 100)
        for i in 0..<1050 { bm.add(Double(i % 100)) }
        let ci = bm.interval()
        #expect(ci.samples == 10)
        #expect(abs(ci.mean - 49.5) < 1e-12)
        #expect(ci.halfWidth < 1e-9, "identical batches have no spread")
        #expect(BatchMeans(expectedCount: 3000, batches: 30).batchSize == 100)
    }
}

@Suite struct DurationHistogramTests {
    @Test func percentilesWithinThreeSignificantDigits() {
        var h = DurationHistogram()
        for v in 1...100_000 { h.record(microseconds: Int64(v)) }
        #expect(h.count == 100_000)
        for (p, exact) in [(50.0, 50_000.0), (99.0, 99_000.0), (99.9, 99_900.0)] {
            #expect(abs(Double(h.percentile(p)) - exact) <= exact * 1e-3, "p\(p)")
        }
        var other = DurationHistogram()
        other.record(microseconds: 10_000_000)  // beyond the initial range: auto-resizes
        h.merge(other)
        #expect(abs(Double(h.max) - 1e7) <= 1e4)
        #expect(DurationHistogram().percentile(99) == 0)
    }
}
