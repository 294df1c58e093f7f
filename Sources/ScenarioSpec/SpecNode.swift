/// A YAML node of a scenario file that remembers where it was written.
///
///     if case .mapping(let entries) = node.content {
///         for entry in entries { print(entry.key.location, entry.key.text ?? "?") }
///     }
///
/// Yams' own `Node` is not `Sendable` (its tags are classes), and a `Scenario`
/// travels between tasks, so the document is copied into this value type once,
/// right after parsing. Raw parameters kept in a `Scenario` are `SpecNode`s, so
/// a later reader can still point at the line a value came from.
public struct SpecNode: Hashable, Sendable {
    public enum Content: Hashable, Sendable {
        case scalar(Scalar)
        /// Entries in file order. Keys are nodes too, so messages can point at them.
        case mapping([Entry])
        case sequence([SpecNode])
    }

    /// The text of a scalar as written, without quotes.
    public struct Scalar: Hashable, Sendable {
        public var text: String
        /// Quoted and block scalars are always text: `"~"` is a string, `~` is null.
        public var isQuoted: Bool

        public init(text: String, isQuoted: Bool = false) {
            self.text = text
            self.isQuoted = isQuoted
        }
    }

    public struct Entry: Hashable, Sendable {
        public var key: SpecNode
        public var value: SpecNode

        public init(key: SpecNode, value: SpecNode) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    public var location: SourceLocation

    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The scalar's text, or nil for a mapping or sequence.
    public var text: String? {
        if case .scalar(let scalar) = content { return scalar.text }
        return nil
    }

    /// The value of `key` in a mapping; nil for a missing key or a node that is no mapping.
    public subscript(key: String) -> SpecNode? {
        guard case .mapping(let entries) = content else { return nil }
        return entries.first { $0.key.text == key }?.value
    }

    /// An empty value, `~` or `null`: YAML's way of writing nothing.
    public var isNull: Bool {
        guard case .scalar(let scalar) = content, !scalar.isQuoted else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.text)
    }

    /// How the node reads in a message: `'5 parsecs'`, `a sequence`, `an empty value`.
    public var foundDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let scalar):
            if isNull { return scalar.text.isEmpty ? "an empty value" : "an empty value ('\(scalar.text)')" }
            return quoted(scalar.text)
        }
    }
}

/// Text from a file, quoted for a one-line message: `'5 parsecs'`. Long or
/// multi-line text is cut at 40 characters or the first line break, so it
/// cannot swamp the message.
func quoted(_ text: String) -> String {
    "'\(abbreviated(text))'"
}

/// `text`, or its start and `…` when it is long or runs over several lines.
func abbreviated(_ text: String) -> String {
    let firstLine = text.prefix { !$0.isNewline }
    let limit = 40
    if firstLine.count <= limit && firstLine.count == text.count { return text }
    return String(firstLine.prefix(limit)) + "…"
}
