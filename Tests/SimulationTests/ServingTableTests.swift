import Testing
import SimKernel
import Stores
@testable import Engines

@Suite struct ServingTableTests {
    func row(_ entity: Int32, _ score: Float, at seconds: Int64, items: [Int32] = []) -> PredictionRow {
        PredictionRow(entity: entity, score: score, computedAt: SimTime(microseconds: seconds * 1_000_000),
                      featuresAsOf: SimTime(microseconds: (seconds - 1) * 1_000_000), items: items)
    }

    @Test func readsBackWhatWasPublishedUnderItsVersion() {
        var table = ServingTable()
        table.reserve(entities: 4)
        #expect(table.prediction(for: 2) == nil, "a reserved entity without a prediction reads as missing")
        table.publish([row(0, 0.25, at: 10), row(2, 0.75, at: 10)], modelVersion: "lr-a")
        table.publish(row(2, 0.5, at: 20), modelVersion: "lr-b")
        // An older version published again keeps its own name, not the latest's.
        table.publish(row(3, 0.125, at: 30), modelVersion: "lr-a")
        #expect(table.prediction(for: 0) == ServingTable.Entry(score: 0.25, computedAt: SimTime(microseconds: 10_000_000),
                                                               featuresAsOf: SimTime(microseconds: 9_000_000), modelVersion: "lr-a"))
        #expect(table.prediction(for: 2)?.score == 0.5)
        #expect(table.prediction(for: 2)?.modelVersion == "lr-b")
        #expect(table.prediction(for: 3)?.modelVersion == "lr-a")
        #expect(table.lastVersion == "lr-a")
        #expect(table.prediction(for: 1) == nil)
        #expect(table.prediction(for: -1) == nil)
        #expect(table.all().map(\.entity) == [0, 2, 3])
    }

    @Test func growsPastTheReservationAndKeepsRankedLists() {
        var table = ServingTable()
        table.publish(row(1, 0.5, at: 5), modelVersion: "mf-1")
        table.publish(row(9, 0.9, at: 6, items: [4, 2, 7]), modelVersion: "mf-1")
        #expect(table.prediction(for: 9)?.items == [4, 2, 7])
        #expect(table.prediction(for: 1)?.items == [], "a row published before any list has none")
        #expect(table.prediction(for: 1)?.score == 0.5)
        #expect(table.prediction(for: 8) == nil)
    }
}
