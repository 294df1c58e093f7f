import ScenarioSpec
import SimKernel

/// A five-field cron expression — minute, hour, day of month, month, day of
/// week — as in `schedule: "0 2 * * *"` (every day at 02:00). Fields take
/// `*`, numbers, lists `1,15`, ranges `1-5` and steps `*/15` or `0-30/10`.
/// Virtual time 0 is midnight on Monday 1 January; months have their
/// calendar lengths (no leap years).
public struct CronSchedule: ScenarioScalar, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    let minutes, hours, days, months, weekdays: Set<Int>
    let dayIsRestricted, weekdayIsRestricted: Bool

    public static var expectation: String { "a cron expression like \"0 2 * * *\" (minute hour day month weekday)" }

    public init(parsing text: String) throws(ValueParseError) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else {
            throw ValueParseError("a cron expression has 5 fields (minute hour day month weekday), found \(fields.count) in '\(text)'")
        }
        self.text = text
        minutes = try Self.field(fields[0], 0...59, "minute")
        hours = try Self.field(fields[1], 0...23, "hour")
        days = try Self.field(fields[2], 1...31, "day of month")
        months = try Self.field(fields[3], 1...12, "month")
        weekdays = try Self.field(fields[4], 0...7, "day of week")
        dayIsRestricted = fields[2] != "*"
        weekdayIsRestricted = fields[4] != "*"
    }

    static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(ValueParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = part.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw ValueParseError("bad \(name) field '\(text)'") }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw ValueParseError("bad step in \(name) field '\(text)'") }
                step = s
            }
            let base = stepParts[0]
            var lower = range.lowerBound, upper = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let a = Int(bounds[0]), let b = Int(bounds.count == 2 ? bounds[1] : bounds[0]) else {
                    throw ValueParseError("bad \(name) field '\(text)': expected *, a number, a range like 1-5, or a step like */15")
                }
                guard range.contains(a), range.contains(b), a <= b else {
                    throw ValueParseError("\(name) must be in \(range.lowerBound)...\(range.upperBound), found '\(base)' in '\(text)'")
                }
                lower = a; upper = bounds.count == 2 || stepParts.count == 2 ? b : a
                if bounds.count == 1 && stepParts.count == 2 { upper = range.upperBound }
            }
            for v in stride(from: lower, through: upper, by: step) { values.insert(v) }
        }
        if name == "day of week", values.contains(7) { values.insert(0) }  // 7 is Sunday too
        return values
    }

    static let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// Whether the schedule fires on day `day` (0 = Monday 1 January).
    func firesOn(day: Int64) -> Bool {
        var dayOfYear = Int(day % 365), month = 0
        while dayOfYear >= Self.monthLengths[month] { dayOfYear -= Self.monthLengths[month]; month += 1 }
        let weekday = Int((day + 1) % 7)  // cron: 0 = Sunday; day 0 is a Monday
        guard months.contains(month + 1) else { return false }
        let dayMatch = days.contains(dayOfYear + 1), weekdayMatch = weekdays.contains(weekday)
        // Cron's rule: if both are restricted, either may match.
        if dayIsRestricted && weekdayIsRestricted { return dayMatch || weekdayMatch }
        return dayMatch && weekdayMatch
    }

    /// The first firing time strictly after `time`, or nil if none within `limit`.
    /// - Complexity: O(days to the next firing × 1440) at worst
    public func next(after time: SimTime, limit: SimTime) -> SimTime? {
        let minute: Int64 = 60_000_000, day: Int64 = 86_400_000_000
        var t = (time.microseconds / minute + 1) * minute
        if time.microseconds < 0 { t = 0 }
        let sortedTimes = hours.sorted().flatMap { h in minutes.sorted().map { Int64(h) * 60 + Int64($0) } }
        while t <= limit.microseconds {
            let d = t / day
            if firesOn(day: d) {
                let minuteOfDay = (t % day) / minute
                if let m = sortedTimes.first(where: { $0 >= minuteOfDay }) { return SimTime(microseconds: d * day + m * minute) }
            }
            t = (d + 1) * day
        }
        return nil
    }

    public var description: String { text }
}
