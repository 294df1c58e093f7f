import RealModule

/// Standard normal variates by the ziggurat method (Marsaglia & Tsang,
/// "The ziggurat method for generating random variables", J. Stat. Software
/// 5(8), 2000) with 256 layers over the half-normal, a random sign, and
/// Marsaglia's exact tail beyond r. About 98.8% of draws cost one 64-bit
/// random number, a look-up and a multiply — no cos, no logarithm.
@usableFromInline enum NormalZiggurat {
    @usableFromInline static let r = 3.6541528853610088
    static let v = 0.00492867323399

    /// x[0] = v/f(r) > x[1] = r > … > x[256] = 0 in slots 0...256, then
    /// f(x[i]) = exp(−x[i]²/2) in slots 257...513; one immortal allocation.
    @usableFromInline nonisolated(unsafe) static let table: UnsafePointer<Double> = {
        func f(_ x: Double) -> Double { Double.exp(-0.5 * x * x) }
        var x = [Double](repeating: 0, count: 257)
        x[0] = v / f(r)
        x[1] = r
        for i in 1..<255 { x[i + 1] = (-2 * Double.log(v / x[i] + f(x[i]))).squareRoot() }
        x[256] = 0
        let table = UnsafeMutablePointer<Double>.allocate(capacity: 514)
        for i in 0...256 {
            table[i] = x[i]
            table[257 + i] = f(x[i])
        }
        return UnsafePointer(table)
    }()

    @inlinable static func sample(_ rng: inout RandomStream) -> Double {
        let xs = table, fs = table + 257
        while true {
            let bits = rng.next()
            let i = Int(truncatingIfNeeded: bits & 0xFF)          // bits 0–7 pick the layer
            let sign: Double = bits & 0x100 == 0 ? 1 : -1          // bit 8 the sign
            let u = Double(bits >> 12) * 0x1.0p-52                 // bits 12–63 the position
            let x = u * xs[i]
            if x < xs[i + 1] { return sign * x }
            if i == 0 {
                // Marsaglia's tail: x = −ln(U₁)/r, accepted when −2 ln(U₂) > x².
                while true {
                    let t = -Double.log(rng.nextOpenUniform()) / r
                    let y = -Double.log(rng.nextOpenUniform())
                    if 2 * y > t * t { return sign * (r + t) }
                }
            }
            if fs[i + 1] + (fs[i] - fs[i + 1]) * rng.nextUniform() < Double.exp(-0.5 * x * x) { return sign * x }
        }
    }
}
