/// A dense rows × columns matrix of `Float`, stored row-major in one
/// contiguous buffer: the layout a batch job fills one entity at a time and a
/// scoring kernel streams through once.
///
///     var x = FeatureMatrix(columns: 3)
///     x.append(row: [0.5, 1, -2])
///     let v = x[0, 2]                                   // -2
///
/// Float32 rather than Double because scoring is memory-bound: half the bytes
/// per row is close to twice the rows per second (see `LogisticRegression`).
/// Fitting reads the same storage and accumulates in Double.
public struct FeatureMatrix: Sendable, Equatable {
    /// Values per row (features per entity).
    public let columns: Int
    /// Row-major values: row `r` occupies `r * columns ..< (r + 1) * columns`.
    @usableFromInline var storage: [Float]

    /// An empty matrix whose rows will have `columns` values.
    public init(columns: Int) {
        precondition(columns > 0, "a feature matrix needs at least one column, got \(columns)")
        self.columns = columns
        self.storage = []
    }

    /// A `rows` × `columns` matrix with every entry set to `value`.
    ///
    /// - Complexity: O(rows × columns).
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(columns > 0, "a feature matrix needs at least one column, got \(columns)")
        precondition(rows >= 0, "row count must be non-negative, got \(rows)")
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over `values` read row-major; `values.count` must be a
    /// multiple of `columns`.
    ///
    /// - Complexity: O(1) beyond the array's own copy-on-write.
    public init(columns: Int, rowMajor values: [Float]) {
        precondition(columns > 0, "a feature matrix needs at least one column, got \(columns)")
        precondition(values.count % columns == 0,
                     "\(values.count) values do not fill whole rows of \(columns) columns")
        self.columns = columns
        self.storage = values
    }

    /// A matrix from nested rows, each of length `rows[0].count`.
    ///
    /// - Complexity: O(rows × columns).
    public init(rows: [[Float]]) {
        precondition(!rows.isEmpty, "cannot infer the column count of an empty list of rows; use init(columns:)")
        self.init(columns: rows[0].count)
        storage.reserveCapacity(rows.count * columns)
        for row in rows { append(row: row) }
    }

    /// Number of rows appended so far.
    @inlinable public var rows: Int { storage.count / columns }

    /// Every value, row after row.
    public var rowMajorValues: [Float] { storage }

    /// Reserves room for `rows` rows in total, so appending up to that many
    /// never reallocates.
    ///
    /// - Complexity: O(current size) if it reallocates.
    public mutating func reserveCapacity(rows: Int) {
        storage.reserveCapacity(rows * columns)
    }

    /// Appends one row; `row.count` must equal `columns`.
    ///
    /// - Complexity: amortised O(columns).
    public mutating func append<Row: Collection<Float>>(row: Row) {
        precondition(row.count == columns, "row has \(row.count) values, matrix has \(columns) columns")
        storage.append(contentsOf: row)
    }

    /// The value at (`row`, `column`).
    ///
    /// - Complexity: O(1).
    @inlinable public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(column >= 0 && column < columns, "column \(column) out of 0..<\(columns)")
            return storage[row * columns + column]
        }
        set {
            precondition(column >= 0 && column < columns, "column \(column) out of 0..<\(columns)")
            storage[row * columns + column] = newValue
        }
    }

    /// Row `index` as a slice of the storage (no copy).
    ///
    /// - Complexity: O(1).
    @inlinable public subscript(row index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < rows, "row \(index) out of 0..<\(rows)")
        return storage[index * columns ..< (index + 1) * columns]
    }

    /// Calls `body` with the whole row-major buffer: the hot-loop entry point.
    /// The pointer is valid only inside `body`.
    ///
    /// - Complexity: O(1) plus `body`.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the whole row-major buffer, writable.
    ///
    /// - Complexity: O(1) plus `body` (O(rows × columns) if the storage is shared and must be copied first).
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Calls `body` with row `index` as a buffer of `columns` values, ready
    /// for `LogisticRegression.score(_:)`.
    ///
    /// - Complexity: O(1) plus `body`.
    @inlinable public func withUnsafeRow<R>(_ index: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < rows, "row \(index) out of 0..<\(rows)")
        return try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[index * columns ..< (index + 1) * columns]))
        }
    }
}
