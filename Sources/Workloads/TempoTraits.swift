import ScenarioSpec
import SimKernel

// What a workload declares about time that the decision matrix of
// `tempo recommend` scores (DESIGN.md, "What practitioners decide by"): how
// long a prediction stays good, and how late each source's events land.
// Every figure comes from the scenario's own parameters.

/// How long a prediction stays worth about the same as the world moves on,
/// and which parameter says so.
///
///     let life = workload.shelfLife      // fraud: 20m, "compromise_duration: …"
public struct ShelfLife: Hashable, Sendable {
    public var duration: SimDuration
    /// The parameter it comes from and why it bounds a prediction's worth.
    public var because: String

    public init(_ duration: SimDuration, because: String) {
        self.duration = duration
        self.because = because
    }
}

/// One source of a workload's events: how its events arrive, and whether it
/// carries the key signal, the one that reveals the truth engines predict.
public struct SourceTiming: Hashable, Sendable {
    public var name: String
    public var delay: ArrivalDelay
    public var isKey: Bool

    public init(name: String, delay: ArrivalDelay, isKey: Bool) {
        self.name = name
        self.delay = delay
        self.isKey = isKey
    }

    /// How long the freshest data from this source waits to land: the lag's
    /// median, or a whole day for a daily dump (what lands at 02:00 is up to a
    /// day old, and nothing newer can be had before the next landing).
    public var refreshInterval: SimDuration {
        switch delay {
        case .none: .zero
        case .lognormal(let median, _): median
        case .dailyDump: .days(1)
        }
    }
}

extension Workload {
    /// By default, the declared decay: a half-life is the shelf life; a
    /// deadline means the answer is worthless after the action window.
    public var shelfLife: ShelfLife {
        switch declaredDecay {
        case .halfLife(let h): ShelfLife(h, because: "the declared decay halves an action's worth every \(h)")
        case .deadline: ShelfLife(actionWindow, because: "the declared decay is a deadline: worthless after the action window \(actionWindow)")
        }
    }

    public var sources: [SourceTiming] { [] }
}

extension FraudWorkload {
    public var shelfLife: ShelfLife {
        let d = parameters.compromiseDuration
        return ShelfLife(d, because: "compromise_duration \(d): a burst lasts about that long, and a score computed before it misses it")
    }

    public var sources: [SourceTiming] {
        [SourceTiming(name: "authorizations", delay: parameters.authorizationDelay, isKey: true)]
    }
}

extension ChurnWorkload {
    public var shelfLife: ShelfLife {
        let h = parameters.interventionHalfLife
        return ShelfLife(h, because: "intervention_half_life \(h): a contact's chance of keeping a customer halves with each such delay")
    }

    public var sources: [SourceTiming] {
        [SourceTiming(name: "purchases", delay: parameters.purchaseDelay, isKey: false),
         SourceTiming(name: "logins", delay: parameters.loginDelay, isKey: false),
         // Tickets rise fivefold after an onset: the clearest sign of risk.
         SourceTiming(name: "tickets", delay: parameters.ticketDelay, isKey: true)]
    }
}

extension DigestWorkload {
    public var shelfLife: ShelfLife {
        let h = parameters.freshnessHalfLife
        return ShelfLife(h, because: "freshness_half_life \(h): an item's worth in the email halves with each such age")
    }

    public var sources: [SourceTiming] {
        [SourceTiming(name: "clicks", delay: parameters.clickDelay, isKey: true),
         SourceTiming(name: "publications", delay: parameters.publicationDelay, isKey: true)]
    }
}

extension UIWorkload {
    public var shelfLife: ShelfLife {
        let mean = SimDuration(seconds: 1 / max(parameters.intentShiftRate.perSecond, 1e-12))
        return ShelfLife(mean, because: "intent_shift_rate \(parameters.intentShiftRate): a session's intent lasts \(mean) on average")
    }

    public var sources: [SourceTiming] {
        [SourceTiming(name: "clicks", delay: parameters.clickDelay, isKey: true),
         SourceTiming(name: "page_views", delay: parameters.pageViewDelay, isKey: false)]
    }
}

extension RecsysWorkload {
    public var shelfLife: ShelfLife {
        let mean = SimDuration(seconds: 1 / max(parameters.intentShiftRate.perSecond, 1e-12))
        return ShelfLife(mean, because: "intent_shift_rate \(parameters.intentShiftRate): a session's intent lasts \(mean) on average")
    }

    public var sources: [SourceTiming] {
        [SourceTiming(name: "clicks", delay: parameters.clickDelay, isKey: true),
         SourceTiming(name: "page_views", delay: parameters.pageViewDelay, isKey: false),
         SourceTiming(name: "publications", delay: parameters.publicationDelay, isKey: false)]
    }
}
