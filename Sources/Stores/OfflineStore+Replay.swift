import GRDB
import SimKernel
import Workloads

extension OfflineStore {
    /// Calls `body` with every event that arrived in (`after`, `upTo`], in
    /// arrival order (ties in rowid order: one entity's in the order they
    /// were appended, different entities' by entity): the stream as the platform
    /// received it, replayed for a point-in-time training join.
    ///
    ///     try offline.forEachArrival(upTo: warmupEnd) { event in features.process(event) }
    ///
    /// - Complexity: O(events in the range), read through the arrival index.
    public func forEachArrival(after: SimTime = SimTime(microseconds: .min), upTo: SimTime,
                               _ body: (DomainEvent) throws -> Void) throws {
        try waitForAppends()
        try database.read { db in
            try EventRows.read(db, sql: """
                SELECT entity, event_time, arrival_time, kind, item, amount FROM events
                WHERE arrival_time > ? AND arrival_time <= ?
                ORDER BY arrival_time, rowid
                """, bind: { $0.bind(1, after.microseconds); $0.bind(2, upTo.microseconds) }, body)
        }
    }
}
