/// A deterministic pseudo-random stream: xoshiro256** (Blackman & Vigna,
/// "Scrambled linear pseudorandom number generators", 2018), seeded through
/// SplitMix64 as its authors recommend.
///
///     let source = RandomSource(seed: 42)
///     var arrivals = source.stream("arrivals")
///     let u = arrivals.nextUniform()            // in [0, 1)
///
/// Streams are derived, never shared: `RandomSource.stream(_:)` hashes the
/// stream's name into the seed, and `split(_:)` derives an independent child
/// (one per entity, say). Drawing from one stream never shifts another, so
/// adding a consumer leaves every other number of a run unchanged.
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// Seeds the four state words from SplitMix64 starting at `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // the all-zero state is a fixed point
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in (0, 1]: safe to take the logarithm of.
    @inlinable public mutating func nextOpenUniform() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// An independent child stream for `key` (an entity id, a replication
    /// number). The parent's position is not consumed.
    public func split(_ key: UInt64) -> RandomStream {
        RandomStream(seed: SplitMix64.mix(s0 ^ SplitMix64.mix(key &+ 0x632B_E59B_D9B4_E019)))
    }
}

extension UInt64 {
    @inlinable @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 &- k)) }
}

/// The root of a run's randomness: one scenario seed, many named streams.
public struct RandomSource: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// The stream called `name`; the same (seed, name) always gives the same
    /// stream, and different names give independent ones.
    public func stream(_ name: String) -> RandomStream {
        RandomStream(seed: SplitMix64.mix(seed ^ SplitMix64.mix(fnv1a64(name))))
    }

    /// A sub-source for one component (a workload, an engine), whose streams are
    /// independent of every other component's.
    public func source(_ name: String) -> RandomSource {
        RandomSource(seed: SplitMix64.mix(seed &+ fnv1a64(name)))
    }
}

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): used only to seed and to derive streams.
@usableFromInline struct SplitMix64 {
    @usableFromInline var state: UInt64

    @usableFromInline mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
    @usableFromInline static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FNV-1a over the UTF-8 bytes: a stable name hash (Swift's `Hasher` is
/// randomly seeded per process, so it cannot name a stream).
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
