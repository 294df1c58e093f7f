/// Reads the keys of one YAML mapping into typed values, reporting every
/// problem (missing key, wrong type, out of range, unknown key) with its line
/// and column. The building block for every part of a scenario file.
///
///     guard var reader = MappingReader(node, what: "the 'workload' mapping", diagnostics) else { return nil }
///     let seed = reader.optional("seed", default: 1 as UInt64)
///     let scale = reader.optional("scale", default: 1.0, in: 0.001...1)
///     let horizon = reader.required("horizon", as: SimDuration.self, .positive)
///     reader.finish()   // "unknown key 'horizn' (did you mean 'horizon'?)"
///
/// Every key a caller asks about, present or not, becomes a known key, so
/// `finish()` can suggest the nearest one for a misspelling. Ask about all
/// keys before calling `finish()`.
public struct MappingReader {
    /// The mapping itself; a missing key is reported at its position.
    public let node: SpecNode
    /// Names the mapping in messages: "missing required key 'kind' in <what>".
    public var what: String
    public let diagnostics: Diagnostics

    /// Entries whose key is a usable name, in file order.
    private let entries: [(name: String, entry: SpecNode.Entry)]
    private var consumed: Set<String> = []
    private var known: [String] = []

    /// A reader over `node`, or nil after reporting "expected <expecting>, found …"
    /// when the node is not a mapping.
    public init?(_ node: SpecNode, what: String, expecting: String = "a mapping", _ diagnostics: Diagnostics) {
        guard case .mapping(let entries) = node.content else {
            diagnostics.error("expected \(expecting), found \(node.foundDescription)", at: node)
            return nil
        }
        self.node = node
        self.what = what
        self.diagnostics = diagnostics
        var named: [(name: String, entry: SpecNode.Entry)] = []
        for entry in entries {
            guard let name = entry.key.text, !entry.key.isNull else {
                diagnostics.error("expected a key name, found \(entry.key.foundDescription)", at: entry.key)
                continue
            }
            named.append((name, entry))
        }
        self.entries = named
    }

    // MARK: Looking without reading

    /// The value node under `key`, without marking the key as read.
    public func peek(_ key: String) -> SpecNode? {
        entries.first { $0.name == key }?.entry.value
    }

    /// Every key of the mapping, in file order: for mappings whose keys are
    /// names the user chooses (instance types, engine names).
    public var keys: [String] { entries.map(\.name) }

    /// Whether the mapping has `key` at all.
    public func contains(_ key: String) -> Bool { peek(key) != nil }

    /// Names keys as known without reading them, so `finish()` accepts and
    /// suggests them; for keys read elsewhere.
    public mutating func expect(_ keys: String...) {
        for key in keys { note(key) }
    }

    // MARK: Reading values

    /// The value node under `key`, marked as read; nil if absent.
    public mutating func take(_ key: String) -> SpecNode? {
        note(key)
        guard let value = peek(key) else { return nil }
        consumed.insert(key)
        return value
    }

    /// The value under `key`, or nil after reporting it missing or invalid.
    public mutating func required<T: ScenarioValue>(_ key: String, as type: T.Type = T.self,
                                                    _ requirement: Requirement<T> = .anything) -> T? {
        guard let value = take(key) else {
            reportMissing(key)
            return nil
        }
        return T.read(value, diagnostics, named: key, satisfying: requirement)
    }

    /// The value under `key`, checked to lie in `range`.
    public mutating func required<T: ScenarioValue & Comparable>(_ key: String, as type: T.Type = T.self,
                                                                 in range: ClosedRange<T>) -> T? {
        required(key, as: type, .within(range))
    }

    /// The value under `key`, or nil if the key is absent (an invalid value is reported).
    public mutating func optional<T: ScenarioValue>(_ key: String, as type: T.Type = T.self,
                                                    _ requirement: Requirement<T> = .anything) -> T? {
        guard let value = take(key) else { return nil }
        return T.read(value, diagnostics, named: key, satisfying: requirement)
    }

    /// The value under `key`, or `defaultValue` if it is absent. An invalid
    /// value is reported and `defaultValue` returned, so reading can go on.
    public mutating func optional<T: ScenarioValue>(_ key: String, as type: T.Type = T.self, default defaultValue: T,
                                                    _ requirement: Requirement<T> = .anything) -> T {
        guard let value = take(key) else { return defaultValue }
        return T.read(value, diagnostics, named: key, satisfying: requirement) ?? defaultValue
    }

    /// The value under `key` checked to lie in `range`, or `defaultValue` if absent.
    public mutating func optional<T: ScenarioValue & Comparable>(_ key: String, as type: T.Type = T.self,
                                                                 default defaultValue: T,
                                                                 in range: ClosedRange<T>) -> T {
        optional(key, as: type, default: defaultValue, .within(range))
    }

    // MARK: Reading structure

    /// A reader over the mapping under `key`, or nil after reporting it missing or not a mapping.
    public mutating func requiredMapping(_ key: String) -> MappingReader? {
        guard let value = take(key) else {
            reportMissing(key)
            return nil
        }
        return MappingReader(value, what: "the '\(key)' mapping", expecting: "a mapping under '\(key)'", diagnostics)
    }

    /// A reader over the mapping under `key`, or nil if absent or not a mapping (reported).
    public mutating func optionalMapping(_ key: String) -> MappingReader? {
        guard let value = take(key) else { return nil }
        return MappingReader(value, what: "the '\(key)' mapping", expecting: "a mapping under '\(key)'", diagnostics)
    }

    /// The items of the sequence under `key`, or nil after reporting it missing,
    /// not a sequence, or (with `nonEmpty`) empty.
    public mutating func requiredSequence(_ key: String, nonEmpty: Bool = false) -> [SpecNode]? {
        guard let value = take(key) else {
            reportMissing(key)
            return nil
        }
        return Self.items(of: value, key: key, nonEmpty: nonEmpty, diagnostics)
    }

    /// The items of the sequence under `key`, or nil if absent or invalid (reported).
    public mutating func optionalSequence(_ key: String, nonEmpty: Bool = false) -> [SpecNode]? {
        guard let value = take(key) else { return nil }
        return Self.items(of: value, key: key, nonEmpty: nonEmpty, diagnostics)
    }

    /// Every entry not read yet, as a mapping at this mapping's position, now
    /// marked as read: how raw parameters are set aside for a later reader.
    public mutating func remaining() -> SpecNode {
        let rest = entries.filter { !consumed.contains($0.name) }
        for (name, _) in rest { consumed.insert(name) }
        return SpecNode(.mapping(rest.map(\.entry)), at: node.location)
    }

    /// Reports every key that was never read, suggesting the nearest known key.
    public func finish() {
        for (name, entry) in entries where !consumed.contains(name) {
            if let suggestion = Spelling.closest(to: name, among: known) {
                diagnostics.error("unknown key \(quoted(name)) (did you mean '\(suggestion)'?)", at: entry.key)
            } else if known.isEmpty {
                diagnostics.error("unknown key \(quoted(name)); \(what) takes no keys", at: entry.key)
            } else {
                let keys = listing(known, conjunction: "and")
                diagnostics.error("unknown key \(quoted(name)) in \(what); known keys are \(keys)", at: entry.key)
            }
        }
    }

    // MARK: Private

    private mutating func note(_ key: String) {
        if !known.contains(key) { known.append(key) }
    }

    private func reportMissing(_ key: String) {
        // A misspelt key is the usual cause; name it here too, since `finish()`
        // may never run for a mapping whose other keys are kept raw.
        let misspelling = entries.first { entry in
            !consumed.contains(entry.name) && Spelling.closest(to: entry.name, among: [key]) != nil
        }
        let hint = misspelling.map { " (is '\($0.name)' at line \($0.entry.key.location.line) a misspelling of it?)" }
        diagnostics.error("missing required key '\(key)' in \(what)" + (hint ?? ""), at: node)
    }

    private static func items(of node: SpecNode, key: String, nonEmpty: Bool,
                              _ diagnostics: Diagnostics) -> [SpecNode]? {
        guard case .sequence(let items) = node.content else {
            diagnostics.error("expected a sequence under '\(key)', found \(node.foundDescription)", at: node)
            return nil
        }
        if nonEmpty && items.isEmpty {
            diagnostics.error("'\(key)' must list at least one item, found an empty sequence", at: node)
            return nil
        }
        return items
    }
}
