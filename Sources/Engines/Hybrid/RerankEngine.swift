import Features
import Randomness
import ScenarioSpec
import SimKernel
import Workloads

/// Candidates + re-rank: a batch stage shortlists on a schedule, a real-time
/// stage re-ranks the shortlist on request with fresh features.
///
/// The candidates stage is a `BatchEngine` run as a stage of this one: at
/// its snapshot it ranks the whole catalogue for every user — ALS score,
/// taste, what is trending — and keeps each user's best `candidates`. The
/// re-ranking stage queues each request at a `ServerPool`, as the realtime
/// engine does, and re-orders the user's shortlist by the same model with
/// the features of now: the session's intent and the catalogue as the
/// stream has it. The shortlist bounds the work per request and what a
/// request can show: an item that was not a candidate at the snapshot — one
/// published since, or one only the session's intent makes relevant — is
/// never shown. On a timeout the shortlist is served as it is, at the
/// timeout. For a campaign, the shortlist is the customers the batch scored
/// highest, re-scored with fresh features before the budget's best are
/// contacted.
public final class RerankEngine: Engine {
    public let name: String
    public let kind: EngineKind = .rerank
    public let configuration: RerankConfiguration
    let index: Int32

    let candidates: BatchEngine
    var pool: ServerPool
    var pipeline: FeaturePipeline?
    var decider: Decider?
    var catalogue = CatalogueCache()
    var own = EngineCounters()

    /// The candidates job bursts (billed per job, from its durations), so its
    /// workers are not part of the always-on capacity.
    public var counters: EngineCounters {
        var batch = candidates.counters
        batch.capacitySeconds = 0
        return batch.adding(pool.counters).adding(own)
    }

    /// The pool's timers are numbered from here, clear of the candidates stage's.
    static let poolTimerBase: Int32 = 100

    public init(name: String, index: Int32, configuration: RerankConfiguration, randomness: RandomSource) {
        self.name = name
        self.index = index
        self.configuration = configuration
        candidates = BatchEngine(name: "\(name)/candidates", index: index, configuration: configuration.candidates,
                                 randomness: randomness)
        pool = ServerPool(configuration.rerank, engine: index, timerBase: Self.poolTimerBase,
                          randomness: randomness.source("engine:\(name)"))
    }

    public func start(_ context: EngineContext) {
        candidates.start(context)
        pipeline = FeaturePipeline(context.view, throughput: configuration.rerank.featureThroughput,
                                   lateness: configuration.rerank.featureLateness)
        pool.start(context)
    }

    public func modelsReady(_ models: TrainedModels, _ context: EngineContext) {
        candidates.modelsReady(models, context)
        decider = Decider(models, usesRequestFeatures: true, context)
    }

    public func arrive(_ event: DomainEvent, _ context: EngineContext) {
        candidates.arrive(event, context)
        pipeline!.enqueue(event, at: context.now)
        pipeline!.advance(to: context.now)
        own.eventsProcessed += 1
    }

    public func fire(_ timer: EngineTimer, _ context: EngineContext) {
        if !pool.fire(timer, context) { candidates.fire(timer, context) }
    }

    public func prefetch(soon: Int32, next: Int32) {
        candidates.prefetch(soon: soon, next: next)
        pipeline?.prefetch(soon: soon, next: next)
    }

    public func decide(_ request: DecisionRequest, _ context: EngineContext) -> Answer {
        let now = context.now
        pipeline!.advance(to: now)
        let answeredAt: SimTime
        switch pool.serve(at: now) {
        case .timedOut(let at):
            own.fallbacks += 1
            var answer = candidates.answerFromPublished(request, at: at, context) ?? Answer(action: nil, answeredAt: at)
            answer.fallback = true
            return answer
        case .done(let at):
            answeredAt = at
        }
        guard let decider else { return Answer(action: nil, answeredAt: answeredAt, fallback: true) }
        let asOf = pipeline!.asOf(now)
        switch decider.shape {
        case .ranking:
            guard let shortlist = candidates.publishedEntry(for: request.entity),
                  let items = catalogue.items(at: now, decider, read: { pipeline!.items(at: now) }) else {
                own.fallbacks += 1
                return Answer(action: nil, answeredAt: answeredAt, fallback: true)
            }
            let ranked = decider.rerank(shortlist.items, user: request.entity, features: pipeline!.values(for: request.entity, at: now),
                                        items, count: Int(request.slateSize))
            return Answer(action: .ranking(ranked.map(\.item)), answeredAt: answeredAt, score: ranked.first?.score,
                          computedAt: now, featuresAsOf: asOf, modelVersion: decider.version)
        case .population:
            let shortlist = candidates.allPublished()
                .sorted { $0.entry.score != $1.entry.score ? $0.entry.score > $1.entry.score : $0.entity < $1.entity }
                .prefix(configuration.candidateCount)
            guard !shortlist.isEmpty else {
                own.fallbacks += 1
                return Answer(action: nil, answeredAt: answeredAt, fallback: true)
            }
            let rescored = shortlist.map { ($0.entity, decider.score(pipeline!.values(for: $0.entity, at: now), request: nil)) }
            let ids = decider.contacts(request, scored: rescored)
            return Answer(action: .contact(ids), answeredAt: answeredAt, score: rescored.first { $0.0 == ids.first }?.1,
                          computedAt: now, featuresAsOf: asOf, modelVersion: decider.version)
        case .perDecision:
            // Validation refuses a rerank engine on such a workload: there is nothing to shortlist.
            preconditionFailure("a rerank engine needs a ranking or a campaign to shortlist for")
        }
    }

    public func finish(_ context: EngineContext) {
        candidates.finish(context)
        pool.finish(at: context.now)
        own.maxLagSeconds = pipeline?.maxLag.seconds ?? 0
        own.lateEventsDropped = pipeline?.features.droppedLate ?? 0
        own.stateBytes = (pipeline?.features.stateSize.records ?? 0) * IncrementalFeatures.bytesPerRecord
    }
}
