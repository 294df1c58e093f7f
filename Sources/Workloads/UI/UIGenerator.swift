import Randomness
import SimKernel

/// Streams a ui workload in time order: sessions' homepage loads (a decision
/// point, then its page-view event) and clicks. Memory is O(active sessions).
struct UIGenerator: WorkloadGenerator {
    let workload: UIWorkload
    let horizon: SimTime
    let topics: Int32
    let focus: Double
    var sessions: SessionProcess
    /// Per session slot: the intent now, and at the session's start.
    var intent: [Int32] = []
    var startIntent: [Int32] = []
    var pendingEvent: DomainEvent?
    /// The intent of the session behind the last item, for tests and traces.
    private(set) var lastIntent: Int32 = -1
    var nextDecisionID: Int64 = 0
    var intents, clicks, delays: RandomStream

    init(_ workload: UIWorkload, horizon: SimDuration, randomness: RandomSource) {
        self.workload = workload
        self.horizon = SimTime.zero + horizon
        topics = Int32(workload.parameters.topics)
        focus = workload.parameters.intentFocus
        sessions = workload.parameters.sessionProcess(users: workload.users, randomness: randomness)
        intents = randomness.stream("intents")
        clicks = randomness.stream("clicks")
        delays = randomness.stream("arrival-delays")
    }

    mutating func next() -> WorkloadItem? {
        if let event = pendingEvent {
            pendingEvent = nil
            return .event(event)
        }
        guard let step = sessions.next(before: horizon) else { return nil }
        let slot = Int(step.slot)
        if slot == intent.count {
            intent.append(0)
            startIntent.append(0)
        }
        if step.isStart {
            intent[slot] = Int32(workload.topicPopularity.sample(&intents))
            startIntent[slot] = intent[slot]
        }
        for _ in 0..<step.intentShifts {
            // A jump goes to another topic, drawn by popularity.
            var next: Int32
            repeat { next = Int32(workload.topicPopularity.sample(&intents)) } while next == intent[slot]
            intent[slot] = next
        }
        lastIntent = intent[slot]
        let p = workload.parameters
        if step.isHomepage {
            let now = intent[slot]
            pendingEvent = DomainEvent(kind: .pageView, eventTime: step.time, arrivalTime: p.pageViewDelay.arrival(for: step.time, &delays),
                                       entity: step.user)
            let request = DecisionRequest(id: nextDecisionID, kind: .pageLoad, time: step.time, deadline: step.time + p.actionWindow,
                                          entity: step.user, slateSize: Int32(p.slateSize))
            nextDecisionID += 1
            let truth = Truth(label: now != startIntent[slot], topic: now,
                              defaultValue: workload.slateValue(workload.popularSlate, intent: now))
            return .decision(Decision(request: request, truth: truth))
        }
        let topic = clicks.nextUniform() < focus ? intent[slot] : Int32(workload.topicPopularity.sample(&clicks))
        let rank: Int
        if let zipf = workload.itemRanks[Int(topic)] {
            rank = zipf.sample(&clicks) - 1
        } else {
            rank = Int(clicks.next() % UInt64(workload.itemsPerTopic[Int(topic)]))
        }
        let item = topic + Int32(rank) * topics
        return .event(DomainEvent(kind: .click, eventTime: step.time, arrivalTime: p.clickDelay.arrival(for: step.time, &delays),
                                  entity: step.user, item: item))
    }
}
