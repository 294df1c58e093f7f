import ArgumentParser
import Bench
import Foundation
import Live
import ScenarioSpec
import SimKernel

struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure this machine's cost of each unit of engine work and write a cost profile scenarios can name.",
        discussion: "Build with -c release: swift run -c release tempo calibrate --out Scenarios/cost-profile.yaml")

    @Option(help: "Write the profile here (default: print it).") var out: String?
    @Option(help: "Network overhead added to request and lookup costs.") var network = "1ms"

    @Option(help: "Seconds of HTTP round trips against an in-process server (0 skips them).") var httpSeconds = 2.0

    func run() async throws {
        let overhead: SimDuration
        do { overhead = try SimDuration(parsing: network) } catch {
            printError("error: --network: \(error)")
            throw ExitCode(1)
        }
        var measured = try Calibration(networkOverhead: overhead).run()
        if httpSeconds > 0 {
            let trip = try await HTTPRoundTrip.measure(seconds: min(httpSeconds, 60))
            measured.profile.httpRoundTrip = trip.median
            measured.notes.append("HTTP round trip on loopback (tempo serve, one keep-alive connection): median \(trip.median), p99 \(trip.p99) over \(trip.requests) requests")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let host = ProcessInfo.processInfo.hostName
        let text = measured.profile.yaml(measuredOn: "\(host) at \(stamp)", notes: measured.notes)
        if let out { try writeAtomically(text, to: out); print("wrote \(out)") } else { print(text, terminator: "") }
    }
}
