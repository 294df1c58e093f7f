import Foundation
import Models
import Randomness

/// `tempo bench models`: logistic-regression scoring rows per second, batch
/// (`LogisticRegression.score(_:into:)`, on one thread and on `threads`) and
/// one row at a time (`score(_:)`), beside numpy computing
/// `1/(1+np.exp(-(X@w+b)))` on a matrix of the same shape and dtype,
/// measured in the same run.
///
///     let result = ModelsBenchmark(rows: 10_000_000).run()
///     print(result.vectorizedRowsPerSecond, result.numpyRowsPerSecond ?? .nan)
///
/// The numpy figure times only the expression (the matrix is built before
/// the clock starts), median of `repetitions` runs after a warm-up, the same
/// discipline as `Throughput.measure`. numpy runs twice: with its default
/// threading (its BLAS may use every core for `X@w`), and with the BLAS held
/// to one thread, the like-for-like match for `vectorized_rows_per_second`,
/// which is ours on one thread.
public struct ModelsBenchmark: Sendable {
    public var rows: Int
    public var columns: Int
    public var repetitions: Int
    /// Threads for the parallel batch figure.
    public var threads: Int
    /// Also time numpy through `python3`; off, or python3/numpy missing, gives nil with a note.
    public var includeNumpy: Bool
    /// Seed of the feature matrix and weights.
    public var seed: UInt64
    /// Rows scored in one timed run, in whole passes over the matrix (at least one).
    public var rowsPerRun: Int

    public init(rows: Int = 10_000_000, columns: Int = 16, repetitions: Int = 5,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, includeNumpy: Bool = true, seed: UInt64 = 1,
                rowsPerRun: Int = 1 << 25) {
        precondition(rows >= 1 && columns >= 1 && repetitions >= 1 && threads >= 1,
                     "rows, columns, repetitions and threads must be positive")
        self.rows = rows
        self.columns = columns
        self.repetitions = repetitions
        self.threads = threads
        self.includeNumpy = includeNumpy
        self.seed = seed
        self.rowsPerRun = rowsPerRun
    }

    public struct Result: Sendable, Codable, Equatable {
        public let rows: Int
        public let columns: Int
        public let repetitions: Int
        public let threads: Int
        /// Median rows per second of the batch kernel on one thread.
        public let vectorizedRowsPerSecond: Double
        /// Median rows per second of the batch kernel on `threads` threads.
        public let parallelRowsPerSecond: Double
        /// Median rows per second scoring one row per call.
        public let perRecordRowsPerSecond: Double
        /// Median rows per second of numpy with its default threading, or nil (see `numpyNote`).
        public let numpyRowsPerSecond: Double?
        /// The same with numpy's BLAS held to one thread: the like-for-like
        /// comparison for `vectorizedRowsPerSecond`.
        public let numpySingleThreadRowsPerSecond: Double?
        /// Why numpy has no figure, or how it ran.
        public let numpyNote: String?
        /// Our one-thread batch rate over numpy's default rate (medians): ≥ 1 means we match or beat it.
        public let vectorizedOverNumpy: Double?
        /// Our one-thread batch rate over numpy held to one thread.
        public let vectorizedOverNumpySingleThread: Double?
        /// Our `threads`-thread batch rate over numpy's default rate.
        public let parallelOverNumpy: Double?

        enum CodingKeys: String, CodingKey {
            case rows, columns, repetitions, threads
            case vectorizedRowsPerSecond = "vectorized_rows_per_second"
            case parallelRowsPerSecond = "parallel_rows_per_second"
            case perRecordRowsPerSecond = "per_record_rows_per_second"
            case numpyRowsPerSecond = "numpy_rows_per_second"
            case numpySingleThreadRowsPerSecond = "numpy_single_thread_rows_per_second"
            case numpyNote = "numpy_note"
            case vectorizedOverNumpy = "vectorized_over_numpy"
            case vectorizedOverNumpySingleThread = "vectorized_over_numpy_single_thread"
            case parallelOverNumpy = "parallel_over_numpy"
        }

        public init(rows: Int, columns: Int, repetitions: Int, threads: Int,
                    vectorizedRowsPerSecond: Double, parallelRowsPerSecond: Double, perRecordRowsPerSecond: Double,
                    numpyRowsPerSecond: Double?, numpySingleThreadRowsPerSecond: Double?, numpyNote: String?) {
            self.rows = rows; self.columns = columns; self.repetitions = repetitions; self.threads = threads
            self.vectorizedRowsPerSecond = vectorizedRowsPerSecond
            self.parallelRowsPerSecond = parallelRowsPerSecond
            self.perRecordRowsPerSecond = perRecordRowsPerSecond
            self.numpyRowsPerSecond = numpyRowsPerSecond
            self.numpySingleThreadRowsPerSecond = numpySingleThreadRowsPerSecond
            self.numpyNote = numpyNote
            // Stored, not computed, so the JSON carries them for readers that do not recompute.
            vectorizedOverNumpy = numpyRowsPerSecond.map { vectorizedRowsPerSecond / $0 }
            vectorizedOverNumpySingleThread = numpySingleThreadRowsPerSecond.map { vectorizedRowsPerSecond / $0 }
            parallelOverNumpy = numpyRowsPerSecond.map { parallelRowsPerSecond / $0 }
        }

        // Written by hand only so that missing numpy figures appear as null
        // (the synthesised encoder would drop the keys).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rows, forKey: .rows)
            try c.encode(columns, forKey: .columns)
            try c.encode(repetitions, forKey: .repetitions)
            try c.encode(threads, forKey: .threads)
            try c.encode(vectorizedRowsPerSecond, forKey: .vectorizedRowsPerSecond)
            try c.encode(parallelRowsPerSecond, forKey: .parallelRowsPerSecond)
            try c.encode(perRecordRowsPerSecond, forKey: .perRecordRowsPerSecond)
            try c.encode(numpyRowsPerSecond, forKey: .numpyRowsPerSecond)
            try c.encode(numpySingleThreadRowsPerSecond, forKey: .numpySingleThreadRowsPerSecond)
            try c.encode(numpyNote, forKey: .numpyNote)
            try c.encode(vectorizedOverNumpy, forKey: .vectorizedOverNumpy)
            try c.encode(vectorizedOverNumpySingleThread, forKey: .vectorizedOverNumpySingleThread)
            try c.encode(parallelOverNumpy, forKey: .parallelOverNumpy)
        }
    }

    /// Passes over the matrix in one timed run: by default enough for about
    /// 2²⁵ rows, so a run lasts a tenth of a second or more. One pass over a
    /// million rows is a few milliseconds, where a thread's wake-up or one
    /// descheduling moved the two-thread figure by 2× between back-to-back runs.
    var passesPerRun: Int { max(1, rowsPerRun / rows) }

    /// Builds the matrix (seeded), then times the batch kernel on one and on
    /// `threads` threads, the per-record path, and numpy if asked.
    ///
    /// - Complexity: O(repetitions × rows × columns), plus numpy's runs.
    public func run() -> Result { measure(Sampler(repetitions: repetitions, counter: nil)).result }

    /// The result, and the three rates with their ranges for the suite's figures.
    func measure(_ sampler: Sampler) -> (result: Result, vectorized: Throughput, parallel: Throughput, perRecord: Throughput) {
        let (x, model) = workload()
        var output = [Float](repeating: 0, count: rows)
        let passes = passesPerRun
        let vectorized = sampler.measure {
            for _ in 0..<passes { output.withUnsafeMutableBufferPointer { model.score(x, into: $0) } }
            return rows * passes
        }
        let parallel = sampler.measure {
            for _ in 0..<passes { output.withUnsafeMutableBufferPointer { model.score(x, into: $0, threads: threads) } }
            return rows * passes
        }
        let perRecord = sampler.measure {
            var checksum: Float = 0
            x.withUnsafeBufferPointer { values in
                for _ in 0..<passes {
                    for r in 0..<rows {
                        checksum += model.score(UnsafeBufferPointer(rebasing: values[r * columns ..< (r + 1) * columns]))
                    }
                }
            }
            return checksum == -1 ? rows * passes + 1 : rows * passes  // keeps the loop from being optimised away
        }
        var numpy: (rate: Double?, note: String?) = (nil, "numpy not requested")
        var numpySingle: (rate: Double?, note: String?) = (nil, nil)
        if includeNumpy {
            numpy = measureNumpy(singleThread: false, repetitions: sampler.repetitions)
            if numpy.rate != nil { numpySingle = measureNumpy(singleThread: true, repetitions: sampler.repetitions) }
        }
        let note = [numpy.note, numpySingle.note].compactMap { $0 }.joined(separator: "; ")
        let result = Result(rows: rows, columns: columns, repetitions: sampler.repetitions, threads: threads,
                            vectorizedRowsPerSecond: vectorized.median, parallelRowsPerSecond: parallel.median,
                            perRecordRowsPerSecond: perRecord.median,
                            numpyRowsPerSecond: numpy.rate, numpySingleThreadRowsPerSecond: numpySingle.rate,
                            numpyNote: note.isEmpty ? nil : note)
        return (result, vectorized, parallel, perRecord)
    }

    /// Features uniform on [−2, 2) and weights N(0, 1/columns), so logits
    /// spread over roughly ±2 and σ is exercised off its flat tails.
    func workload() -> (FeatureMatrix, LogisticRegression) {
        let source = RandomSource(seed: seed)
        var features = source.stream("bench.models.features")
        var values = [Float](repeating: 0, count: rows * columns)
        for j in values.indices { values[j] = Float(features.next() >> 40) * 0x1p-22 - 2 }
        var weightStream = source.stream("bench.models.weights")
        let scale = 1 / Double(columns).squareRoot()
        let weights = (0..<columns).map { _ in Float(scale * Normal.standard(&weightStream)) }
        return (FeatureMatrix(columns: columns, rowMajor: values), LogisticRegression(weights: weights, intercept: 0.25))
    }

    /// Runs the same computation in numpy in a child `python3`; returns the
    /// median rows per second, or nil and the reason.
    func measureNumpy(singleThread: Bool, repetitions: Int) -> (rate: Double?, note: String?) {
        let script = """
        import sys, time
        import numpy as np
        n, d, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        rng = np.random.default_rng(1)
        X = rng.uniform(-2, 2, size=(n, d)).astype(np.float32)
        w = (rng.standard_normal(d) / np.sqrt(d)).astype(np.float32)
        b = np.float32(0.25)
        f = lambda: 1 / (1 + np.exp(-(X @ w + b)))
        assert f().dtype == np.float32
        times = []
        for _ in range(reps):
            t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
        times.sort()
        m = len(times)
        median = times[m // 2] if m % 2 else (times[m // 2 - 1] + times[m // 2]) / 2
        print(n / median, np.__version__)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(rows), String(columns), String(repetitions)]
        if singleThread {
            // Read by OpenBLAS, MKL and OpenMP when numpy loads its BLAS.
            var environment = ProcessInfo.processInfo.environment
            for name in ["OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"] { environment[name] = "1" }
            process.environment = environment
        }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch { return (nil, "could not start python3: \(error)") }
        // Read before waiting: a full pipe would block the child forever.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: err, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "no message"
            return (nil, "python3 with numpy unavailable (exit \(process.terminationStatus)): \(message)")
        }
        let fields = String(decoding: out, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let rate = Double(fields[0]) else {
            return (nil, "unexpected output from python3: \(String(decoding: out, as: UTF8.self))")
        }
        let threading = singleThread ? "BLAS on one thread" : "default threading"
        return (rate, "numpy \(fields[1]), \(threading), median of \(repetitions) after a warm-up")
    }
}

extension ModelsBenchmark: BenchSuite {
    public var name: String { "models" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let m = measure(sampler)
        let r = m.result
        func numpyLine(_ label: String, _ rate: Double?, _ ours: Double?) -> String {
            guard let rate, let ours else { return "  \(label): no figure" }
            return String(format: "  %@ %14.0f   ours / numpy %.2f×", label.padding(toLength: 40, withPad: " ", startingAt: 0), rate, ours)
        }
        var lines = [
            "models — logistic regression, \(rows) rows × \(columns) float32 columns, beside numpy's 1/(1+exp(-(X@w+b))) in the same run",
            rateLine("vectorised rows/s (1 thread)", m.vectorized),
            rateLine("vectorised rows/s (\(threads) threads)", m.parallel),
            rateLine("per-record rows/s", m.perRecord),
            numpyLine("numpy rows/s (default threading)", r.numpyRowsPerSecond, r.vectorizedOverNumpy),
            numpyLine("numpy rows/s (BLAS on 1 thread)", r.numpySingleThreadRowsPerSecond, r.vectorizedOverNumpySingleThread),
            String(format: "  vectorised / per-record %.1f× (rule of thumb 10–100×); goal: vectorised ≥ numpy", r.vectorizedRowsPerSecond / r.perRecordRowsPerSecond),
        ]
        if let note = r.numpyNote { lines.append("  numpy: \(note)") }
        return SuiteReport(suite: name, figures: [
            Figure("models/vectorized_rows", unit: "rows/s", m.vectorized),
            Figure("models/parallel_rows", unit: "rows/s", m.parallel),
            Figure("models/per_record_rows", unit: "rows/s", m.perRecord),
        ], lines: lines, details: r)
    }
}
