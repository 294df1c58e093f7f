import Queueing
import Randomness
import SimKernel

/// `tempo bench kernel`: the M/M/c model's events per second beside the bare
/// event queue's hold operations (pop the earliest, push a later one) per
/// second, over the same event type and heap size, measured in the same run.
/// Their ratio is what the kernel costs on top of the heap itself.
public struct KernelBenchmark: Sendable {
    public var customers: Int = 1_000_000
    public var servers: Int = 10
    public var repetitions: Int = 5

    public init(customers: Int = 1_000_000, repetitions: Int = 5) {
        self.customers = customers
        self.repetitions = repetitions
    }

    public struct Result: Sendable, Codable, Equatable {
        public let customers: Int
        public let mmcEventsPerSecond: Throughput
        public let heapOperationsPerSecond: Throughput
        /// Bare heap rate over M/M/c rate (medians): 1 means the kernel adds nothing.
        public var slowdown: Double { heapOperationsPerSecond.median / mmcEventsPerSecond.median }
    }

    public func run() -> Result { run(Sampler(repetitions: repetitions, counter: nil)) }

    public func run(_ sampler: Sampler) -> Result {
        let mmc = sampler.measure { mmcEvents() }
        let heap = sampler.measure { holdLoop(operations: 2 * customers) }
        return Result(customers: customers, mmcEventsPerSecond: mmc, heapOperationsPerSecond: heap)
    }

    /// One run of the M/M/c model (λ = 8/s, μ = 1/s, c = 10, seed 1); returns the kernel events it processed.
    func mmcEvents() -> Int {
        MMcSimulation(arrivalRate: 8, serviceRate: 1, servers: servers, customers: customers, seed: 1).run().events
    }

    /// The classic "hold" priority-queue benchmark at the M/M/c heap's size
    /// (one pending arrival plus a departure per busy server).
    func holdLoop(operations: Int) -> Int {
        var queue = EventQueue<MMcSimulation.Event>(capacity: servers + 2)
        var rng = RandomSource(seed: 1).stream("hold")
        var sequence: UInt64 = 0
        for _ in 0...servers {
            queue.push(ScheduledEvent(time: SimTime(microseconds: Int64(rng.next() >> 44)), sequence: sequence, payload: .arrival))
            sequence += 1
        }
        var checksum: Int64 = 0
        for _ in 0..<operations {
            let event = queue.popMin()!
            checksum &+= event.time.microseconds
            let later = event.time.microseconds + Int64(rng.next() >> 44)
            queue.push(ScheduledEvent(time: SimTime(microseconds: later), sequence: sequence, payload: event.payload))
            sequence += 1
        }
        return checksum == 42 ? operations + 1 : operations  // keeps the loop from being optimised away
    }
}

extension KernelBenchmark: BenchSuite {
    public var name: String { "kernel" }

    public func report(_ sampler: Sampler) throws -> SuiteReport {
        let r = run(sampler)
        return SuiteReport(suite: name, figures: [
            Figure("kernel/mmc_events", unit: "events/s", r.mmcEventsPerSecond),
            Figure("kernel/heap_hold", unit: "ops/s", r.heapOperationsPerSecond),
        ], lines: [
            "kernel — M/M/c (λ=8/s, μ=1/s, c=\(servers)), \(customers) customers, beside the bare event queue's hold loop",
            rateLine("M/M/c events/s", r.mmcEventsPerSecond),
            rateLine("bare event queue hold ops/s", r.heapOperationsPerSecond),
            String(format: "  heap / M/M/c %.2f× (goal ≤ 2×)", r.slowdown),
        ], details: r)
    }
}
