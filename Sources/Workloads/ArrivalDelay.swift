import Randomness
import ScenarioSpec
import SimKernel

/// How late a source's events reach the platform after they happen.
///
///     sources:
///       authorizations: {delay: 500ms, delay_sigma: 1}    # lognormal lag, some events out of order
///       tickets: {daily_dump_at: "02:00"}                  # a CRM export that lands once a day
///
/// A lognormal lag (median `delay`, log-sd `delay_sigma`; sigma 0 is a fixed
/// lag) makes some events late and out of order; a daily dump holds every
/// event until the next landing time, as a nightly export does.
public enum ArrivalDelay: Hashable, Sendable {
    case none
    case lognormal(median: SimDuration, sigma: Double)
    /// Events land at this offset after each midnight (UTC of the simulation).
    case dailyDump(at: SimDuration)

    /// When an event that happened at `eventTime` arrives.
    @inlinable public func arrival(for eventTime: SimTime, _ rng: inout RandomStream) -> SimTime {
        switch self {
        case .none:
            return eventTime
        case .lognormal(let median, let sigma):
            if sigma == 0 { return eventTime + median }
            let lag = median.seconds * Double.exp(sigma * Normal.standard(&rng))
            return eventTime + SimDuration(seconds: lag)
        case .dailyDump(let at):
            let day = SimDuration.days(1).microseconds
            let sinceLanding = eventTime.microseconds - at.microseconds
            // The first landing at or after the event.
            let landings = sinceLanding <= 0 ? 0 : (sinceLanding + day - 1) / day
            return SimTime(microseconds: at.microseconds + landings * day)
        }
    }

    /// Reads one source's settings: `delay` and `delay_sigma`, or `daily_dump_at`.
    public static func read(_ reader: inout MappingReader, default fallback: ArrivalDelay) -> ArrivalDelay {
        let median = reader.optional("delay", as: SimDuration.self)
        let sigma = reader.optional("delay_sigma", as: Double.self, .within(0...5))
        let dump = reader.optional("daily_dump_at", as: TimeOfDay.self)
        if let dump {
            if median != nil || sigma != nil {
                reader.diagnostics.error("a source is either a daily dump or has a delay, not both: remove 'delay'/'delay_sigma' or 'daily_dump_at'", at: reader.node)
            }
            return .dailyDump(at: dump.sinceMidnight)
        }
        if median == nil && sigma == nil { return fallback }
        let base: (SimDuration, Double) = {
            if case .lognormal(let m, let s) = fallback { return (m, s) }
            return (.zero, 0)
        }()
        let m = median ?? base.0
        return m == .zero ? .none : .lognormal(median: m, sigma: sigma ?? base.1)
    }
}

import RealModule

/// A time of day written `HH:MM` (24-hour clock), as in `daily_dump_at: "02:00"`.
public struct TimeOfDay: ScenarioScalar, Hashable, Sendable, CustomStringConvertible {
    public var sinceMidnight: SimDuration

    public static var expectation: String { "a time of day like \"02:00\" or \"06:30\" (24-hour clock)" }

    public init(hour: Int, minute: Int) {
        sinceMidnight = .hours(Int64(hour)) + .minutes(Int64(minute))
    }

    public init(parsing text: String) throws(ValueParseError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), parts[1].count == 2 else {
            throw .expected(Self.expectation, found: text, hint: nil)
        }
        guard (0..<24).contains(h) else { throw ValueParseError("the hour must be 0 to 23, found \(h) in '\(text)'") }
        guard (0..<60).contains(m) else { throw ValueParseError("the minute must be 0 to 59, found \(m) in '\(text)'") }
        self.init(hour: h, minute: m)
    }

    public var description: String {
        let minutes = sinceMidnight.microseconds / 60_000_000
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
