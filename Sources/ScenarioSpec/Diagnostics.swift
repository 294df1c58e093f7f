/// A place in a scenario file: the file as the user named it, and a 1-based
/// line and column (columns count Unicode scalars, as libyaml does).
///
///     let here = SourceLocation(file: "fraud.yaml", line: 3, column: 10)
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The start of a file; where problems with the file as a whole are reported.
    public static func start(of file: String) -> SourceLocation {
        SourceLocation(file: file, line: 1, column: 1)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// `FILE:LINE:COLUMN`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a scenario file.
///
///     print(Diagnostic(at: node.location, "expected an integer, found 'ten'"))
///     // fraud.yaml:4:7: error: expected an integer, found 'ten'
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    /// Says what was found and what was expected, without a trailing period.
    public var message: String

    public init(at location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, the compiler convention.
    public var description: String { "\(location): error: \(message)" }
}

/// Collects every problem found while reading one file, so a user sees all
/// of them in one run instead of fixing them one at a time.
///
///     let diagnostics = Diagnostics()
///     let seed = UInt64.read(node, diagnostics)   // nil, and a diagnostic, if not an integer
///     if diagnostics.hasErrors { throw ScenarioError(diagnostics.sorted) }
///
/// A class because many readers over one file append to the same list.
public final class Diagnostics {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { !all.isEmpty }

    /// In file order, which is not the order a reader visits keys in.
    public var sorted: [Diagnostic] {
        // Enumerated so that problems at the same place keep the order they were found in.
        all.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }

    public func error(_ message: String, at location: SourceLocation) {
        all.append(Diagnostic(at: location, message))
    }

    public func error(_ message: String, at node: SpecNode) {
        error(message, at: node.location)
    }
}

/// Why a scenario could not be read: every problem, in file order.
///
///     do { _ = try Scenario.load(path: "fraud.yaml") }
///     catch { error.diagnostics.forEach { print($0) } }
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
