import ScenarioSpec
import SimKernel
import Testing

/// The message a parser throws for `text`, or nil if it parses.
func rejection<T: ScenarioScalar>(_ type: T.Type, _ text: String) -> String? {
    do {
        _ = try T(parsing: text)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct Durations {
    @Test(arguments: [
        ("250us", SimDuration.microseconds(250)),
        ("250µs", .microseconds(250)),
        ("150ms", .milliseconds(150)),
        ("5s", .milliseconds(5_000)),
        ("15m", .minutes(15)),
        ("1h", .hours(1)),
        ("1d", .days(1)),
        ("2w", .days(14)),
        ("1.5h", .minutes(90)),
        ("0.5ms", .microseconds(500)),
        ("1.0000004s", .microseconds(1_000_000)),
        ("1.0000006s", .microseconds(1_000_001)),
        ("1h30m", .minutes(90)),
        ("1_000ms", .milliseconds(1_000)),
        ("0", .zero),
        ("0s", .zero),
    ])
    func parses(text: String, expected: SimDuration) throws {
        #expect(try SimDuration(parsing: text) == expected)
    }

    @Test(arguments: ["250us", "150ms", "5s", "15m", "1h", "1d", "90m", "1500ms", "14d", "1h30m", "0.1s", "3w"])
    func descriptionRoundTrips(text: String) throws {
        let duration = try SimDuration(parsing: text)
        #expect(try SimDuration(parsing: duration.description) == duration)
    }

    @Test func rejectsBadInput() {
        let expected = "a duration like 150ms, 5s, 15m, 1h or 1d"
        #expect(rejection(SimDuration.self, "5 parsecs") == "expected \(expected), found '5 parsecs'")
        #expect(rejection(SimDuration.self, "-3s") == "a duration must not be negative, found '-3s'")
        #expect(rejection(SimDuration.self, "1e400s") == "duration '1e400s' is too large; the longest is 106751991d")
        #expect(rejection(SimDuration.self, "999999999999999d")?
            .hasPrefix("duration '999999999999999d' is too large") == true)
        #expect(rejection(SimDuration.self, "5") == "expected \(expected), found '5' (add a unit, e.g. 5s)")
        let bad = ["", "s", "5S", "5 s", "5sec", "1.s", "30m1h", "1m1m", "1h-5m", "+", "5ks", "1__0s", "_1s", "--1s"]
        for text in bad {
            #expect(rejection(SimDuration.self, text) != nil, "\(text) should be rejected")
        }
    }

    @Test func negativesOnlyWhereAllowed() throws {
        #expect(try SignedDuration(parsing: "-5m").duration == .minutes(-5))
        #expect(try SignedDuration(parsing: "-5m").description == "-5m")
        #expect(try SimDuration(parsing: "-0s") == .zero)
    }
}

@Suite struct Rates {
    @Test func parses() throws {
        #expect(try Rate(parsing: "120/s").perSecond == 120)
        #expect(try Rate(parsing: "10/m").perSecond == 10.0 / 60)
        #expect(try Rate(parsing: "3/h").perSecond == 3.0 / 3600)
        #expect(try Rate(parsing: "1000/d").perSecond == 1000.0 / 86400)
        #expect(try Rate(parsing: "10M/d").perSecond == 10_000_000.0 / 86400)
        #expect(try Rate(parsing: "1.5k/s").perSecond == 1500)
        #expect(try Rate(parsing: "0/s").perSecond == 0)
        #expect(try Rate(parsing: "10M/d").expectedCount(in: .days(2)) == 20_000_000)
    }

    @Test(arguments: ["120/s", "10/m", "3/h", "1000/d", "10M/d", "7/w", "0.5/s", "0.1/h", "1.5k/s", "1/s", "0/s"])
    func descriptionRoundTrips(text: String) throws {
        let rate = try Rate(parsing: text)
        #expect(try Rate(parsing: rate.description) == rate)
    }

    @Test func describesInTheLargestWholeUnit() throws {
        #expect(try Rate(parsing: "3/h").description == "3/h")
        #expect(try Rate(parsing: "60/m").description == "1/s")
        #expect(try Rate(parsing: "10M/d").description == "10M/d")
        #expect(try Rate(parsing: "1000/d").description == "1000/d")
    }

    @Test func rejectsBadInput() {
        #expect(rejection(Rate.self, "/s") == "expected a rate like 120/s, 10/m, 3/h or 1000/d, found '/s'")
        #expect(rejection(Rate.self, "-5/s") == "a rate must not be negative, found '-5/s'")
        #expect(rejection(Rate.self, "1e400/s") == "rate '1e400/s' is too large")
        #expect(rejection(Rate.self, "120")?.hasSuffix("(add a unit, e.g. 120/s)") == true)
        for text in ["5/parsec", "5/", "5//s", "five/s", "5 /s", "5/S"] {
            #expect(rejection(Rate.self, text) != nil, "\(text) should be rejected")
        }
    }
}

@Suite struct MoneyAndPrices {
    @Test func parses() throws {
        #expect(try Money(parsing: "$150").dollars == 150)
        #expect(try Money(parsing: "$0.68").dollars == 0.68)
        #expect(try Money(parsing: "$1.5k").dollars == 1500)
        #expect(try MoneyRate(parsing: "$0.68/h").dollarsPerHour == 0.68)
        #expect(try MoneyRate(parsing: "$24/d").dollarsPerHour == 1)
        #expect(try MoneyRate(parsing: "$24/d").cost(of: .days(2)) == Money(dollars: 48))
        let perRequest = try Price(parsing: "$0.0001/request")
        #expect(perRequest == Price(Money(dollars: 0.0001), per: .each("request")))
        #expect(perRequest.perItem("request") == Money(dollars: 0.0001))
        #expect(perRequest.moneyRate == nil)
        #expect(try Price(parsing: "$0.68/h").moneyRate == MoneyRate(dollarsPerHour: 0.68))
    }

    @Test(arguments: ["$150", "$0.68", "$0.0001", "$1500", "$0"])
    func moneyRoundTrips(text: String) throws {
        let money = try Money(parsing: text)
        #expect(money.description == text)
    }

    @Test(arguments: ["$0.68/h", "$20/d", "$0.0001/s", "$3/m", "$100/w", "$0.013/h"])
    func moneyRateRoundTrips(text: String) throws {
        let rate = try MoneyRate(parsing: text)
        #expect(try MoneyRate(parsing: rate.description) == rate)
    }

    @Test func moneyRatesReadWell() throws {
        #expect(try MoneyRate(parsing: "$0.68/h").description == "$0.68/h")
        #expect(try MoneyRate(parsing: "$20/d").description == "$20/d")
    }

    @Test(arguments: ["$0.68/h", "$0.0001/request", "$0.02/GB-month"])
    func priceRoundTrips(text: String) throws {
        #expect(try Price(parsing: text).description == text)
    }

    @Test func rejectsBadInput() {
        #expect(rejection(Money.self, "$-1") == "an amount of money must not be negative, found '$-1'")
        #expect(rejection(Money.self, "-$1") == "an amount of money must not be negative, found '-$1'")
        #expect(rejection(Money.self, "150")
            == "expected an amount of money like $150 or $0.68, found '150' (amounts start with '$', e.g. $150)")
        #expect(rejection(MoneyRate.self, "$0.0001/request")
            == "expected a price per unit of time like $0.68/h or $20/d, found '$0.0001/request'")
        #expect(rejection(Price.self, "$5")
            == "expected a price like $0.68/h or $0.0001/request, found '$5' "
            + "(say what it is per, e.g. $5/h or $5/request)")
        for text in ["$", "$$5", "$five", "5$", "$5/", "$5/2h", "$1e400"] {
            #expect(rejection(Price.self, text) != nil, "\(text) should be rejected")
        }
        #expect(rejection(Money.self, "$1e400") == "amount '$1e400' is too large")
    }
}

@Suite struct Percentages {
    @Test func parses() throws {
        #expect(try Percentage(parsing: "95%").fraction == 0.95)
        #expect(try Percentage(parsing: "0.5%").fraction == 0.005)
        #expect(try Percentage(parsing: "150%").fraction == 1.5)
    }

    @Test(arguments: ["95%", "0.5%", "100%", "0%", "33.3%", "0.001%", "99.99%"])
    func roundTrips(text: String) throws {
        #expect(try Percentage(parsing: text).description == text)
    }

    @Test func rejectsBadInput() {
        #expect(rejection(Percentage.self, "0.95")
            == "expected a percentage like 95% or 0.5%, found '0.95' (write the fraction 0.95 as 95%)")
        #expect(rejection(Percentage.self, "95") == "expected a percentage like 95% or 0.5%, found '95' (add '%': 95%)")
        #expect(rejection(Percentage.self, "-5%") == "a percentage must not be negative, found '-5%'")
        #expect(rejection(Percentage.self, "%") != nil)
        #expect(rejection(Percentage.self, "5 %") != nil)
    }
}

@Suite struct Numbers {
    @Test func integers() throws {
        #expect(try Int(parsing: "10M") == 10_000_000)
        #expect(try Int(parsing: "1_000_000") == 1_000_000)
        #expect(try Int(parsing: "1.5k") == 1500)
        #expect(try Int(parsing: "2G") == 2_000_000_000)
        #expect(try Int(parsing: "-3") == -3)
        #expect(try Int(parsing: "1e6") == 1_000_000)
        #expect(try UInt64(parsing: "18446744073709551615") == .max)
        #expect(try Int64(parsing: "-9223372036854775808") == .min)
    }

    @Test func integersRejectBadInput() {
        #expect(rejection(Int.self, "1.5") == "expected an integer, found '1.5'")
        #expect(rejection(UInt64.self, "-1") == "expected a non-negative integer, found '-1'")
        #expect(rejection(UInt64.self, "18446744073709551616")
            == "integer '18446744073709551616' is out of range 0...18446744073709551615")
        for text in ["1__0", "_1", "1_", "10m", "ten", "0x10", "1,000", "", "1.5.5", "5kg"] {
            #expect(rejection(Int.self, text) != nil, "\(text) should be rejected")
        }
    }

    @Test func doubles() throws {
        #expect(try Double(parsing: "0.1") == 0.1)
        #expect(try Double(parsing: ".5") == 0.5)
        #expect(try Double(parsing: "1e-3") == 0.001)
        #expect(try Double(parsing: "-2.5") == -2.5)
        #expect(rejection(Double.self, "1e400") == "number '1e400' is out of range")
        #expect(rejection(Double.self, ".inf") != nil)
        #expect(rejection(Double.self, "nan") != nil)
        #expect(1.0.scenarioText == "1")
        #expect(0.1.scenarioText == "0.1")
    }

    @Test func booleans() throws {
        #expect(try Bool(parsing: "true"))
        #expect(try !Bool(parsing: "False"))
        #expect(rejection(Bool.self, "yes") == "expected true or false, found 'yes'")
    }
}
