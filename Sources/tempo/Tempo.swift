import ArgumentParser

/// `tempo`: the command-line face of TempoLab. Each subcommand is a small
/// struct that parses options and calls into the library targets.
@main
struct Tempo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tempo",
        abstract: "Measure whether a prediction workload should be served in batch, in a stream, on request, or as a hybrid.",
        subcommands: [RunCommand.self, History.self, Compare.self, Sim.self, Validate.self, WorkloadCommand.self, Skew.self, Check.self, Fuzz.self,
                      Calibrate.self, BenchCommand.self, RecommendCommand.self, SweepCommand.self, MergeCommand.self, ClaimsCommand.self,
                      Serve.self, Load.self]
    )
}
