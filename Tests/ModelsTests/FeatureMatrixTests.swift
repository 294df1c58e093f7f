import Testing
@testable import Models

@Suite struct FeatureMatrixTests {
    @Test func appendAndSubscripts() {
        var x = FeatureMatrix(columns: 3)
        x.reserveCapacity(rows: 2)
        x.append(row: [1, 2, 3])
        x.append(row: [4, 5, 6] as [Float])
        #expect(x.rows == 2)
        #expect(x[1, 0] == 4)
        #expect(Array(x[row: 0]) == [1, 2, 3])
        x[0, 2] = -1
        #expect(x.rowMajorValues == [1, 2, -1, 4, 5, 6])
        let sum = x.withUnsafeRow(1) { $0.reduce(0, +) }
        #expect(sum == 15)
        x.withUnsafeMutableBufferPointer { $0[5] = 0 }
        #expect(x[1, 2] == 0)
        #expect(FeatureMatrix(rows: [[1, 2], [3, 4]]) == FeatureMatrix(columns: 2, rowMajor: [1, 2, 3, 4]))
        #expect(FeatureMatrix(rows: 3, columns: 2, repeating: 7).rowMajorValues == [Float](repeating: 7, count: 6))
    }
}
