import Testing
import Report

struct ParetoFrontierTests {
    struct Point: Equatable { let name: String; let cost: Double; let value: Double }

    func frontier(_ points: [Point]) -> [String] {
        paretoFrontier(points, cost: \.cost, value: \.value).map(\.name)
    }

    @Test func dominatedPointsAreExcluded() {
        let points = [Point(name: "a", cost: 10, value: 100), Point(name: "b", cost: 20, value: 90),   // b: costs more, earns less
                      Point(name: "c", cost: 5, value: 50), Point(name: "d", cost: 30, value: 200),
                      Point(name: "e", cost: 6, value: 40)]                                           // e: dominated by c
        #expect(frontier(points) == ["c", "a", "d"])
    }

    @Test func equalCostKeepsOnlyTheHigherValue() {
        #expect(frontier([Point(name: "low", cost: 10, value: 1), Point(name: "high", cost: 10, value: 2)]) == ["high"])
    }

    @Test func equalValueKeepsOnlyTheCheaper() {
        #expect(frontier([Point(name: "dear", cost: 20, value: 5), Point(name: "cheap", cost: 10, value: 5)]) == ["cheap"])
    }

    @Test func identicalPointsDoNotDominateEachOther() {
        let points = [Point(name: "x", cost: 10, value: 5), Point(name: "y", cost: 10, value: 5), Point(name: "z", cost: 1, value: 1)]
        #expect(frontier(points) == ["z", "x", "y"])
    }

    @Test func edgeCases() {
        #expect(frontier([]) == [])
        #expect(frontier([Point(name: "only", cost: 0, value: -3)]) == ["only"])
        #expect(frontier([Point(name: "nan", cost: .nan, value: 9), Point(name: "ok", cost: 1, value: 1),
                          Point(name: "inf", cost: 2, value: .infinity)]) == ["ok"])
        // Negative values still order by value: the cheaper loss is not dominated by a dearer, smaller one.
        #expect(frontier([Point(name: "a", cost: 0, value: -10), Point(name: "b", cost: 5, value: -2)]) == ["a", "b"])
    }
}
