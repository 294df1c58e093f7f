import Testing
@testable import Decide

/// Points built by hand: engine, cost per day, value, % of oracle.
func points(_ spec: [(String, Double, Double, Double?)]) -> [SweepResults.Point] {
    spec.enumerated().map { i, p in
        SweepResults.Point(run: i, assignment: ["x": "\(i)"], engine: p.0, kind: "batch",
                           measures: .init(value: p.2, valuePctOfOracle: p.3, costPerDay: p.1))
    }
}

@Suite struct ParetoTests {
    @Test func dominatedPointsAreExcluded() {
        let p = points([("a", 1, 10, nil), ("b", 2, 5, nil), ("c", 3, 30, nil), ("d", 4, 30, nil), ("e", 0.5, 1, nil)])
        // b costs more than a and earns less; d costs more than c for the same value.
        #expect(SweepResults.pareto(p) == [4, 0, 2])
    }

    @Test func tiesAreHandled() {
        // Same cost: only the higher value survives. Equal points of different engines both stay.
        let p = points([("a", 1, 10, nil), ("b", 1, 12, nil), ("c", 2, 20, nil), ("d", 2, 20, nil)])
        #expect(SweepResults.pareto(p) == [1, 2, 3])
        // An engine's exact repeat (a parameter that does not touch it) is listed once, at its first index.
        let repeated = points([("nightly", 1, 10, nil), ("rt", 5, 20, nil), ("nightly", 1, 10, nil), ("rt", 9, 25, nil)])
        #expect(SweepResults.pareto(repeated) == [0, 1, 3])
    }

    @Test func nonFinitePointsAndPointsWithoutDecisionsAreLeftOut() {
        var p = points([("a", 1, 10, nil), ("b", .infinity, 50, nil), ("c", 2, 20, nil)])
        p[2].measures.decisions = 0
        #expect(SweepResults.pareto(p) == [0])
    }

    @Test func cheapestAtTargetPicksTheCheapestPointReachingIt() {
        let p = points([("a", 1, 10, 80), ("b", 3, 19, 95), ("c", 2, 19.5, 96), ("d", 2, 19.6, 97), ("e", 9, 20, 100)])
        let (choice, note) = SweepResults.cheapest(p, target: 0.95)
        // c and d cost the same; d earns more.
        #expect(choice?.point == 3)
        #expect(note == nil)
        #expect(SweepResults.cheapest(p, target: 0.8).0?.point == 0)
        let (none, why) = SweepResults.cheapest(p, target: 1.01)
        #expect(none == nil)
        #expect(why?.contains("100.0%") == true)
        #expect(SweepResults.cheapest(p, target: 0.5, hasOracle: false).0 == nil)
    }

    @Test func theKneeIsTheFrontierPointFarthestAboveTheChord() {
        // Value climbs steeply to $2/day, then flattens: the knee is at 2.
        let p = points([("a", 0.1, 0, nil), ("b", 1, 80, nil), ("c", 2, 95, nil), ("d", 10, 98, nil), ("e", 100, 100, nil)])
        let frontier = SweepResults.pareto(p)
        #expect(frontier == [0, 1, 2, 3, 4])
        // Log cost: a..e at −1, 0, 0.30, 1, 2 → x' 0, 1/3, 0.43, 2/3, 1; y' 0, .8, .95, .98, 1: gaps .47, .52, .31.
        #expect(SweepResults.knee(p, frontier: frontier) == 2)
        // A straight line has no knee; two points have none.
        let line = points([("a", 1, 1, nil), ("b", 10, 2, nil), ("c", 100, 3, nil)])
        #expect(SweepResults.knee(line, frontier: [0, 1, 2]) == nil)
        #expect(SweepResults.knee(p, frontier: [0, 4]) == nil)
    }
}
