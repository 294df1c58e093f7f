import Testing
import Statistics
@testable import Randomness

/// Sample moments against exact ones. The tolerance is five standard errors
/// of the estimate, computed from the sample itself (SE of the mean σ/√n;
/// SE of the variance √((m₄ − s⁴)/n)), so a test fails only when the sampler
/// is wrong, not by bad luck: a 5σ miss has odds of about 1 in 3.5 million.
func checkMoments<D: Distribution>(_ d: D, samples n: Int = 200_000, seed: UInt64 = 1,
                                   _ value: (D.Value) -> Double, sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomSource(seed: seed).stream("moments")
    var xs = [Double]()
    xs.reserveCapacity(n)
    for _ in 0..<n { xs.append(value(d.sample(&rng))) }
    let mean = xs.reduce(0, +) / Double(n)
    let m2 = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
    let m4 = xs.reduce(0) { $0 + pow4($1 - mean) } / Double(n)
    let seMean = (m2 / Double(n)).squareRoot()
    let seVariance = ((m4 - m2 * m2) / Double(n)).squareRoot()
    #expect(abs(mean - d.mean) <= 5 * seMean + 1e-12, "\(d): mean \(mean) vs \(d.mean)", sourceLocation: sourceLocation)
    #expect(abs(m2 - d.variance) <= 5 * seVariance + 1e-12, "\(d): variance \(m2) vs \(d.variance)", sourceLocation: sourceLocation)
}

func pow4(_ x: Double) -> Double { x * x * x * x }

@Suite struct DistributionTests {
    @Test func continuousMoments() {
        checkMoments(Uniform(2, 5), { $0 })
        checkMoments(Exponential(rate: 3), { $0 })
        checkMoments(Normal(mean: -1, standardDeviation: 2), { $0 })
        checkMoments(LogNormal(mu: 0.5, sigma: 0.4), { $0 })
        checkMoments(LogNormal(mean: 10, cv: 0.5), { $0 })
        checkMoments(Gamma(shape: 3, scale: 2), { $0 })
        checkMoments(Gamma(shape: 0.4, scale: 1.5), { $0 })
        checkMoments(PiecewiseLinear(points: [(0, 0), (1, 0.5), (4, 0.9), (10, 1)]), { $0 })
    }

    @Test func discreteMoments() {
        checkMoments(Bernoulli(p: 0.03), { $0 ? 1 : 0 })
        checkMoments(Poisson(mean: 3.5), { Double($0) })
        checkMoments(Poisson(mean: 80), { Double($0) })  // the PTRS branch
        checkMoments(Zipf(n: 1_000, exponent: 1.1), { Double($0) })
        checkMoments(Zipf(n: 50, exponent: 0.7), { Double($0) })
        checkMoments(Empirical(weights: [5, 0, 1, 3, 1]), { Double($0) })
    }

    /// The ziggurat is exact: its empirical CDF stays within the
    /// Kolmogorov–Smirnov 1% critical distance 1.63/√n of 1 − e^(−x).
    @Test func exponentialZigguratPassesKolmogorovSmirnov() {
        let n = 100_000
        var rng = RandomSource(seed: 7).stream("ks")
        let d = Exponential(rate: 1)
        let xs = (0..<n).map { _ in d.sample(&rng) }.sorted()
        var worst = 0.0
        for (i, x) in xs.enumerated() {
            let f = 1 - Foundation_exp(-x)
            worst = max(worst, abs(Double(i + 1) / Double(n) - f), abs(Double(i) / Double(n) - f))
        }
        #expect(worst < 1.63 / Double(n).squareRoot())
        #expect(xs.last! > 10, "the tail beyond r = 7.7 is reached")
    }

    /// The normal ziggurat, sign bit and tail included, against Φ.
    @Test func normalZigguratPassesKolmogorovSmirnov() {
        let n = 100_000
        var rng = RandomSource(seed: 8).stream("ks")
        let xs = (0..<n).map { _ in Normal.standard(&rng) }.sorted()
        var worst = 0.0
        for (i, x) in xs.enumerated() {
            let f = 0.5 * Foundation.erfc(-x / 2.0.squareRoot())
            worst = max(worst, abs(Double(i + 1) / Double(n) - f), abs(Double(i) / Double(n) - f))
        }
        #expect(worst < 1.63 / Double(n).squareRoot())
        #expect(xs.first! < -3.7 && xs.last! > 3.7, "both tails beyond r = 3.65 are reached")
    }

    @Test func zipfFrequenciesFollowThePowerLaw() {
        var rng = RandomSource(seed: 3).stream("zipf")
        let z = Zipf(n: 100, exponent: 1.2)
        var counts = [Int](repeating: 0, count: 101)
        let n = 200_000
        for _ in 0..<n { counts[z.sample(&rng)] += 1 }
        let norm = (1...100).reduce(0.0) { $0 + pow(Double($1), -1.2) }
        for k in [1, 2, 5, 20] {
            let p = pow(Double(k), -1.2) / norm
            let se = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(Double(counts[k]) / Double(n) - p) < 5 * se, "rank \(k)")
        }
    }
}

import Foundation
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }

@Suite struct StreamTests {
    @Test func sameSeedAndNameGiveTheSameStream() {
        var a = RandomSource(seed: 42).stream("arrivals")
        var b = RandomSource(seed: 42).stream("arrivals")
        for _ in 0..<1000 { #expect(a.next() == b.next()) }
    }

    @Test func streamsAreIndependentOfEachOthersUse() {
        let source = RandomSource(seed: 42)
        var untouched = source.stream("service")
        let expected = (0..<100).map { _ in untouched.next() }
        // Draw heavily from another stream first: "service" must not move.
        var arrivals = source.stream("arrivals")
        for _ in 0..<10_000 { _ = arrivals.next() }
        var service = source.stream("service")
        #expect((0..<100).map { _ in service.next() } == expected)
    }

    @Test func differentNamesSeedsAndSplitsDiffer() {
        let source = RandomSource(seed: 1)
        var a = source.stream("a"), b = source.stream("b"), c = RandomSource(seed: 2).stream("a")
        let firsts = [a.next(), b.next(), c.next()]
        #expect(Set(firsts).count == 3)
        let parent = source.stream("users")
        var u1 = parent.split(1), u2 = parent.split(2)
        #expect(u1.next() != u2.next())
        var again = parent.split(1)
        var u1b = source.stream("users").split(1)
        #expect(again.next() == u1b.next())
        #expect(source.source("fraud").seed != source.source("churn").seed)
    }

    @Test func uniformsStayInTheirIntervals() {
        var rng = RandomSource(seed: 5).stream("u")
        for _ in 0..<100_000 {
            let u = rng.nextUniform(), v = rng.nextOpenUniform()
            #expect(u >= 0 && u < 1 && v > 0 && v <= 1)
        }
    }
}
