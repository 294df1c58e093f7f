/// The yardstick every suite is divided by: a fixed loop of integer
/// arithmetic and scattered memory traffic, timed right before each suite.
///
///     let reference = sampler.measure { ReferenceLoop().run() }
///     let ratio = suiteRate.median / reference.median   // machine speed cancels
///
/// A benchmark's rate on its own says as much about the machine (its clock,
/// its caches, whatever else runs on the two cores) as about the code. Its
/// ratio to this loop, measured minutes apart in the same process, mostly
/// does not: that ratio is what baselines store and compare. The loop mixes
/// what the suites spend their time on — a dependent multiply–xorshift chain
/// (the kernel's and the models' arithmetic) and read–modify–writes at
/// pseudo-random places in a table (hash lookups, per-entity state) — and its
/// work is fixed: the same instructions and the same addresses on every run.
///
/// The table is 128 KiB, inside any server core's L2. A 16 MiB table (the
/// first version) made the loop a measure of DRAM and nested-paging latency,
/// which differs between virtual machines far more than the suites do: two
/// hosts ran the fraud scenario at the same speed while that loop ran at
/// 188M and 42M steps/s, so every ratio moved 2–5× with the host.
public struct ReferenceLoop: Sendable {
    /// Table size in 64-bit words (a power of two): 2¹⁴ words is 128 KiB, past L1, inside L2.
    public var tableWords: Int
    /// Steps per run; each step is one scattered read–modify–write and a few arithmetic operations.
    public var steps: Int

    public init(tableWords: Int = 1 << 14, steps: Int = 40_000_000) {
        precondition(tableWords > 0 && tableWords & (tableWords - 1) == 0, "the table size must be a power of two")
        precondition(steps > 0, "at least one step")
        self.tableWords = tableWords
        self.steps = steps
    }

    /// Runs the loop once; returns the steps done (the items of its rate).
    ///
    /// - Complexity: O(steps + tableWords)
    public func run() -> Int {
        var table = [UInt64](repeating: 0, count: tableWords)
        let mask = UInt64(tableWords - 1)
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checksum: UInt64 = 0
        table.withUnsafeMutableBufferPointer { words in
            for _ in 0..<steps {
                // xorshift64: the next address and the next operand.
                x ^= x << 13
                x ^= x >> 7
                x ^= x << 17
                let i = Int(truncatingIfNeeded: x & mask)
                let v = words[i] &* 0xBF58_476D_1CE4_E5B9 &+ x
                words[i] = v
                checksum = (checksum ^ v) &* 0x94D0_49BB_1331_11EB
            }
        }
        return checksum == 42 ? steps + 1 : steps  // keeps the loop from being optimised away
    }
}
