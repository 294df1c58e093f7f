import RealModule
import Randomness
import SimKernel

/// Streams a recsys workload in time order: item publications, sessions'
/// feed loads (a decision point, then its page-view event) and clicks.
/// Memory is O(live items + active sessions + users' tastes).
struct RecsysGenerator: WorkloadGenerator {
    let workload: RecsysWorkload
    let horizon: SimTime
    let refresh: SimDuration
    var sessions: SessionProcess
    var publisher: Publisher
    var live: LiveItems
    var tastes: InterestTable
    /// Per session slot: the intent now, and at the session's start.
    var intent: [Int32] = []
    var startIntent: [Int32] = []
    /// The default slate and when it is next recomputed.
    var popular: [CatalogueItem] = []
    var nextRefresh = SimTime.zero
    var pendingEvent: DomainEvent?
    var nextDecisionID: Int64 = 0
    var intents, clickItems, delays: RandomStream

    init(_ workload: RecsysWorkload, horizon: SimDuration, randomness: RandomSource) {
        self.workload = workload
        self.horizon = SimTime.zero + horizon
        let p = workload.parameters
        refresh = p.popularRefresh
        sessions = p.sessionProcess(users: workload.users, randomness: randomness)
        live = LiveItems(topics: p.topics)
        publisher = Publisher(workload.catalogue, horizon: self.horizon, live: &live)
        tastes = InterestTable(workload.walk)
        intents = randomness.stream("intents")
        clickItems = randomness.stream("click-items")
        delays = randomness.stream("arrival-delays")
    }

    mutating func next() -> WorkloadItem? {
        if let event = pendingEvent {
            pendingEvent = nil
            return .event(event)
        }
        while true {
            let publication = publisher.nextTime
            let now = min(publication, nextRefresh, sessions.nextTime)
            guard now < horizon else { return nil }
            live.expire(through: now)
            if now == publication {
                let item = publisher.pop()
                live.insert(item)
                let arrival = workload.parameters.publicationDelay.arrival(for: now, &delays)
                return .event(DomainEvent(kind: .publication, eventTime: now, arrivalTime: arrival, entity: -1, item: item.id))
            } else if now == nextRefresh {
                popular = live.mostClicked(workload.parameters.slateSize).map { workload.catalogue.item($0)! }
                nextRefresh = now + refresh
            } else if let item = session(sessions.next(before: horizon)!) {
                return item
            }
        }
    }

    /// A topic drawn from `taste`, never `excluded` (−1 excludes nothing).
    mutating func drawIntent(_ taste: [Float], excluding excluded: Int32) -> Int32 {
        let total = excluded >= 0 ? 1 - Double(taste[Int(excluded)]) : 1
        guard total > 1e-9 else {
            // All the taste on one topic: a jump goes anywhere else.
            let other = Int32(intents.next() % UInt64(taste.count - 1))
            return other >= excluded ? other + 1 : other
        }
        var u = intents.nextUniform() * total
        var last: Int32 = 0
        for k in taste.indices where Int32(k) != excluded {
            last = Int32(k)
            u -= Double(taste[k])
            if u < 0 { return last }
        }
        return last
    }

    mutating func session(_ step: SessionProcess.Step) -> WorkloadItem? {
        let slot = Int(step.slot)
        if slot == intent.count {
            intent.append(0)
            startIntent.append(0)
        }
        let taste = tastes.interests(of: step.user, onDay: Day.index(step.time))
        if step.isStart {
            intent[slot] = drawIntent(taste, excluding: -1)
            startIntent[slot] = intent[slot]
        }
        for _ in 0..<step.intentShifts { intent[slot] = drawIntent(taste, excluding: intent[slot]) }
        let now = intent[slot]
        let p = workload.parameters
        if step.isHomepage {
            pendingEvent = DomainEvent(kind: .pageView, eventTime: step.time,
                                       arrivalTime: p.pageViewDelay.arrival(for: step.time, &delays), entity: step.user)
            let request = DecisionRequest(id: nextDecisionID, kind: .pageLoad, time: step.time, deadline: step.time + p.actionWindow,
                                          entity: step.user, slateSize: Int32(p.slateSize))
            nextDecisionID += 1
            let fallback = workload.slateValue(popular, taste: taste, intent: now, at: step.time, size: p.slateSize)
            return .decision(Decision(request: request, truth: Truth(label: now != startIntent[slot], topic: now, vector: taste,
                                                                     defaultValue: fallback)))
        }
        // A click on a live item ∝ its click probability; dividing by the largest possible keeps weights in 0...1.
        let w = p.intentWeight
        let bound = min(1, p.ctr * ((1 - w) * Double(taste.max() ?? 1) + w))
        // The same formulas as `clickProbability`, on the live set's flat arrays.
        let t = step.time.seconds, ctr = p.ctr, floor = p.trendFloor, decay = 1 / p.trendHalfLife.seconds, k = Int(now)
        let drawn = taste.withUnsafeBufferPointer { tp in
            live.draw(&clickItems) { topics, quality, published in
                let hype = floor + (1 - floor) * Double.exp2(-(t - published) * decay)
                let relevance = (1 - w) * dot(tp, topics) + w * Double(topics[k])
                return min(1, ctr * quality * hype * relevance) / bound
            }
        }
        guard let chosen = drawn else { return nil }
        live.recordClick(slot: chosen)
        return .event(DomainEvent(kind: .click, eventTime: step.time, arrivalTime: p.clickDelay.arrival(for: step.time, &delays),
                                  entity: step.user, item: live.ids[chosen]))
    }
}
