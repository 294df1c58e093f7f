import RealModule

/// Closed forms of the FIFO M/M/c queue: Poisson arrivals at rate λ,
/// exponential service at rate μ per server, c servers, infinite waiting room.
///
///     let q = ErlangC(arrivalRate: 8, serviceRate: 1, servers: 10)
///     q.probabilityOfWaiting   // C(c, a)
///     q.sojournPercentile(0.99)
///
/// C(c, a) comes from Erlang B by its stable recursion
/// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), then
/// C = c·B / (c − a·(1 − B)), which never forms a^c or c! (Kleinrock,
/// *Queueing Systems* vol. 1, §3.5).
public struct ErlangC: Sendable {
    public let lambda, mu: Double
    public let servers: Int

    public init(arrivalRate: Double, serviceRate: Double, servers: Int) {
        precondition(arrivalRate > 0 && serviceRate > 0 && servers > 0, "M/M/c needs λ > 0, μ > 0, c > 0")
        lambda = arrivalRate; mu = serviceRate; self.servers = servers
    }

    /// Offered load a = λ/μ in Erlangs.
    public var offeredLoad: Double { lambda / mu }
    /// Per-server utilisation ρ = λ/(cμ).
    public var utilization: Double { lambda / (Double(servers) * mu) }
    public var isStable: Bool { utilization < 1 }

    public var erlangB: Double {
        let a = offeredLoad
        var b = 1.0
        for k in 1...servers { b = a * b / (Double(k) + a * b) }
        return b
    }

    /// Probability that an arriving customer waits (Erlang C formula).
    public var probabilityOfWaiting: Double {
        let b = erlangB, a = offeredLoad, c = Double(servers)
        return c * b / (c - a * (1 - b))
    }

    /// Mean wait in queue, Wq = C / (cμ − λ).
    public var meanWait: Double { probabilityOfWaiting / (Double(servers) * mu - lambda) }
    /// Mean time in system, W = Wq + 1/μ.
    public var meanSojourn: Double { meanWait + 1 / mu }
    /// Little's law: L = λW and Lq = λWq.
    public var meanInSystem: Double { lambda * meanSojourn }
    public var meanInQueue: Double { lambda * meanWait }

    /// P(W > t): with probability 1 − C the sojourn is the service alone;
    /// otherwise it is Exp(θ = cμ − λ) queueing plus Exp(μ) service.
    public func sojournTail(_ t: Double) -> Double {
        let pWait = probabilityOfWaiting
        let theta = Double(servers) * mu - lambda
        let serviceOnly = Double.exp(-mu * t)
        let hypo: Double
        if abs(theta - mu) < 1e-12 * mu {
            hypo = (1 + mu * t) * Double.exp(-mu * t)
        } else {
            hypo = (theta * Double.exp(-mu * t) - mu * Double.exp(-theta * t)) / (theta - mu)
        }
        return (1 - pWait) * serviceOnly + pWait * hypo
    }

    /// The sojourn time exceeded with probability 1 − p, by bisection on the tail.
    public func sojournPercentile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "percentile needs 0 < p < 1")
        var lo = 0.0, hi = 1 / mu
        while sojournTail(hi) > 1 - p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if sojournTail(mid) > 1 - p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
