import RealModule
import Randomness
import ScenarioSpec
import SimKernel

/// Browsing sessions over a user population, the latent process the ui and
/// recsys workloads share: when sessions start, how long they last, when each
/// action in them happens and whether it is a homepage load or a click, and
/// how many times the session's intent has shifted since its last action.
/// What an intent is, and which item a click lands on, is the workload's.
///
///     var sessions = SessionProcess(…)
///     while let step = sessions.next(before: horizon) { … step.slot, step.isHomepage, step.intentShifts … }
///
/// Sessions start as a non-homogeneous Poisson process (users × sessions per
/// user × the diurnal profile), each for a uniformly drawn user, and last a
/// lognormal time. A session opens with a homepage load; further actions
/// come as a Poisson process at `actionRate`, each a homepage load with
/// probability `homepageShare`, else a click. The intent shifts as a Poisson
/// process at `shiftRate` (a Markov jump process once the workload draws the
/// new intents). Memory is O(sessions active at once).
struct SessionProcess {
    struct Step {
        var time: SimTime
        /// Identifies the session while it lasts; reused after it ends.
        var slot: Int32
        var user: Int32
        var isHomepage: Bool
        /// The session's first action (always a homepage load).
        var isStart: Bool
        /// Intent shifts since the session's previous action.
        var intentShifts: Int
    }

    struct Session {
        var user: Int32
        var end: SimTime
        var nextShift: SimTime
    }

    let users: Int
    let actionGap: Exponential
    let shiftGap: Exponential?
    let length: LogNormal
    let homepageShare: Double

    var starts: DiurnalPoissonArrivals?
    var nextStart: Double
    var actions = EventQueue<Int32>()
    var sequence: UInt64 = 0
    private(set) var sessions: [Session] = []
    var freeSlots: [Int32] = []
    var startTimes, sessionDraws, actionTimes, actionKinds, shiftTimes: RandomStream

    /// `sessionRate` is sessions per second over the whole population (before the diurnal shape).
    init(users: Int, sessionRate: Double, profile: DiurnalProfile, lengthMedian: SimDuration, lengthSigma: Double,
         actionRate: Double, homepageShare: Double, shiftRate: Double, randomness: RandomSource) {
        self.users = users
        actionGap = Exponential(rate: actionRate)
        shiftGap = shiftRate > 0 ? Exponential(rate: shiftRate) : nil
        length = LogNormal(mu: Double.log(lengthMedian.seconds), sigma: lengthSigma)
        self.homepageShare = homepageShare
        startTimes = randomness.stream("session-starts")
        sessionDraws = randomness.stream("session-draws")
        actionTimes = randomness.stream("action-times")
        actionKinds = randomness.stream("action-kinds")
        shiftTimes = randomness.stream("intent-shifts")
        if sessionRate > 0 {
            var process = DiurnalPoissonArrivals(baseRate: sessionRate, profile: profile)
            nextStart = process.next(after: 0, &startTimes)
            starts = process
        } else {
            nextStart = .infinity
        }
    }

    func session(_ slot: Int32) -> Session { sessions[Int(slot)] }

    /// When the next step happens (`.never` if none will).
    var nextTime: SimTime {
        min(nextStart.isFinite ? SimTime(seconds: nextStart) : .never, actions.min?.time ?? .never)
    }

    mutating func next(before horizon: SimTime) -> Step? {
        let start = nextStart.isFinite ? SimTime(seconds: nextStart) : .never
        let action = actions.min?.time ?? .never
        if start <= action {
            guard start < horizon else { return nil }
            nextStart = starts!.next(after: nextStart, &startTimes)
            return begin(at: start)
        }
        guard action < horizon else { return nil }
        let slot = actions.popMin()!.payload
        var s = sessions[Int(slot)]
        var shifts = 0
        if let shiftGap {
            while s.nextShift <= action {
                shifts += 1
                s.nextShift += SimDuration(seconds: shiftGap.sample(&shiftTimes))
            }
        }
        sessions[Int(slot)] = s
        let isHomepage = actionKinds.nextUniform() < homepageShare
        scheduleAction(slot, after: action)
        return Step(time: action, slot: slot, user: s.user, isHomepage: isHomepage, isStart: false, intentShifts: shifts)
    }

    private mutating func begin(at time: SimTime) -> Step {
        let user = Int32(sessionDraws.next() % UInt64(users))
        let end = time + SimDuration(seconds: length.sample(&sessionDraws))
        let nextShift = shiftGap.map { time + SimDuration(seconds: $0.sample(&shiftTimes)) } ?? .never
        let session = Session(user: user, end: end, nextShift: nextShift)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            sessions[Int(slot)] = session
        } else {
            slot = Int32(sessions.count)
            sessions.append(session)
        }
        scheduleAction(slot, after: time)
        return Step(time: time, slot: slot, user: user, isHomepage: true, isStart: true, intentShifts: 0)
    }

    /// The session's next action, or its end: the slot is free once the caller
    /// has used the step that ended it.
    private mutating func scheduleAction(_ slot: Int32, after time: SimTime) {
        let next = time + SimDuration(seconds: actionGap.sample(&actionTimes))
        if next < sessions[Int(slot)].end {
            actions.push(ScheduledEvent(time: next, sequence: sequence, payload: slot))
            sequence &+= 1
        } else {
            freeSlots.append(slot)
        }
    }
}

/// The session keys ui and recsys share.
protocol SessionParameters {
    var users: Int { get set }
    var sessions: Rate { get set }
    var diurnal: DiurnalProfile { get set }
    var sessionLength: SimDuration { get set }
    var sessionLengthSigma: Double { get set }
    var actionRate: Rate { get set }
    var homepageShare: Double { get set }
    var intentShiftRate: Rate { get set }
    var slateSize: Int { get set }
    var actionWindow: SimDuration { get set }
}

extension SessionParameters {
    mutating func readSessions(_ r: inout MappingReader) {
        users = r.optional("users", default: users, in: 1...50_000_000)
        sessions = r.optional("sessions", default: sessions, .atMost(Rate(1000, per: .day)))
        diurnal = DiurnalProfile.read(&r, key: "diurnal", default: diurnal)
        sessionLength = r.optional("session_length", default: sessionLength, .within(.seconds(1)...SimDuration.days(1)))
        sessionLengthSigma = r.optional("session_length_sigma", default: sessionLengthSigma, in: 0...3)
        actionRate = r.optional("action_rate", default: actionRate, .within(Rate(1, per: .hour)...Rate(10, per: .second)))
        homepageShare = r.share("homepage_share", default: homepageShare)
        intentShiftRate = r.optional("intent_shift_rate", default: intentShiftRate, .atMost(Rate(10, per: .second)))
        slateSize = r.optional("slate_size", default: slateSize, in: 1...1000)
        actionWindow = r.optional("action_window", default: actionWindow, .positive)
    }

    func sessionProcess(users: Int, randomness: RandomSource) -> SessionProcess {
        SessionProcess(users: users, sessionRate: Double(users) * sessions.perSecond, profile: diurnal,
                       lengthMedian: sessionLength, lengthSigma: sessionLengthSigma, actionRate: actionRate.perSecond,
                       homepageShare: homepageShare, shiftRate: intentShiftRate.perSecond, randomness: randomness)
    }
}
