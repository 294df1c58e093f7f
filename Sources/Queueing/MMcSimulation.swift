import DequeModule
import Foundation
import Randomness
import SimKernel
import Statistics

/// A FIFO M/M/c queue run on the simulation kernel: exactly `customers`
/// arrivals into an empty system, run until the last one departs.
///
///     let run = MMcSimulation(arrivalRate: 8, serviceRate: 1, servers: 10,
///                             customers: 100_000, seed: 7).run()
///     print(run.meanSojourn, run.sojournP99)
///
/// Time is in seconds of virtual time (rates are per second), held by the
/// kernel as integer microseconds. This is the model of the real-time
/// engine's server pool and the kernel's own correctness check: its
/// measures must agree with `ErlangC`.
public struct MMcSimulation: Sendable {
    public let arrivalRate, serviceRate: Double
    public let servers: Int
    public let customers: Int
    /// The first `warmup` customers are served but left out of every measure.
    public let warmup: Int
    public let seed: UInt64

    public init(arrivalRate: Double, serviceRate: Double, servers: Int, customers: Int, warmup: Int = 0, seed: UInt64) {
        precondition(arrivalRate > 0 && serviceRate > 0 && servers > 0 && customers > 0 && warmup >= 0 && warmup < customers)
        self.arrivalRate = arrivalRate; self.serviceRate = serviceRate; self.servers = servers
        self.customers = customers; self.warmup = warmup; self.seed = seed
    }

    /// The kernel's events: one per arrival and one per departure. Servers
    /// are interchangeable, so a departure carries its customer rather than a
    /// server number, and the pool is just a count of busy servers.
    public enum Event: Sendable {
        case arrival
        case departure(arrivedAt: SimTime, measured: Bool)
    }

    struct Customer {
        var index: Int
        var arrival: SimTime
        var service: SimDuration
    }

    public func run() -> MMcResult {
        let source = RandomSource(seed: seed)
        var arrivalStream = source.stream("arrivals")
        var serviceStream = source.stream("service")
        var arrivals = PoissonArrivals(rate: arrivalRate)
        let service = Exponential(rate: serviceRate)

        var sim = Simulator<Event>(capacity: servers + 2)
        var waiting = Deque<Customer>(minimumCapacity: 1024)
        var busy = 0

        // Sums in integer microseconds: exact, and cheaper per event than a
        // running mean's division.
        var sojournTotal: Int64 = 0, waitTotal: Int64 = 0
        var measuredDepartures = 0, measuredStarts = 0, waited = 0
        var sojournHistogram = DurationHistogram()
        // Utilisation is the time average of busy servers between the end of
        // warm-up and the last arrival (the drain after it is not steady state).
        var busyArea: Int64 = 0, lastChange = SimTime.zero  // server-microseconds
        var areaAtWarmupEnd: Int64 = 0, timeAtWarmupEnd = SimTime.zero
        var areaAtLastArrival: Int64 = 0, timeAtLastArrival = SimTime.zero
        var inSystemArea: Int64 = 0  // customer-microseconds, for Little's law

        var arrived = 0
        var arrivalSeconds = arrivals.next(after: 0, &arrivalStream)
        let clock = ContinuousClock()
        let started = clock.now

        func startService(_ customer: Customer, at now: SimTime, _ sim: inout Simulator<Event>) {
            let measured = customer.index >= warmup
            sim.schedule(.departure(arrivedAt: customer.arrival, measured: measured), at: now + customer.service)
            guard measured else { return }
            let w = (now - customer.arrival).microseconds
            waitTotal &+= w
            measuredStarts += 1
            if w > 0 { waited += 1 }
        }

        sim.schedule(.arrival, at: SimTime(seconds: arrivalSeconds))
        while let event = sim.step() {
            let now = sim.now
            let elapsed = (now - lastChange).microseconds
            busyArea &+= Int64(busy) &* elapsed
            inSystemArea &+= Int64(busy + waiting.count) &* elapsed
            lastChange = now
            switch event {
            case .arrival:
                if arrived == warmup { areaAtWarmupEnd = busyArea; timeAtWarmupEnd = now }
                let customer = Customer(index: arrived, arrival: now,
                                        service: SimDuration(seconds: service.sample(&serviceStream)))
                arrived += 1
                if busy < servers {
                    busy += 1
                    startService(customer, at: now, &sim)
                } else {
                    waiting.append(customer)
                }
                if arrived < customers {
                    arrivalSeconds = arrivals.next(after: arrivalSeconds, &arrivalStream)
                    sim.schedule(.arrival, at: Swift.max(now, SimTime(seconds: arrivalSeconds)))
                } else {
                    areaAtLastArrival = busyArea; timeAtLastArrival = now
                }
            case .departure(let arrivedAt, let measured):
                if measured {
                    let w = (now - arrivedAt).microseconds
                    sojournTotal &+= w
                    measuredDepartures += 1
                    sojournHistogram.record(microseconds: w)
                }
                if let next = waiting.popFirst() {
                    startService(next, at: now, &sim)
                } else {
                    busy -= 1
                }
            }
        }
        let wallSeconds = (clock.now - started).seconds
        let window = (timeAtLastArrival - timeAtWarmupEnd).microseconds
        return MMcResult(
            customers: measuredDepartures,
            meanWait: Double(waitTotal) / 1e6 / Double(measuredStarts),
            meanSojourn: Double(sojournTotal) / 1e6 / Double(measuredDepartures),
            probabilityOfWaiting: Double(waited) / Double(measuredStarts),
            utilization: window > 0 ? Double(areaAtLastArrival - areaAtWarmupEnd) / (Double(servers) * Double(window)) : 0,
            sojournP50: Double(sojournHistogram.percentile(50)) / 1e6,
            sojournP95: Double(sojournHistogram.percentile(95)) / 1e6,
            sojournP99: Double(sojournHistogram.percentile(99)) / 1e6,
            meanInSystem: sim.now.microseconds > 0 ? Double(inSystemArea) / Double(sim.now.microseconds) : 0,
            events: sim.firedCount,
            wallSeconds: wallSeconds,
            makespan: sim.now.seconds)
    }
}

/// What one M/M/c run measured. Times in seconds.
public struct MMcResult: Sendable, Equatable {
    /// Customers measured (all arrivals minus warm-up).
    public var customers: Int
    public var meanWait: Double
    public var meanSojourn: Double
    public var probabilityOfWaiting: Double
    public var utilization: Double
    public var sojournP50, sojournP95, sojournP99: Double
    /// Time-average number in the system over the whole run, [0, makespan].
    public var meanInSystem: Double
    /// Kernel events fired: one per arrival plus one per departure.
    public var events: Int
    public var wallSeconds: Double
    /// Virtual time of the last departure.
    public var makespan: Double

    public var eventsPerSecond: Double { wallSeconds > 0 ? Double(events) / wallSeconds : 0 }
}
