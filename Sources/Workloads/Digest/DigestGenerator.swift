import RealModule
import Randomness
import SimKernel

/// Streams a digest workload in time order: item publications, users'
/// clicks, and each time zone's emails (one decision per user, all at the
/// zone's decision time), merged. Memory is O(live items + users): the
/// users' interest walks are the latent state the clicks are drawn from.
struct DigestGenerator: WorkloadGenerator {
    /// One time zone's emails of one local day, being emitted.
    struct Sweep {
        var zone: Int
        var day: Int
        var time: SimTime
        var send: SimTime
        var nextUser: Int
        var limit: Int
        var popular: [CatalogueItem]
    }

    let workload: DigestWorkload
    let horizon: SimTime
    let catalogue: ItemCatalogue
    let profile: DiurnalProfile
    let halfLife: Double
    let clicksPerUser: Double
    let clickDelay: ArrivalDelay
    let unitGap = Exponential(rate: 1)

    var live: LiveItems
    var interests: InterestTable
    var publisher: Publisher
    /// The next click candidate, drawn at the peak rate of its UTC day.
    var clickDay = 0
    var nextClick = SimTime.never
    var zoneNextDay: [Int]
    /// The earliest zone's next email decision time, and the zone.
    var nextEmails = SimTime.never
    var nextEmailZone = 0
    var sweep: Sweep?
    var nextDecisionID: Int64 = 0
    var clickTimes, clickDraws, itemDraws, delays: RandomStream

    init(_ workload: DigestWorkload, horizon: SimDuration, randomness: RandomSource) {
        self.workload = workload
        self.horizon = SimTime.zero + horizon
        catalogue = workload.catalogue
        let p = workload.parameters
        profile = p.diurnal
        halfLife = p.freshnessHalfLife.seconds
        clicksPerUser = p.clicks.perSecond
        clickDelay = p.clickDelay
        live = LiveItems(topics: p.topics)
        interests = InterestTable(workload.walk)
        clickTimes = randomness.stream("click-times")
        clickDraws = randomness.stream("click-draws")
        itemDraws = randomness.stream("click-items")
        delays = randomness.stream("arrival-delays")
        publisher = Publisher(catalogue, horizon: self.horizon, live: &live)
        zoneNextDay = workload.offsets.indices.map { zone in
            var day = -1
            while workload.sendTime(zone: zone, localDay: day) - p.actionWindow < .zero { day += 1 }
            return day
        }
        drawClick(after: .zero)
        findNextEmails()
    }

    mutating func findNextEmails() {
        nextEmails = .never
        for zone in zoneNextDay.indices {
            let t = workload.sendTime(zone: zone, localDay: zoneNextDay[zone]) - workload.actionWindow
            if t < nextEmails {
                nextEmails = t
                nextEmailZone = zone
            }
        }
    }

    /// The first click candidate after `time`: Poisson at users × clicks × peak,
    /// restarted at each UTC midnight, when the number of users changes.
    mutating func drawClick(after time: SimTime) {
        var from = time
        clickDay = Day.index(from)
        while from < horizon {
            let rate = Double(workload.users(onDay: clickDay)) * clicksPerUser * profile.peak
            let dayEnd = Day.start(clickDay + 1)
            if rate > 0 {
                let candidate = from + SimDuration(seconds: unitGap.sample(&clickTimes) / rate)
                if candidate < dayEnd {
                    nextClick = candidate
                    return
                }
            }
            clickDay += 1
            from = dayEnd
        }
        nextClick = .never
    }

    mutating func next() -> WorkloadItem? {
        while true {
            if let item = continueSweep() { return item }
            let publication = publisher.nextTime
            let emails = nextEmails
            let now = min(publication, emails, nextClick)
            guard now < horizon else { return nil }
            live.expire(through: now)
            if now == publication {
                let item = publisher.pop()
                live.insert(item)
                let arrival = workload.parameters.publicationDelay.arrival(for: now, &delays)
                return .event(DomainEvent(kind: .publication, eventTime: now, arrivalTime: arrival, entity: -1, item: item.id))
            } else if now == emails {
                startSweep(zone: nextEmailZone, at: now)
            } else if let event = click(at: now) {
                return .event(event)
            }
        }
    }

    mutating func startSweep(zone: Int, at time: SimTime) {
        let day = zoneNextDay[zone]
        zoneNextDay[zone] += 1
        findNextEmails()
        sweep = Sweep(zone: zone, day: day, time: time, send: workload.sendTime(zone: zone, localDay: day),
                      nextUser: zone, limit: workload.users(onDay: Day.index(time)),
                      popular: live.mostClicked(workload.parameters.slateSize).map { catalogue.item($0)! })
    }

    mutating func continueSweep() -> WorkloadItem? {
        guard var s = sweep else { return nil }
        guard s.nextUser < s.limit else {
            sweep = nil
            return nil
        }
        let user = Int32(s.nextUser)
        s.nextUser += workload.offsets.count
        sweep = s
        let vector = interests.interests(of: user, onDay: s.day)
        let fallback = workload.emailValue(s.popular, interests: vector, sentAt: s.send)
        let request = DecisionRequest(id: nextDecisionID, kind: .email, time: s.time, deadline: s.send, entity: user,
                                      slateSize: Int32(workload.parameters.slateSize))
        nextDecisionID += 1
        return .decision(Decision(request: request, truth: Truth(vector: vector, defaultValue: fallback)))
    }

    /// A click candidate: kept by the diurnal profile in the user's local time,
    /// then an item drawn ∝ relevance × quality × freshness.
    mutating func click(at time: SimTime) -> DomainEvent? {
        drawClick(after: time)
        let user = Int32(clickDraws.next() % UInt64(workload.users(onDay: Day.index(time))))
        let local = time + workload.utcOffset(of: user)
        guard clickDraws.nextUniform() * profile.peak < profile.factor(at: Day.secondsSinceMidnight(local)) else { return nil }
        let vector = interests.interests(of: user, onDay: Day.index(local))
        // Relevance ≤ the largest interest, so dividing by it keeps each weight in 0...1.
        let scale = 1 / Double(vector.max() ?? 1)
        let now = time.seconds, decayRate = 1 / halfLife
        let slot = vector.withUnsafeBufferPointer { interests in
            live.draw(&itemDraws) { topics, quality, published in
                dot(interests, topics) * quality * Double.exp2(-(now - published) * decayRate) * scale
            }
        }
        guard let slot else { return nil }
        live.recordClick(slot: slot)
        let arrival = clickDelay.arrival(for: time, &delays)
        return DomainEvent(kind: .click, eventTime: time, arrivalTime: arrival, entity: user, item: live.ids[slot])
    }
}
