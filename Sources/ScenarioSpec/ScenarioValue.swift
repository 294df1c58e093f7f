/// A type that can be read from a node of a scenario file, reporting what is
/// wrong with the node instead of throwing, so that one run finds every problem.
///
///     let seed = UInt64.read(node, diagnostics)   // nil after reporting "expected an integer, found 'x'"
///
/// Most conformers are scalars and adopt `ScenarioScalar` instead, which
/// supplies `read` from a text parser.
public protocol ScenarioValue {
    /// What a valid value looks like, completing "expected …": `an integer`,
    /// `a duration like 150ms, 5s, 15m, 1h or 1d`.
    static var expectation: String { get }

    /// The value written at `node`, or nil after reporting why there is none.
    static func read(_ node: SpecNode, _ diagnostics: Diagnostics) -> Self?

    /// How the value is written in a scenario file: `1h`, `0.1`, `$0.68/h`.
    var scenarioText: String { get }
}

extension ScenarioValue {
    public var scenarioText: String { String(describing: self) }

    /// Reads the value and checks it against `requirement`, reporting
    /// "`name` must be `requirement`, found `text`" when it falls short.
    ///
    ///     Double.read(node, diagnostics, named: "scale", satisfying: .within(0.001...1))
    public static func read(_ node: SpecNode, _ diagnostics: Diagnostics,
                            named name: String, satisfying requirement: Requirement<Self>) -> Self? {
        guard let value = read(node, diagnostics) else { return nil }
        if !requirement.isSatisfied(by: value) {
            // The text as written, unquoted, reads best for numbers: "found 0", "found 0s".
            let found = node.text.map { $0.isEmpty ? "''" : abbreviated($0) } ?? value.scenarioText
            diagnostics.error("\(name) must be \(requirement.summary), found \(found)", at: node)
            return nil
        }
        return value
    }
}

/// Why a piece of text is not a valid value. `message` is a whole diagnostic
/// message: it says what was found and what was expected.
///
///     throw ValueParseError("expected a rate like 120/s, found '/s'")
public struct ValueParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The usual message: "expected <expectation>, found '<text>'", plus an optional hint.
    public static func expected(_ expectation: String, found text: String, hint: String? = nil) -> ValueParseError {
        ValueParseError("expected \(expectation), found \(quoted(text))" + (hint.map { " (\($0))" } ?? ""))
    }
}

/// A value written as one scalar, parsed from its text: integers, durations,
/// rates, money, keywords.
///
///     let horizon = try SimDuration(parsing: "1.5h")   // 90m
public protocol ScenarioScalar: ScenarioValue {
    init(parsing text: String) throws(ValueParseError)
}

extension ScenarioScalar {
    public static func read(_ node: SpecNode, _ diagnostics: Diagnostics) -> Self? {
        guard let text = node.scalarText(expecting: expectation, diagnostics) else { return nil }
        do {
            return try Self(parsing: text)
        } catch {
            diagnostics.error(error.message, at: node)
            return nil
        }
    }
}

extension SpecNode {
    /// The text of a non-empty scalar, or nil after reporting
    /// "expected <expectation>, found a sequence" (or a mapping, or an empty value).
    public func scalarText(expecting expectation: String, _ diagnostics: Diagnostics) -> String? {
        if let text, !isNull { return text }
        diagnostics.error("expected \(expectation), found \(foundDescription)", at: self)
        return nil
    }
}

// MARK: - Keywords

/// Enums of string keywords (`kind: fraud`) read themselves, suggesting the
/// nearest keyword for a misspelling.
extension ScenarioScalar where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var expectation: String { "one of " + listing(allCases.map(\.rawValue)) }

    public init(parsing text: String) throws(ValueParseError) {
        guard let value = Self(rawValue: text) else {
            let suggestion = Spelling.closest(to: text, among: Self.allCases.map(\.rawValue))
            throw .expected(Self.expectation, found: text, hint: suggestion.map { "did you mean '\($0)'?" })
        }
        self = value
    }

    public var scenarioText: String { rawValue }
}

/// `a, b or c`: lists of choices in messages.
func listing(_ words: [String], conjunction: String = "or") -> String {
    guard words.count > 1 else { return words.first ?? "" }
    return words.dropLast().joined(separator: ", ") + " \(conjunction) " + words.last!
}

// MARK: - Standard types

extension String: ScenarioScalar {
    public static var expectation: String { "a string" }
    /// Any scalar is text: `name: 2024` is the name "2024".
    public init(parsing text: String) { self = text }
}

extension Bool: ScenarioScalar {
    public static var expectation: String { "true or false" }
    public init(parsing text: String) throws(ValueParseError) {
        // Only the YAML 1.2 spellings: `yes`/`no`/`on`/`off` mean different things to different readers.
        switch text.lowercased() {
        case "true": self = true
        case "false": self = false
        default: throw .expected(Self.expectation, found: text)
        }
    }
}

extension Double: ScenarioScalar {
    public static var expectation: String { "a number" }
    public init(parsing text: String) throws(ValueParseError) {
        guard let literal = NumberLiteral(text) else { throw .expected(Self.expectation, found: text) }
        guard let value = literal.double else { throw ValueParseError("number \(quoted(text)) is out of range") }
        self = value
    }
    public var scenarioText: String { plainText(self) }
}

/// Integers read exactly (a 64-bit seed survives), with `_` separators and
/// `k`/`M`/`G` suffixes: `10M` is 10 000 000.
public protocol ScenarioInteger: ScenarioScalar, FixedWidthInteger {}

extension ScenarioInteger {
    public static var expectation: String { isSigned ? "an integer" : "a non-negative integer" }

    public init(parsing text: String) throws(ValueParseError) {
        guard let literal = NumberLiteral(text) else { throw .expected(Self.expectation, found: text) }
        switch literal.integer(as: Self.self) {
        case .success(let value): self = value
        case .failure(.fractional): throw .expected(Self.expectation, found: text)
        case .failure(.negative): throw .expected(Self.expectation, found: text)
        case .failure(.tooLarge):
            throw ValueParseError("integer \(quoted(text)) is out of range \(Self.min)...\(Self.max)")
        }
    }
}

extension Int: ScenarioInteger {}
extension Int64: ScenarioInteger {}
extension Int32: ScenarioInteger {}
extension UInt64: ScenarioInteger {}
extension UInt32: ScenarioInteger {}

// MARK: - Structure

/// Any node, unread: how raw parameters are kept for a later, typed reader.
extension SpecNode: ScenarioValue {
    public static var expectation: String { "a value" }
    public static func read(_ node: SpecNode, _ diagnostics: Diagnostics) -> SpecNode? { node }
    public var scenarioText: String { text ?? foundDescription }
}

/// A sequence whose items are all `Element`s; every bad item is reported.
extension Array: ScenarioValue where Element: ScenarioValue {
    public static var expectation: String { "a sequence" }

    public static func read(_ node: SpecNode, _ diagnostics: Diagnostics) -> [Element]? {
        guard case .sequence(let items) = node.content else {
            diagnostics.error("expected a sequence of items, each \(Element.expectation), "
                              + "found \(node.foundDescription)", at: node)
            return nil
        }
        let values = items.map { Element.read($0, diagnostics) }
        // Reading every item first means every bad item is reported, not just the first.
        let good = values.compactMap { $0 }
        return good.count == values.count ? good : nil
    }

    public var scenarioText: String { "[" + map(\.scenarioText).joined(separator: ", ") + "]" }
}
