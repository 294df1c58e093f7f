import Foundation
import Yams

/// Turns the bytes of a YAML file into a `SpecNode` tree, reporting every
/// failure (unreadable file, bytes that are not UTF-8, YAML syntax) as a
/// diagnostic with a line and column instead of throwing or crashing.
///
///     let diagnostics = Diagnostics()
///     if let text = SpecDocument.read(path: path, diagnostics),
///        let root = SpecDocument.parse(yaml: text, file: path, diagnostics) { … }
public enum SpecDocument {
    /// Aliases let a short file expand into an enormous tree ("billion laughs");
    /// no scenario comes anywhere near this many nodes.
    public static let maximumNodeCount = 1_000_000

    /// The file's text, or nil after reporting why it cannot be had.
    public static func read(path: String, _ diagnostics: Diagnostics) -> String? {
        let start = SourceLocation.start(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            diagnostics.error("cannot read file: no such file", at: start)
            return nil
        }
        guard !isDirectory.boolValue else {
            diagnostics.error("cannot read file: it is a directory", at: start)
            return nil
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            diagnostics.error("cannot read file: \(error.localizedDescription)", at: start)
            return nil
        }
        return decodeUTF8(data, file: path, diagnostics)
    }

    /// The text of `data`, or nil after pointing at the first byte that is not UTF-8.
    public static func decodeUTF8(_ data: Data, file: String, _ diagnostics: Diagnostics) -> String? {
        let bytes = [UInt8](data)
        if let text = String(validating: bytes, as: UTF8.self) { return text }

        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1, column = 1, offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                let byte = String(bytes[offset], radix: 16, uppercase: true)
                diagnostics.error("expected UTF-8 text, found the byte 0x\(byte.count == 1 ? "0" : "")\(byte) "
                                  + "(is this a binary file, or saved in another encoding?)",
                                  at: SourceLocation(file: file, line: line, column: column))
                return nil
            case .emptyInput:
                // Unreachable: the bytes failed validation, so an error comes first.
                return nil
            }
        }
    }

    /// The document's root node; an empty document is an empty (null) scalar at 1:1.
    /// Returns nil after reporting a syntax error.
    public static func parse(yaml: String, file: String, _ diagnostics: Diagnostics) -> SpecNode? {
        // Yams tells libyaml the input is UTF-8, which skips libyaml's byte-order-mark
        // handling, so a BOM from a Windows editor would read as a stray character.
        var yaml = yaml
        if yaml.unicodeScalars.first == "\u{FEFF}" { yaml.unicodeScalars.removeFirst() }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            report(error, in: yaml, file: file, diagnostics)
            return nil
        } catch {
            diagnostics.error("cannot parse YAML: \(error)", at: .start(of: file))
            return nil
        }
        guard let root else {
            return SpecNode(.scalar(.init(text: "")), at: .start(of: file))
        }
        var converter = NodeConverter(file: file)
        guard let node = converter.convert(root, fallback: .start(of: file)) else {
            diagnostics.error("the document expands to more than \(maximumNodeCount) values "
                              + "through aliases; a scenario is never that large", at: .start(of: file))
            return nil
        }
        return node
    }

    private static func report(_ error: YamlError, in yaml: String, file: String, _ diagnostics: Diagnostics) {
        func location(_ mark: Mark) -> SourceLocation {
            // Yams uses 0:0 when it has no position for a duplicate key.
            SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        func syntax(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) {
            if problem.hasPrefix("Maximum nesting level") {
                diagnostics.error("values are nested more than 1000 levels deep", at: location(mark))
                return
            }
            // libyaml phrases a problem as "<context> … <problem>", e.g.
            // "while scanning a simple key … could not find expected ':'".
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            // libyaml's words for a tab ("cannot start any token") do not say what to do.
            if scalar(at: mark, in: yaml) == "\t" {
                message += "; YAML indents with spaces, not tabs"
            }
            diagnostics.error(message, at: location(mark))
        }

        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            syntax(problem, context, mark)
        case .composer(let context, let problem, let mark, _):
            if problem == "but found another document" {
                diagnostics.error("expected one YAML document, found a second one ('---' starts a new document)",
                                  at: location(mark))
            } else {
                syntax(problem, context, mark)
            }
        case .reader(let problem, let offset, let value, _):
            // The offset counts Characters from the start of the text.
            var position = SourceLocation.start(of: file)
            if let offset { position = characterLocation(offset, in: yaml, file: file) }
            let character = value >= 0 ? String(format: " U+%04X", Int(value)) : ""
            diagnostics.error("invalid character\(character) in YAML: \(problem)", at: position)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let (noun, pronoun) = duplicates.count == 1 ? ("key", "it") : ("keys", "them")
            diagnostics.error("duplicate \(noun) \(keys): this mapping repeats \(pronoun) further down, "
                              + "and each key may appear only once", at: location(context.mark))
        default:
            diagnostics.error("cannot parse YAML: \(error)", at: .start(of: file))
        }
    }

    /// The Unicode scalar at a 1-based line and column, if there is one.
    private static func scalar(at mark: Mark, in text: String) -> Unicode.Scalar? {
        guard mark.line >= 1, mark.column >= 1 else { return nil }
        let lines = text.split(separator: "\n", maxSplits: mark.line, omittingEmptySubsequences: false)
        guard mark.line <= lines.count else { return nil }
        let scalars = lines[mark.line - 1].unicodeScalars
        return scalars.dropFirst(mark.column - 1).first
    }

    private static func characterLocation(_ offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

/// Copies a Yams tree into `SpecNode`s, counting nodes so aliases cannot blow it up.
private struct NodeConverter {
    let file: String
    var count = 0

    /// Nil when the tree has more than `SpecDocument.maximumNodeCount` nodes.
    mutating func convert(_ node: Node, fallback: SourceLocation) -> SpecNode? {
        count += 1
        guard count <= SpecDocument.maximumNodeCount else { return nil }
        // Every node Yams composes carries a mark; the fallback is only for safety.
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? fallback
        switch node {
        case .scalar(let scalar):
            let isQuoted = scalar.style != .plain && scalar.style != .any
            return SpecNode(.scalar(.init(text: scalar.string, isQuoted: isQuoted)), at: location)
        case .mapping(let mapping):
            var entries: [SpecNode.Entry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard let key = convert(key, fallback: location),
                      let value = convert(value, fallback: location) else { return nil }
                entries.append(.init(key: key, value: value))
            }
            return SpecNode(.mapping(entries), at: location)
        case .sequence(let sequence):
            var items: [SpecNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let item = convert(item, fallback: location) else { return nil }
                items.append(item)
            }
            return SpecNode(.sequence(items), at: location)
        case .alias:
            // `compose` resolves aliases to the anchored node, so none reach here.
            return SpecNode(.scalar(.init(text: "")), at: location)
        }
    }
}
