import Foundation
import Testing
import Stores

/// kill -9 at random moments, resume, and check the prediction store: the
/// short form runs 5 kills; `TEMPO_KILLS=20 swift test --filter CrashSafetyTests`
/// runs the long one.
@Suite(.serialized) struct CrashSafetyTests {
    static let scenario = """
        name: crash
        seed: 3
        horizon: 8h
        warmup: 12h
        scale: 0.004
        workload:
          kind: fraud
        engines:
          - {name: nightly, kind: batch, cadence: 2h, partition_by: size, partition_size: 500, publish: end}
        """

    /// The `tempo` executable beside the test bundle.
    var tempo: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tempo").path
    }

    func launch(_ dir: String, resume: Bool) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tempo)
        p.arguments = ["run", "\(dir)/crash.yaml", "--work", "\(dir)/work", "--format", "json", "--out", "\(dir)/out",
                       "--database", "\(dir)/results.sqlite"] + (resume ? ["--resume"] : [])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios")
        try FileManager.default.copyItem(atPath: scenarios.appendingPathComponent("catalog.yaml").path, toPath: "\(dir)/catalog.yaml")
        try Self.scenario.write(toFile: "\(dir)/crash.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func killedBatchJobsResumeToExactlyOnePredictionPerEntityAndRun() throws {
        #expect(FileManager.default.isExecutableFile(atPath: tempo), "build the tempo executable first (swift build)")
        let kills = Int(ProcessInfo.processInfo.environment["TEMPO_KILLS"] ?? "") ?? 5

        // The reference: one uninterrupted run.
        let reference = try folder()
        let clock = ContinuousClock()
        let started = clock.now
        let whole = try launch(reference, resume: false)
        whole.waitUntilExit()
        #expect(whole.terminationStatus == 0)
        let duration = (clock.now - started)
        let expected = try PredictionStore(path: "\(reference)/work/predictions.sqlite")
        let runs = try expected.runs()
        #expect(runs.count >= 4, "a job every 2 h over the horizon, plus the first")

        // The same run killed at random moments and resumed each time.
        let crashed = try folder()
        var rng = SystemRandomNumberGenerator()
        for attempt in 0..<kills {
            let p = try launch(crashed, resume: attempt > 0)
            let fraction = Double.random(in: 0.05...0.95, using: &rng)
            Thread.sleep(forTimeInterval: max(0.05, Double(duration.components.seconds) * fraction))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let last = try launch(crashed, resume: true)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)

        let store = try PredictionStore(path: "\(crashed)/work/predictions.sqlite")
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.runs() == runs)
        for run in runs {
            let want = try expected.counts(run: run), got = try store.counts(run: run)
            #expect(got.rows == want.rows && got.entities == want.entities, "run \(run): \(got) vs \(want)")
            #expect(got.rows == got.entities, "exactly one prediction per (entity, run)")
            // A job still running when the horizon ends is never published, killed or not.
            #expect(try store.isPublished(run: run) == expected.isPublished(run: run))
            #expect(try store.publishedCount(run: run) == expected.publishedCount(run: run), "readers see whole runs or nothing")
        }
    }
}
