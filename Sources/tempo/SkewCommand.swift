import ArgumentParser
import Features
import Foundation
import Lab
import ScenarioSpec
import SimKernel
import Workloads

struct Skew: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the scenario's features by full recompute and incrementally, and report mismatches per feature.",
        discussion: "Exit 0 when both paths agree on every sampled read, 1 when any feature differs. --inject-shift 1h shifts event times in the incremental path only (the classic time-zone bug), which this must catch.")

    @Argument(help: "A scenario file.") var file: String
    @Option(help: "Shift event times in the incremental path only, e.g. 1h.") var injectShift: String?
    @Option(help: "Sample entities whose id is a multiple of this.") var sampleEvery: Int32 = 100
    @Option(help: "Override the scenario's scale.") var scale: Double?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var shift = SimDuration.zero
        if let text = injectShift {
            do { shift = try SimDuration(parsing: text) } catch {
                printError("error: --inject-shift: \(error)")
                throw ExitCode(1)
            }
        }
        var options = LabRun.Options()
        options.scale = scale
        let plan: Simulation.SimulationPlan
        do { plan = try LabRun(options).plan(path: file).0 } catch {
            for d in error.diagnostics { printError(d.description) }
            throw ExitCode(1)
        }
        var generator = plan.workload.makeGenerator(horizon: plan.scenario.warmup + plan.scenario.horizon)
        let events = AnySequence { AnyIterator { () -> DomainEvent? in
            while let item = generator.next() { if case .event(let e) = item { return e } }
            return nil
        } }
        let report = SkewCheck(view: plan.view, sampleEvery: sampleEvery, injectedShift: shift).run(events: events)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(file): view \(plan.view.name), \(report.entities) sampled entities, \(report.reads) reads\(shift == .zero ? "" : ", incremental path shifted by \(shift)")")
            print("feature                    compared  mismatches  max |difference|")
            for f in report.features {
                print(f.feature.padding(toLength: 26, withPad: " ", startingAt: 0)
                      + String(format: "%8d  %10d  %@", f.compared, f.mismatches, f.mismatches == 0 ? "—" : String(format: "%.4g", f.maxAbsoluteDifference)))
            }
            print(report.mismatches == 0 ? "agree: full recompute and incremental give identical values" : "SKEW: \(report.mismatches) mismatching values")
        }
        if report.mismatches > 0 { throw ExitCode(1) }
    }
}

import Simulation
