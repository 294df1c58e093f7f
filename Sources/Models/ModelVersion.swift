/// The identity of one fitted model: a kind prefix and a hash of everything
/// that determines its scores, such as `lr-3f9a0c1d22e4`.
///
///     let model = try LogisticRegression.fit(x, labels: y)
///     store.write(score, version: model.version.id)
///
/// Derived from the parameters rather than from a counter, so the same data
/// and seed give the same id on every machine and in every run, and two
/// engines holding equal models agree on the version they stamp on a score.
public struct ModelVersion: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The printable id, `<kind>-<12 hex digits>`: 15 bytes for a two-letter
    /// kind, which Swift keeps inside the string value itself. Every answer
    /// an engine gives carries its model's version, so a longer id (heap
    /// storage, shared by every engine and thread holding the model) cost a
    /// reference-count increment and decrement on each copy of an answer.
    public let id: String

    /// A version with an explicit id (one read back from a store, say).
    public init(id: String) { self.id = id }

    public var description: String { id }

    /// `kind` followed by the top 48 bits of the 64-bit FNV-1a hash of
    /// `hash`'s bytes (ample to tell a run's few models apart).
    init(kind: String, _ hash: StableHash) {
        let hex = String(hash.value >> 16, radix: 16)
        id = kind + "-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}

/// FNV-1a over the bytes fed to it (Fowler, Noll & Vo). Swift's `Hasher` is
/// seeded per process, so it cannot name anything that must survive a run.
struct StableHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            value ^= w & 0xFF
            value = value &* 0x0000_0100_0000_01B3
            w >>= 8
        }
    }

    mutating func combine(_ x: Int) { combine(UInt64(bitPattern: Int64(x))) }
    mutating func combine(_ x: Float) { combine(UInt64(x.bitPattern)) }
    mutating func combine(_ x: Double) { combine(x.bitPattern) }
    mutating func combine<C: Sequence<Float>>(_ xs: C) { for x in xs { combine(x) } }
    mutating func combine<C: Sequence<Double>>(_ xs: C) { for x in xs { combine(x) } }
}
