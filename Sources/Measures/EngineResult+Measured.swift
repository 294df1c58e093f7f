import Engines

extension EngineResult {
    /// Sets the live measurement beside the simulated latency: the
    /// percentiles `tempo load` measured from scheduled send times, from the
    /// engine's latency profile.
    public mutating func noteMeasured(_ profile: LatencyProfile) {
        measuredLatencyP50Ms = profile.measuredP50.seconds * 1000
        measuredLatencyP99Ms = profile.measuredP99.seconds * 1000
        measuredLatencyP999Ms = profile.measuredP999.seconds * 1000
    }
}
