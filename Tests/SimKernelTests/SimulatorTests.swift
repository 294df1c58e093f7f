import Testing
@testable import SimKernel

@Suite struct EventQueueTests {
    @Test func popsInTimeThenInsertionOrderAgainstASortedReference() {
        var queue = EventQueue<Int>()
        var reference: [(time: Int64, sequence: UInt64)] = []
        var state: UInt64 = 12345
        func random(_ bound: UInt64) -> UInt64 {  // a tiny LCG keeps this test independent of Randomness
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
        var sequence: UInt64 = 0
        for round in 0..<5_000 {
            if random(3) > 0 || queue.isEmpty {
                let time = Int64(random(50))  // few distinct times: many ties
                queue.push(ScheduledEvent(time: SimTime(microseconds: time), sequence: sequence, payload: round))
                reference.append((time, sequence))
                sequence += 1
            } else {
                reference.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
                let expected = reference.removeFirst()
                let got = queue.popMin()!
                #expect(got.time.microseconds == expected.time && got.sequence == expected.sequence)
            }
            #expect(queue.checkInvariants())
        }
        #expect(queue.count == reference.count)
    }

    @Test func removeAllKeepsHeapOrder() {
        var queue = EventQueue<Int>()
        for i in 0..<200 { queue.push(ScheduledEvent(time: SimTime(microseconds: Int64((i * 37) % 101)), sequence: UInt64(i), payload: i)) }
        queue.removeAll { $0.payload % 3 == 0 }
        #expect(queue.checkInvariants())
        #expect(queue.count == 200 - 67)
        var last: (Int64, UInt64) = (-1, 0)
        while let e = queue.popMin() {
            #expect(e.payload % 3 != 0)
            #expect((e.time.microseconds, e.sequence) > last)
            last = (e.time.microseconds, e.sequence)
        }
    }
}

@Suite struct SimulatorTests {
    @Test func tiesFireInInsertionOrder() {
        var sim = Simulator<String>()
        for name in ["a", "b", "c", "d"] { sim.schedule(name, at: SimTime(microseconds: 10)) }
        sim.schedule("early", at: SimTime(microseconds: 5))
        var fired: [String] = []
        while let e = sim.step() { fired.append(e) }
        #expect(fired == ["early", "a", "b", "c", "d"])
        #expect(sim.now == SimTime(microseconds: 10))
        #expect(sim.firedCount == 5)
    }

    @Test func scheduleAfterIsRelativeToNow() {
        var sim = Simulator<Int>()
        sim.schedule(1, at: SimTime(microseconds: 100))
        _ = sim.step()
        sim.schedule(2, after: .milliseconds(2))
        let next = sim.peekTime()
        #expect(next == SimTime(microseconds: 2_100))
    }

    @Test func cancelledEventsNeverFire() {
        var sim = Simulator<Int>()
        let ids = (0..<10).map { sim.schedule($0, at: SimTime(microseconds: Int64($0))) }
        let once = sim.cancel(ids[3]), twice = sim.cancel(ids[3]), head = sim.cancel(ids[0])
        #expect(once && !twice && head, "a second cancel reports nothing to do")
        #expect(sim.pendingCount == 8)
        let nextTime = sim.peekTime()
        #expect(nextTime == SimTime(microseconds: 1), "a cancelled head is skipped")
        var fired: [Int] = []
        while let e = sim.step() {
            fired.append(e)
            #expect(sim.checkInvariants())
        }
        #expect(fired == [1, 2, 4, 5, 6, 7, 8, 9])
        let late = sim.cancel(ids[5])
        #expect(!late, "an event that already fired cannot be cancelled")
        #expect(sim.pendingCount == 0)
    }

    @Test func cancellingAFiredEventAtTheSameTimeIsRefused() {
        var sim = Simulator<Int>()
        let first = sim.schedule(1, at: SimTime(microseconds: 7))
        let second = sim.schedule(2, at: SimTime(microseconds: 7))
        let fired = sim.step()
        #expect(fired == 1)
        let refused = sim.cancel(first), accepted = sim.cancel(second)
        #expect(!refused && accepted)
        let after = sim.step()
        #expect(after == nil)
    }

    @Test func runUntilFiresUpToTheLimitAndFollowsTheHandlersEvents() {
        var sim = Simulator<Int>()
        sim.schedule(0, at: .zero)
        var fired: [(Int64, Int)] = []
        // Each event schedules the next one second later: a self-perpetuating process.
        sim.run(until: SimTime(microseconds: 3_000_000)) { sim, n in
            fired.append((sim.now.microseconds, n))
            sim.schedule(n + 1, after: .seconds(1))
        }
        #expect(fired.map(\.1) == [0, 1, 2, 3])
        #expect(fired.map(\.0) == [0, 1_000_000, 2_000_000, 3_000_000])
        #expect(sim.now == SimTime(microseconds: 3_000_000))
        #expect(sim.pendingCount == 1)
        sim.run(until: SimTime(microseconds: 3_500_000)) { _, _ in Issue.record("nothing is due before 4s") }
        #expect(sim.now == SimTime(microseconds: 3_500_000), "the clock advances to the limit")
    }
}

@Suite struct SimTimeTests {
    @Test func durationArithmeticAndDescription() {
        #expect(SimDuration.hours(1) == .minutes(60))
        #expect(SimDuration(seconds: 1.5).microseconds == 1_500_000)
        #expect(SimDuration(seconds: -0.0000014).microseconds == -1)
        #expect((SimTime.zero + .days(1) - SimTime.zero) == .hours(24))
        #expect(SimDuration.hours(2).description == "2h")
        #expect(SimDuration.milliseconds(150).description == "150ms")
        #expect(SimDuration.microseconds(1_500).description == "1500us")
    }
}
