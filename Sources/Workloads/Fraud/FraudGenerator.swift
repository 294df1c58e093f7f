import RealModule
import Randomness
import SimKernel

/// Streams a fraud workload in time order: legitimate authorizations,
/// compromise episodes starting, and fraudsters' bursts, merged. Memory is
/// O(active episodes), whatever the horizon.
struct FraudGenerator: WorkloadGenerator {
    let workload: FraudWorkload
    let horizon: SimTime
    let window: SimDuration
    let firstRisky: Int32

    var legitArrivals: DiurnalPoissonArrivals
    var nextLegit: Double
    var episodeArrivals: PoissonArrivals?
    var nextEpisode: Double
    /// Each active episode's next fraudulent authorization, by time.
    var bursts = EventQueue<Int32>()
    var burstSequence: UInt64 = 0
    var episodes: [Episode] = []
    var freeSlots: [Int32] = []
    /// Users under compromise now, and until when (the latest end if episodes overlap).
    var compromisedUntil: [Int32: SimTime] = [:]
    var pendingEvent: DomainEvent?
    var nextDecisionID: Int64 = 0

    var legitTimes, users, merchants, amounts, episodeTimes, episodeDraws, burstTimes, delays: RandomStream
    let merchantPopularity: Zipf
    let amount: LogNormal
    let episodeDuration: LogNormal

    struct Episode {
        var user: Int32
        var end: SimTime
    }

    init(_ workload: FraudWorkload, horizon: SimDuration, randomness: RandomSource) {
        self.workload = workload
        self.horizon = SimTime.zero + horizon
        let p = workload.parameters
        window = p.actionWindow
        firstRisky = workload.firstRiskyMerchant
        legitTimes = randomness.stream("legit-times")
        users = randomness.stream("users")
        merchants = randomness.stream("merchants")
        amounts = randomness.stream("amounts")
        episodeTimes = randomness.stream("episode-times")
        episodeDraws = randomness.stream("episode-draws")
        burstTimes = randomness.stream("burst-times")
        delays = randomness.stream("arrival-delays")
        merchantPopularity = Zipf(n: workload.merchants, exponent: 1)
        amount = LogNormal(mu: Double.log(p.amountMedian.dollars), sigma: p.amountSigma)
        episodeDuration = LogNormal(mu: Double.log(p.compromiseDuration.seconds), sigma: p.compromiseDurationSigma)
        legitArrivals = DiurnalPoissonArrivals(baseRate: workload.authorizationsPerSecond, profile: p.diurnal)
        nextLegit = legitArrivals.next(after: 0, &legitTimes)
        let episodeRate = p.compromiseRate.perSecond * Double(workload.users)
        if episodeRate > 0 {
            var arrivals = PoissonArrivals(rate: episodeRate)
            nextEpisode = arrivals.next(after: 0, &episodeTimes)
            episodeArrivals = arrivals
        } else {
            nextEpisode = .infinity
        }
    }

    mutating func next() -> WorkloadItem? {
        if let event = pendingEvent {
            pendingEvent = nil
            return .event(event)
        }
        while true {
            let legit = SimTime(seconds: nextLegit)
            let episode = nextEpisode.isFinite ? SimTime(seconds: nextEpisode) : .never
            let burst = bursts.min?.time ?? .never
            let now = min(legit, episode, burst)
            if now >= horizon { return nil }
            if now == episode {
                startEpisode(at: now)
            } else if now == burst {
                if let item = fraudulentAuthorization() { return item }
            } else {
                nextLegit = legitArrivals.next(after: nextLegit, &legitTimes)
                return legitimateAuthorization(at: now)
            }
        }
    }

    mutating func startEpisode(at time: SimTime) {
        nextEpisode = episodeArrivals!.next(after: nextEpisode, &episodeTimes)
        let user = Int32(episodeDraws.next() % UInt64(workload.users))
        let end = time + SimDuration(seconds: episodeDuration.sample(&episodeDraws))
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            episodes[Int(slot)] = Episode(user: user, end: end)
        } else {
            slot = Int32(episodes.count)
            episodes.append(Episode(user: user, end: end))
        }
        compromisedUntil[user] = max(compromisedUntil[user] ?? .zero, end)
        scheduleBurst(slot, after: time)
    }

    mutating func scheduleBurst(_ slot: Int32, after time: SimTime) {
        let gap = Exponential(rate: workload.parameters.burstRate.perSecond).sample(&burstTimes)
        bursts.push(ScheduledEvent(time: time + SimDuration(seconds: gap), sequence: burstSequence, payload: slot))
        burstSequence &+= 1
    }

    /// The next burst authorization, or nil when the episode it belongs to has ended.
    mutating func fraudulentAuthorization() -> WorkloadItem? {
        let burst = bursts.popMin()!
        let episode = episodes[Int(burst.payload)]
        guard burst.time <= episode.end else {
            if compromisedUntil[episode.user] == episode.end { compromisedUntil[episode.user] = nil }
            freeSlots.append(burst.payload)
            return nil
        }
        scheduleBurst(burst.payload, after: burst.time)
        let p = workload.parameters
        let merchant: Int32
        if episodeDraws.nextUniform() < p.fraudAtRiskyMerchants {
            merchant = firstRisky + Int32(merchants.next() % UInt64(Int32(workload.merchants) - firstRisky))
        } else {
            merchant = Int32(merchantPopularity.sample(&merchants) - 1)
        }
        let value = (amount.sample(&amounts) * p.burstAmountFactor * 100).rounded() / 100
        return authorization(at: burst.time, user: episode.user, merchant: merchant, amount: value, label: true)
    }

    mutating func legitimateAuthorization(at time: SimTime) -> WorkloadItem {
        let u = users.nextUniform()
        let skew = workload.parameters.activitySkew
        let user = Int32(min(Double(workload.users - 1), Double(workload.users) * (skew == 1 ? u : Double.pow(u, skew))))
        let merchant = Int32(merchantPopularity.sample(&merchants) - 1)
        let value = (amount.sample(&amounts) * 100).rounded() / 100
        let compromised = compromisedUntil.isEmpty ? false : (compromisedUntil[user].map { time <= $0 } ?? false)
        return authorization(at: time, user: user, merchant: merchant, amount: value, label: compromised)
    }

    /// The decision point now; its domain event on the next call.
    mutating func authorization(at time: SimTime, user: Int32, merchant: Int32, amount: Double, label: Bool) -> WorkloadItem {
        let arrival = workload.parameters.authorizationDelay.arrival(for: time, &delays)
        pendingEvent = DomainEvent(kind: .authorization, eventTime: time, arrivalTime: arrival,
                                   entity: user, item: merchant, amount: amount)
        let request = DecisionRequest(id: nextDecisionID, kind: .authorization, time: time, deadline: time + window,
                                      entity: user, item: merchant, amount: amount)
        nextDecisionID += 1
        return .decision(Decision(request: request, truth: Truth(label: label)))
    }
}
