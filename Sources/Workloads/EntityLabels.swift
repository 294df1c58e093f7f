import SimKernel

/// A workload whose decisions are about the whole population at once (a
/// retention campaign) labels single entities for training: whether the
/// entity was positive at a time. Only the simulation driver reads it, to
/// fit per-entity models, as it reads a decision's truth; engines never do.
public protocol EntityLabels: Sendable {
    func label(of entity: Int32, at t: SimTime) -> Bool
}

extension ChurnWorkload: EntityLabels {
    /// At risk at `t` since an onset within the last intervention half-life:
    /// a customer a contact now would keep with at least half the chance it
    /// had at the onset — what a campaign is looking for, rather than every
    /// customer at risk (most of whom are past saving).
    public func label(of entity: Int32, at t: SimTime) -> Bool {
        let c = customer(entity)
        return c.isAtRisk(at: t) && t - c.onset <= parameters.interventionHalfLife
    }
}
