import ArgumentParser
import Foundation

/// Prints a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes `text` to `path` through a temporary file and a rename, so a
/// failure never leaves a half-written file in place of a good one.
func writeAtomically(_ text: String, to path: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        printError("\(path): error: cannot write: \(error.localizedDescription)")
        throw ExitCode(1)
    }
}
