import SimKernel

/// A condition a value read from a scenario must meet, with the words that
/// complete "<key> must be …" when it does not.
///
///     reader.required("horizon", as: SimDuration.self, .positive)
///     // horizon must be positive, found 0s
public struct Requirement<Value> {
    /// Completes "<key> must be …": `in 0.001...1`, `positive`, `at least 1`.
    public var summary: String
    private let test: (Value) -> Bool

    public init(_ summary: String, _ test: @escaping (Value) -> Bool) {
        self.summary = summary
        self.test = test
    }

    public func isSatisfied(by value: Value) -> Bool { test(value) }

    /// No condition beyond being a well-formed value.
    public static var anything: Requirement { Requirement("anything") { _ in true } }
}

extension Requirement where Value: ScenarioValue & Comparable {
    /// Bounds print as a user would write them: `in 0.001...1`, not `in 0.001...1.0`.
    public static func within(_ range: ClosedRange<Value>) -> Requirement {
        Requirement("in \(range.lowerBound.scenarioText)...\(range.upperBound.scenarioText)") { range.contains($0) }
    }

    public static func atLeast(_ bound: Value) -> Requirement {
        Requirement("at least \(bound.scenarioText)") { $0 >= bound }
    }

    public static func atMost(_ bound: Value) -> Requirement {
        Requirement("at most \(bound.scenarioText)") { $0 <= bound }
    }

    public static func greaterThan(_ bound: Value) -> Requirement {
        Requirement("greater than \(bound.scenarioText)") { $0 > bound }
    }
}

extension Requirement where Value: Numeric & Comparable {
    public static var positive: Requirement { Requirement("positive") { $0 > 0 } }
}

extension Requirement where Value == SimDuration {
    public static var positive: Requirement { Requirement("positive") { $0 > .zero } }
}

extension Requirement where Value: Collection {
    public static var nonEmpty: Requirement { Requirement("non-empty") { !$0.isEmpty } }
}
