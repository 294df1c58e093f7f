import RealModule

/// A point process on the positive real line: gives each next arrival time.
/// Times are in seconds (Double) here; callers round to the kernel's
/// microseconds once, so rounding never accumulates.
///
///     var arrivals = PoissonArrivals(rate: 120)
///     var t = 0.0
///     t = arrivals.next(after: t, &rng)
public protocol ArrivalProcess: Sendable {
    /// The first arrival strictly after `time` (seconds), given that the
    /// previous arrival was at `time`.
    mutating func next(after time: Double, _ rng: inout RandomStream) -> Double
    /// Expected arrivals per second averaged over a long run.
    var meanRate: Double { get }
}

/// Homogeneous Poisson arrivals: exponential gaps at a constant rate.
public struct PoissonArrivals: ArrivalProcess {
    public let rate: Double
    public init(rate: Double) {
        precondition(rate > 0, "arrival rate must be positive")
        self.rate = rate
    }
    @inlinable public mutating func next(after time: Double, _ rng: inout RandomStream) -> Double {
        time + ExponentialZiggurat.sample(&rng) / rate
    }
    public var meanRate: Double { rate }
}

/// A rate multiplier over the day: one factor per hour, linearly interpolated
/// between hour midpoints (so the rate has no jumps), repeating daily.
public struct DiurnalProfile: Sendable, Hashable {
    public let hourly: [Double]

    /// `hourly` has 24 non-negative factors; they are normalised to mean 1 so
    /// the base rate stays the daily average.
    public init(hourly: [Double]) {
        precondition(hourly.count == 24 && hourly.allSatisfy { $0 >= 0 }, "a diurnal profile has 24 non-negative factors")
        let mean = hourly.reduce(0, +) / 24
        precondition(mean > 0, "a diurnal profile cannot be zero all day")
        self.hourly = hourly.map { $0 / mean }
    }

    /// Quiet nights, a morning ramp, a daytime plateau and an evening peak:
    /// a typical consumer-payments shape.
    public static let consumer = DiurnalProfile(hourly: [
        0.30, 0.20, 0.15, 0.12, 0.12, 0.20, 0.40, 0.70, 1.00, 1.20, 1.30, 1.40,
        1.50, 1.45, 1.40, 1.35, 1.40, 1.50, 1.70, 1.80, 1.60, 1.20, 0.80, 0.50,
    ])
    public static let flat = DiurnalProfile(hourly: Array(repeating: 1, count: 24))

    /// The multiplier at `seconds` since midnight of day 0 (non-negative).
    public func factor(at seconds: Double) -> Double {
        let position = seconds * (1.0 / 3600) + 23.5  // hour midpoints carry the factors; +24 keeps it positive
        let whole = Int(position)                       // truncation is floor here: position > 0
        let fraction = position - Double(whole)
        let lower = whole % 24
        let a = hourly[lower], b = hourly[lower == 23 ? 0 : lower + 1]
        return a + (b - a) * fraction
    }

    public var peak: Double { hourly.max()! }
}

/// Non-homogeneous Poisson arrivals with rate `baseRate × profile(t)`, by
/// thinning (Lewis & Shedler, "Simulation of nonhomogeneous Poisson processes
/// by thinning", 1979): candidates at the peak rate, each kept with
/// probability rate(t)/peak.
public struct DiurnalPoissonArrivals: ArrivalProcess {
    public let baseRate: Double
    public let profile: DiurnalProfile
    let peakRate: Double

    public init(baseRate: Double, profile: DiurnalProfile) {
        precondition(baseRate > 0, "arrival rate must be positive")
        self.baseRate = baseRate
        self.profile = profile
        peakRate = baseRate * profile.peak
    }

    public mutating func next(after time: Double, _ rng: inout RandomStream) -> Double {
        var t = time
        while true {
            t -= Double.log(rng.nextOpenUniform()) / peakRate
            if rng.nextUniform() * peakRate < baseRate * profile.factor(at: t) { return t }
        }
    }
    public var meanRate: Double { baseRate }
}

/// A two-state Markov-modulated Poisson process: a calm state and a burst
/// state with their own rates, switching after exponential sojourns. The
/// classic model of bursty traffic (Fischer & Meier-Hellstern, "The
/// Markov-modulated Poisson process (MMPP) cookbook", 1993).
public struct MMPPArrivals: ArrivalProcess {
    public let calmRate, burstRate: Double
    /// Rates of leaving each state (1 / mean sojourn time).
    public let calmToBurst, burstToCalm: Double
    public private(set) var inBurst = false
    var switchAt: Double? = nil

    public init(calmRate: Double, burstRate: Double, meanCalm: Double, meanBurst: Double) {
        precondition(calmRate >= 0 && burstRate >= 0 && calmRate + burstRate > 0, "MMPP rates must be non-negative, not both zero")
        precondition(meanCalm > 0 && meanBurst > 0, "MMPP sojourn times must be positive")
        self.calmRate = calmRate; self.burstRate = burstRate
        calmToBurst = 1 / meanCalm; burstToCalm = 1 / meanBurst
    }

    public mutating func next(after time: Double, _ rng: inout RandomStream) -> Double {
        var t = time
        while true {
            if switchAt == nil {
                switchAt = t - Double.log(rng.nextOpenUniform()) / (inBurst ? burstToCalm : calmToBurst)
            }
            let rate = inBurst ? burstRate : calmRate
            let candidate = rate > 0 ? t - Double.log(rng.nextOpenUniform()) / rate : .infinity
            // Memorylessness: a gap that crosses the switch is redrawn from it.
            if candidate < switchAt! { return candidate }
            t = switchAt!
            inBurst.toggle()
            switchAt = nil
        }
    }

    /// Stationary mix of the two rates.
    public var meanRate: Double {
        let pBurst = calmToBurst / (calmToBurst + burstToCalm)
        return (1 - pBurst) * calmRate + pBurst * burstRate
    }
}
