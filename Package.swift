// swift-tools-version: 6.1
// TempoLab: simulate batch, streaming, real-time and hybrid prediction engines
// and measure what each earns and costs. Targets follow the data flow of
// DESIGN.md: scenario spec → kernel + randomness → engines → measures → report.
import PackageDescription

let package = Package(
    name: "TempoLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tempo", targets: ["tempo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-atomics", exact: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // Virtual time and the event queue; knows nothing about any domain.
        .target(name: "SimKernel"),
        // Seeded, splittable randomness: named streams, distributions, arrival processes.
        .target(name: "Randomness", dependencies: [
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // Running moments, percentiles and confidence intervals.
        .target(name: "Statistics", dependencies: [
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // The M/M/c server pool: simulation on the kernel, and its closed forms.
        .target(name: "Queueing", dependencies: [
            "SimKernel", "Randomness", "Statistics",
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // Scenario files: YAML with source marks → a typed, validated Scenario.
        .target(name: "ScenarioSpec", dependencies: [
            "SimKernel",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Synthetic workloads with ground truth: events, decision points, value models.
        .target(name: "Workloads", dependencies: [
            "SimKernel", "Randomness", "ScenarioSpec",
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // Models the engines fit and score: logistic regression, ALS matrix factorisation, evaluation.
        .target(name: "Models", dependencies: ["Randomness"]),
        // Feature definitions written once: full recompute and incremental evaluation.
        .target(name: "Features", dependencies: [
            "SimKernel", "Workloads",
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // SQLite's multi-thread mode, set before the first connection (sqlite3_config is variadic: C only).
        .target(name: "CSQLiteThreading", dependencies: [
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // SQLite offline store, prediction store; in-memory online store.
        .target(name: "Stores", dependencies: [
            "SimKernel", "Workloads", "Features", "CSQLiteThreading",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The engines under test: batch, streaming, real-time, lambda, kappa, re-rank, oracle, baseline.
        .target(name: "Engines", dependencies: [
            "SimKernel", "Randomness", "Statistics", "ScenarioSpec", "Workloads", "Features", "Stores", "Models",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // Runs a scenario: workload → kernel → engines → each decision's answers.
        .target(name: "Simulation", dependencies: [
            "SimKernel", "Randomness", "ScenarioSpec", "Workloads", "Features", "Stores", "Engines",
        ]),
        // What each engine earned and cost: the ledger summarised, value decay, staleness, latency, quality.
        .target(name: "Measures", dependencies: [
            "SimKernel", "Statistics", "ScenarioSpec", "Workloads", "Engines",
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // Reports from results only: report.md, index.html, results.json and gnuplot charts.
        .target(name: "Report", dependencies: ["Measures"]),
        // Results on disk: the run database and the decision ledger.
        .target(name: "Results", dependencies: [
            "SimKernel", "Workloads", "Engines", "Measures",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // One scenario end to end: simulate, measure, cost, record, render.
        .target(name: "Lab", dependencies: [
            "SimKernel", "Randomness", "ScenarioSpec", "Workloads", "Engines", "Simulation", "Measures", "Results", "Report",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Deciding a tempo: the five-axis matrix, parameter sweeps and their Pareto frontier, sharded sweeps, claims put to the test.
        .target(name: "Decide", dependencies: [
            "SimKernel", "ScenarioSpec", "Workloads", "Engines", "Simulation", "Measures", "Report", "Lab", "Models", "Randomness",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // `tempo bench` suites: throughput measured against reference loops in the same run.
        .target(name: "Bench", dependencies: [
            "SimKernel", "Randomness", "Statistics", "Queueing", "ScenarioSpec", "Workloads", "Models", "Features", "Stores",
            "Engines", "Simulation", "Lab", "CSQLiteThreading",
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Live mode: the real-time engine's own code behind an HTTP server, and a LoadGen-style load generator.
        .target(name: "Live", dependencies: [
            "SimKernel", "Randomness", "Statistics", "ScenarioSpec", "Workloads", "Features", "Models", "Engines", "Simulation", "Lab",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // The command-line interface: a thin layer over the libraries.
        .executableTarget(name: "tempo", dependencies: [
            "SimKernel", "Randomness", "Statistics", "Queueing", "ScenarioSpec", "Workloads", "Models", "Simulation", "Measures", "Results", "Report", "Lab", "Bench", "Decide", "Live",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"]),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness", "Statistics"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
        .testTarget(name: "QueueingTests", dependencies: ["Queueing", "Statistics"]),
        .testTarget(name: "ScenarioSpecTests", dependencies: ["ScenarioSpec"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "Statistics"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Workloads", "Randomness"]),
        .testTarget(name: "StoresTests", dependencies: ["Stores", "Features", "Workloads", "Randomness"]),
        .testTarget(name: "MeasuresTests", dependencies: ["Measures", "Engines", "ScenarioSpec", "SimKernel", "Workloads"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Measures", "Report", "Stores", "Engines", "ScenarioSpec"]),
        .testTarget(name: "ResultsTests", dependencies: [
            "Results", "Measures", "Engines", "Workloads", "SimKernel", "Randomness", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SimulationTests", dependencies: [
            "Simulation", "Engines", "Models", "Measures", "Queueing", "Statistics", "ScenarioSpec", "Stores", "Workloads", "SimKernel",
        ]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Randomness", "Bench"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Measures"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "ScenarioSpec", "Simulation"]),
        .testTarget(name: "DecideTests", dependencies: ["Decide", "Lab", "Measures", "Report", "ScenarioSpec", "Workloads", "Simulation"]),
        .testTarget(name: "LiveTests", dependencies: [
            "Live", "Engines", "Simulation", "Statistics", "Randomness", "ScenarioSpec", "Workloads", "Lab",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)

// Release builds leave out the run-time exclusivity checks in this package's
// own modules: on class properties they ran on every access, about 4% of a
// simulation's CPU. Debug builds, which the tests run, keep them.
for target in package.targets where target.type != .test && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
