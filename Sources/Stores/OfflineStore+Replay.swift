import GRDB
import SimKernel
import Workloads

extension OfflineStore {
    /// Calls `body` with every event that arrived in (`after`, `upTo`], in
    /// arrival order (ties in rowid order: by entity, event time, then
    /// append order within an append, in append order across appends): the stream as the platform
    /// received it, replayed for a point-in-time training join.
    ///
    ///     try offline.forEachArrival(upTo: warmupEnd) { event in features.process(event) }
    ///
    /// - Complexity: O(events in the overlapping batches), each batch sorted on its own.
    public func forEachArrival(after: SimTime = SimTime(microseconds: .min), upTo: SimTime,
                               _ body: (DomainEvent) throws -> Void) throws {
        try awaitArrivals(through: upTo)
        try database.read { db in
            for span in try arrivalSpans(db, after: after, upTo: upTo) {
                try EventRows.read(db, sql: """
                    SELECT entity, event_time, arrival_time, kind, item, amount FROM events
                    WHERE rowid BETWEEN ? AND ? AND arrival_time > ? AND arrival_time <= ?
                    ORDER BY arrival_time, rowid
                    """, bind: {
                        $0.bind(1, span.firstRowid); $0.bind(2, span.lastRowid)
                        $0.bind(3, span.after); $0.bind(4, span.upTo)
                    }, body)
            }
        }
    }
}
