/// The points no other point dominates, cheapest first: a point is dominated
/// when another has at least its value at no more than its cost, and is
/// strictly better in one of the two.
///
///     let best = paretoFrontier(engines, cost: \.costPerDay, value: \.value)
///
/// Equal points do not dominate each other, so both stay. Points whose cost
/// or value is not finite are left out: they cannot be placed on the chart.
///
/// - Complexity: O(n log n): sort by cost, then one sweep keeping the best
///   value seen at a strictly lower cost.
public func paretoFrontier<Point>(_ points: [Point], cost: (Point) -> Double, value: (Point) -> Double) -> [Point] {
    let placed = points.indices
        .filter { cost(points[$0]).isFinite && value(points[$0]).isFinite }
        // Ties in cost keep their input order, so the result is deterministic.
        .sorted { (cost(points[$0]), $0) < (cost(points[$1]), $1) }
    var frontier: [Point] = []
    var bestAtLowerCost = -Double.infinity
    var start = placed.startIndex
    while start < placed.endIndex {
        // One group per distinct cost: inside it only the highest value survives.
        let groupCost = cost(points[placed[start]])
        var end = start
        while end < placed.endIndex, cost(points[placed[end]]) == groupCost { end += 1 }
        let group = placed[start..<end].map { points[$0] }
        let groupBest = group.map(value).max()!
        if groupBest > bestAtLowerCost {
            frontier += group.filter { value($0) == groupBest }
            bestAtLowerCost = groupBest
        }
        start = end
    }
    return frontier
}
