import Randomness
import ScenarioSpec
import SimKernel

// Parameter shapes several workloads share; each workload's own reader calls these.

extension DiurnalProfile {
    /// `flat`, `consumer`, or 24 hourly factors.
    static func read(_ r: inout MappingReader, key: String, default fallback: DiurnalProfile) -> DiurnalProfile {
        guard let node = r.take(key) else { return fallback }
        if let name = node.text, !node.isNull, case .scalar = node.content {
            switch name {
            case "flat": return .flat
            case "consumer": return .consumer
            default:
                r.diagnostics.error("expected 'flat', 'consumer' or a list of 24 hourly factors for '\(key)', found '\(name)'", at: node)
                return fallback
            }
        }
        guard let factors = [Double].read(node, r.diagnostics) else { return fallback }
        guard factors.count == 24, factors.allSatisfy({ $0 >= 0 }), factors.contains(where: { $0 > 0 }) else {
            r.diagnostics.error("'\(key)' needs 24 non-negative hourly factors, not all zero; found \(factors.count)", at: node)
            return fallback
        }
        return DiurnalProfile(hourly: factors)
    }
}

extension ArrivalDelay {
    /// Reads the `sources` mapping: each named source's delay into its key path,
    /// absent sources keeping their defaults; an unknown source name is reported.
    ///
    ///     ArrivalDelay.readSources(&r, into: &p, [("purchases", \.purchaseDelay), ("tickets", \.ticketDelay)])
    static func readSources<P>(_ r: inout MappingReader, into parameters: inout P,
                               _ sources: [(name: String, delay: WritableKeyPath<P, ArrivalDelay>)]) {
        guard var mapping = r.optionalMapping("sources") else { return }
        for (name, path) in sources {
            if var source = mapping.optionalMapping(name) {
                parameters[keyPath: path] = read(&source, default: parameters[keyPath: path])
                source.finish()
            }
        }
        mapping.finish()
    }
}

extension MappingReader {
    /// A share written as a percentage (`30%`) and checked to lie in `range`
    /// (fractions), or `fallback` if absent.
    mutating func share(_ key: String, default fallback: Double, in range: ClosedRange<Double> = 0...1) -> Double {
        optional(key, default: Percentage(fraction: fallback),
                 in: Percentage(fraction: range.lowerBound)...Percentage(fraction: range.upperBound)).fraction
    }
}

/// Whole days and the time since midnight (UTC of the simulation), with
/// floor division so that times before the start fall on negative days.
enum Day {
    static let microseconds: Int64 = 86_400_000_000
    static let seconds = 86_400.0

    /// The day `t` falls on: 0 for the first day, −1 for the day before the start.
    static func index(_ t: SimTime) -> Int {
        Int(t.microseconds >= 0 ? t.microseconds / microseconds : -((-t.microseconds - 1) / microseconds) - 1)
    }

    static func start(_ day: Int) -> SimTime { SimTime(microseconds: Int64(day) * microseconds) }

    /// Seconds since the midnight before `t`, in 0..<86 400.
    static func secondsSinceMidnight(_ t: SimTime) -> Double {
        (t - start(index(t))).seconds
    }
}
