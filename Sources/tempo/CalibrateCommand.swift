import ArgumentParser
import Bench
import Foundation
import ScenarioSpec
import SimKernel

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure this machine's cost of each unit of engine work and write a cost profile scenarios can name.",
        discussion: "Build with -c release: swift run -c release tempo calibrate --out Scenarios/cost-profile.yaml")

    @Option(help: "Write the profile here (default: print it).") var out: String?
    @Option(help: "Network overhead added to request and lookup costs.") var network = "1ms"

    func run() throws {
        let overhead: SimDuration
        do { overhead = try SimDuration(parsing: network) } catch {
            printError("error: --network: \(error)")
            throw ExitCode(1)
        }
        let measured = try Calibration(networkOverhead: overhead).run()
        let stamp = ISO8601DateFormatter().string(from: Date())
        let host = ProcessInfo.processInfo.hostName
        let text = measured.profile.yaml(measuredOn: "\(host) at \(stamp)", notes: measured.notes)
        if let out { try writeAtomically(text, to: out); print("wrote \(out)") } else { print(text, terminator: "") }
    }
}
