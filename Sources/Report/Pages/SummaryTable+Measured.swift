import Measures

extension SummaryTable {
    /// Simulated latency beside the latency measured against the live server,
    /// for the engines that name a `latency_profile:`; nil when none does.
    static func simulatedAndMeasuredLatency(_ results: RunResults) -> SummaryTable? {
        let measured = results.engines.filter { $0.measuredLatencyP99Ms != nil }
        guard !measured.isEmpty else { return nil }
        return SummaryTable([("engine", false), ("simulated p50", true), ("measured p50", true), ("simulated p99", true),
                             ("measured p99", true), ("simulated p99.9", true), ("measured p99.9", true)],
                            rows: measured.map { e in
                                [e.name, ReadableNumber.latency(milliseconds: e.latencyP50Ms), ReadableNumber.latency(milliseconds: e.measuredLatencyP50Ms),
                                 ReadableNumber.latency(milliseconds: e.latencyP99Ms), ReadableNumber.latency(milliseconds: e.measuredLatencyP99Ms),
                                 ReadableNumber.latency(milliseconds: e.latencyP999Ms), ReadableNumber.latency(milliseconds: e.measuredLatencyP999Ms)]
                            })
    }
}
