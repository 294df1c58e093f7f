import Foundation
import Testing
import Engines
import ScenarioSpec
import SimKernel
import Workloads
@testable import Simulation

@Suite(.serialized) struct DigestEngineTests {
    /// Users grow 20% a day and the nightly job starts at midnight with a
    /// 06:00 deadline. At 19.5 s a user on one worker, the first run (1,000
    /// users: 5.4 h) makes it and the next two (~1,200 users: 6.5 h; ~1,440:
    /// 7.8 h) do not; at 1 ms a user no run comes near.
    @Test func theDigestJobMissesItsDeadlineWhenTheDataOutgrowsIt() throws {
        let (_, simulation) = try simulate(scenario("digest", scale: 0.001, warmup: "1d", horizon: "3d", parameters: "growth: 20%",
                                                    engines: """
              - {name: slow, kind: batch, schedule: "0 0 * * *", deadline: "06:00", startup: 2m, per_record: 19.5s, workers: 1, partitions: 1}
              - {name: fast, kind: batch, schedule: "0 0 * * *", deadline: "06:00", startup: 2m, per_record: 1ms, workers: 1, partitions: 1}
            """))
        let slow = simulation.engines[0].counters, fast = simulation.engines[1].counters
        // Midnights of days 1 to 4: the last starts as the horizon ends and never finishes.
        #expect(slow.batchRuns == 4 && fast.batchRuns == 4, "one run a night")
        #expect(slow.slaMisses == 2, "the runs of nights 2 and 3 overrun 06:00")
        #expect(fast.slaMisses == 0)
    }
}
