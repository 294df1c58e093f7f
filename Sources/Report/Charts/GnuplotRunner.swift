import Foundation

/// gnuplot as a subprocess: one script at a time, run in the folder that
/// holds it so the script's relative paths (`'staleness.dat'`) resolve.
///
///     let failure = GnuplotRunner(executable: "/usr/bin/gnuplot").run(script: "staleness.gp", in: "Reports/x/charts")
struct GnuplotRunner: Sendable {
    let executable: String

    /// The first `gnuplot` on `PATH` that can be executed, or nil.
    static func find(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/gnuplot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `script` in `directory` and waits. Returns nil on success, or why
    /// it failed with gnuplot's own error lines, on one line.
    func run(script: String, in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // gnuplot reads commands from stdin after a script when asked to; never let it wait on ours.
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            return "could not start \(executable): \(error.localizedDescription)"
        }
        // Drain stderr before waiting, so a chatty gnuplot cannot fill the pipe and stall.
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let detail = stderr.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ")
            let status = process.terminationReason == .exit ? "exit status \(process.terminationStatus)"
                                                            : "signal \(process.terminationStatus)"
            return "\(status)" + (detail.isEmpty ? "" : ": \(detail)")
        }
        return nil
    }
}
