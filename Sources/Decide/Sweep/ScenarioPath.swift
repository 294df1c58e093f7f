import ScenarioSpec

/// A dotted address of one value in a scenario file: `scale`,
/// `workload.compromise_rate`, `workload.sources.authorizations.delay`,
/// `engines.rt.servers` (engines by name, or by 0-based position).
///
///     let path = try ScenarioPath(parsing: "engines.rt.servers")
///     let point = try path.setting("8", in: root)      // root: the file's SpecNode tree
///
/// Setting rewrites the parsed tree, so every other value keeps the line and
/// column it was written at and errors still point into the file. A missing
/// last key is added to its mapping (at the mapping's position), so a
/// parameter left at its default can be swept; a missing step before it is
/// an error that names what exists there.
public struct ScenarioPath: Hashable, Sendable, CustomStringConvertible {
    public var components: [String]

    public init(parsing text: String) throws(ValueParseError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
            throw ValueParseError("expected a dotted path like engines.rt.servers or workload.compromise_rate, found '\(text)'")
        }
        components = parts
    }

    public var description: String { components.joined(separator: ".") }

    /// Whether the path lies inside engine `name`'s mapping.
    public func isInside(engine name: String) -> Bool {
        components.count > 1 && components[0] == "engines" && components[1] == name
    }

    /// The value node at the path, or a diagnostic at the deepest node reached.
    public func node(in root: SpecNode) throws(ScenarioError) -> SpecNode {
        var node = root
        for (depth, key) in components.enumerated() {
            switch step(node, key, depth: depth) {
            case .found(let child, _): node = child
            case .missing(let diagnostic): throw ScenarioError([diagnostic])
            }
        }
        return node
    }

    /// `root` with the value at the path replaced by the scalar `text`.
    public func setting(_ text: String, in root: SpecNode) throws(ScenarioError) -> SpecNode {
        try set(text, in: root, depth: 0)
    }

    private func set(_ text: String, in node: SpecNode, depth: Int) throws(ScenarioError) -> SpecNode {
        let key = components[depth]
        let isLast = depth == components.count - 1
        switch step(node, key, depth: depth) {
        case .found(let child, let index):
            let replaced: SpecNode
            if isLast {
                guard case .scalar = child.content else {
                    throw ScenarioError([Diagnostic(at: child.location,
                        "--vary \(self): '\(key)' holds \(child.foundDescription), not one value; name a key inside it")])
                }
                replaced = SpecNode(.scalar(.init(text: text)), at: child.location)
            } else {
                replaced = try set(text, in: child, depth: depth + 1)
            }
            var copy = node
            switch node.content {
            case .mapping(var entries): entries[index].value = replaced; copy.content = .mapping(entries)
            case .sequence(var items): items[index] = replaced; copy.content = .sequence(items)
            case .scalar: break
            }
            return copy
        case .missing(let diagnostic):
            // A key left at its default may be swept: add it where the mapping starts.
            guard isLast, case .mapping(var entries) = node.content else { throw ScenarioError([diagnostic]) }
            entries.append(.init(key: SpecNode(.scalar(.init(text: key)), at: node.location),
                                 value: SpecNode(.scalar(.init(text: text)), at: node.location)))
            var copy = node
            copy.content = .mapping(entries)
            return copy
        }
    }

    private enum Step {
        case found(SpecNode, index: Int)
        case missing(Diagnostic)
    }

    private func step(_ node: SpecNode, _ key: String, depth: Int) -> Step {
        let here = components[..<depth].joined(separator: ".")
        let place = here.isEmpty ? "the top level" : "'\(here)'"
        switch node.content {
        case .mapping(let entries):
            if let i = entries.firstIndex(where: { $0.key.text == key }) { return .found(entries[i].value, index: i) }
            let keys = entries.compactMap(\.key.text)
            let hint = Spelling.closest(to: key, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
            return .missing(Diagnostic(at: node.location,
                "--vary \(self): no key '\(key)' at \(place)\(hint); it has \(keys.isEmpty ? "no keys" : keys.joined(separator: ", "))"))
        case .sequence(let items):
            // Engines (and any list of named mappings) by name; any list by position.
            let names = items.map { item -> String? in
                if case .mapping(let entries) = item.content { return entries.first { $0.key.text == "name" }?.value.text }
                return nil
            }
            if let i = names.firstIndex(of: key) { return .found(items[i], index: i) }
            if let i = Int(key), items.indices.contains(i) { return .found(items[i], index: i) }
            let known = names.compactMap { $0 }
            let hint = Spelling.closest(to: key, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            let listing = known.isEmpty ? "positions 0…\(items.count - 1)" : known.joined(separator: ", ")
            return .missing(Diagnostic(at: node.location, "--vary \(self): no item '\(key)' in \(place)\(hint); it has \(listing)"))
        case .scalar:
            return .missing(Diagnostic(at: node.location,
                "--vary \(self): \(place) is the single value \(node.foundDescription) and has no key '\(key)'"))
        }
    }
}
