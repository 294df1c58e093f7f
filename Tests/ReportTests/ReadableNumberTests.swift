import Testing
@testable import Report

struct ReadableNumberTests {
    @Test func groupsThousands() {
        #expect(ReadableNumber.grouped(1_234_567.891, fractionDigits: 2) == "1,234,567.89")
        #expect(ReadableNumber.grouped(-1234.5, fractionDigits: 1) == "-1,234.5")
        #expect(ReadableNumber.grouped(999, fractionDigits: 0) == "999")
        #expect(ReadableNumber.grouped(-0.04, fractionDigits: 1) == "0.0")
        #expect(ReadableNumber.count(12_345) == "12,345")
    }

    @Test func precisionFitsTheMagnitude() {
        #expect(ReadableNumber.decimal(0.012345) == "0.0123")
        #expect(ReadableNumber.decimal(4.5) == "4.50")
        #expect(ReadableNumber.decimal(12.34) == "12.3")
        #expect(ReadableNumber.decimal(99.96) == "100")
        #expect(ReadableNumber.decimal(16_853.6) == "16,854")
        #expect(ReadableNumber.decimal(0) == "0")
        #expect(ReadableNumber.fixed(0.86149, 3) == "0.861")
        #expect(ReadableNumber.decimal(0.01, trimmingZeros: true) == "0.01")
        #expect(ReadableNumber.decimal(1200, trimmingZeros: true) == "1,200")
        #expect(ReadableNumber.duration(seconds: 86_400, trimmingZeros: true) == "24 h")
    }

    @Test func money() {
        #expect(ReadableNumber.money(1_234_567.8) == "$1,234,568")
        #expect(ReadableNumber.money(48.2) == "$48.20")
        #expect(ReadableNumber.money(0.0042) == "$0.0042")
        #expect(ReadableNumber.money(-250) == "-$250")
        #expect(ReadableNumber.money(0) == "$0.00")
    }

    @Test func percentagesNeverRoundUpToPerfect() {
        #expect(ReadableNumber.percent(71.26) == "71.3%")
        #expect(ReadableNumber.percent(fraction: 0.9731) == "97.3%")
        #expect(ReadableNumber.percent(fraction: 0.99962) == "99.96%")
        #expect(ReadableNumber.percent(fraction: 0.999999) == "> 99.99%")
        #expect(ReadableNumber.percent(fraction: 1) == "100.0%")
    }

    @Test func durationsPickAUnit() {
        #expect(ReadableNumber.duration(seconds: 0.00042) == "420 µs")
        #expect(ReadableNumber.latency(milliseconds: 12.34) == "12.3 ms")
        #expect(ReadableNumber.duration(seconds: 4.5) == "4.50 s")
        #expect(ReadableNumber.duration(seconds: 750) == "12.5 min")
        #expect(ReadableNumber.duration(seconds: 12_600) == "3.50 h")
        #expect(ReadableNumber.duration(seconds: 86_400 * 3) == "3.00 d")
        #expect(ReadableNumber.duration(seconds: 0) == "0 s")
        #expect(ReadableNumber.duration(seconds: 3e-9) == "< 1 µs", "below the simulation's resolution")
    }

    @Test func missingValuesShowADash() {
        #expect(ReadableNumber.money(nil) == "—")
        #expect(ReadableNumber.percent(nil) == "—")
        #expect(ReadableNumber.duration(seconds: nil) == "—")
        #expect(ReadableNumber.decimal(.nan) == "—")
    }
}
