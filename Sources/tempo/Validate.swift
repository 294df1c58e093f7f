import ArgumentParser

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check scenario files (not yet implemented).")
    func run() throws {}
}
