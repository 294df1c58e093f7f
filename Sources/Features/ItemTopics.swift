import Foundation
import Workloads

/// The items' content — what each item is about, as a topic vector — as
/// feature computation reads it: the workload's `ItemContent` behind a dense
/// table by item id, because a catalogue item is re-derived from its random
/// stream on every lookup and a click is looked up once per topic feature.
///
///     let topics = ItemTopics(workload as! any ItemContent)
///     topics.weight(of: 42, onTopic: 3)     // 0 for an item outside the catalogue
///
/// A reference type so that every copy of a view shares one table; the lock
/// makes it safe to share, though a run reads it from one thread.
public final class ItemTopics: @unchecked Sendable {
    /// The length of every topic vector.
    public let count: Int
    let content: any ItemContent
    let lock = NSLock()
    /// `count` floats per item id, valid where `state` is `loaded`.
    var table: [Float] = []
    var state: [State] = []

    enum State: UInt8 { case unknown, loaded, missing }

    public init(_ content: any ItemContent) {
        self.content = content
        count = content.topicCount
    }

    /// The item's weight on topic `k`; 0 for an id outside the catalogue. - Complexity: amortised O(1)
    public func weight(of item: Int32, onTopic k: Int) -> Float {
        guard item >= 0 else { return 0 }
        lock.lock()
        defer { lock.unlock() }
        let i = Int(item)
        load(i)
        return state[i] == .loaded ? table[i * count + k] : 0
    }

    /// The item's topic vector, or nil outside the catalogue. - Complexity: amortised O(topics)
    public func topics(of item: Int32) -> ArraySlice<Float>? {
        guard item >= 0 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let i = Int(item)
        load(i)
        return state[i] == .loaded ? table[(i * count)..<((i + 1) * count)] : nil
    }

    /// Makes sure row `i` is filled (the lock is held).
    private func load(_ i: Int) {
        if i >= state.count {
            let grown = max(i + 1, state.count * 2)
            state.append(contentsOf: repeatElement(.unknown, count: grown - state.count))
            table.append(contentsOf: repeatElement(0, count: grown * count - table.count))
        }
        guard state[i] == .unknown else { return }
        if let v = content.topics(of: Int32(i)), v.count == count {
            table.replaceSubrange((i * count)..<((i + 1) * count), with: v)
            state[i] = .loaded
        } else {
            state[i] = .missing
        }
    }
}
