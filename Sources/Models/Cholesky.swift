/// Solving the small symmetric positive-definite systems that both fits need
/// (a Newton step in logistic regression, one factor row in ALS): A x = b by
/// Cholesky factorisation A = L Lᵀ, then two triangular solves (Golub & Van
/// Loan, *Matrix Computations*, 4th ed., §4.2).
///
///     var a = [4.0, 2, 2, 3]; var b = [2.0, 1]
///     let ok = Cholesky.solve(&a, &b, dimension: 2)   // b now holds x
///
/// In place and allocation-free, so ALS can call it once per user per sweep
/// with scratch buffers it owns.
enum Cholesky {
    /// Overwrites the lower triangle of `a` (row-major, `dimension`²) with L
    /// and `b` with the solution. Returns false, leaving both partly
    /// overwritten, when a pivot is not clearly positive: the matrix is
    /// singular or indefinite to working precision. Only the lower triangle of
    /// `a` is read.
    ///
    /// - Complexity: O(dimension³ / 3).
    static func solve(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, dimension n: Int) -> Bool {
        // A pivot below this fraction of the largest diagonal entry means the
        // column is a combination of earlier ones up to rounding (cond ≳ 1e13):
        // a step from such a factor would be noise, so report failure instead.
        var largest = 0.0
        for i in 0..<n { largest = max(largest, a[i * n + i]) }
        guard largest > 0, largest.isFinite else { return false }
        let floor = largest * 1e-13

        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > floor else { return false }
            let ljj = d.squareRoot()
            a[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / ljj
            }
        }
        // L y = b, then Lᵀ x = y.
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= a[i * n + k] * b[k] }
            b[i] = s / a[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * b[k] }
            b[i] = s / a[i * n + i]
        }
        return true
    }

    /// Array convenience over `solve(_:_:dimension:)`.
    static func solve(_ a: inout [Double], _ b: inout [Double], dimension n: Int) -> Bool {
        precondition(a.count == n * n && b.count == n)
        return a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in solve(ap.baseAddress!, bp.baseAddress!, dimension: n) }
        }
    }
}
