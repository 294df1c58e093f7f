import RealModule
import SimKernel

/// What happened in the world, as a source records it. Compact and
/// value-typed: a full-scale fraud day streams ten million of these.
public struct DomainEvent: Hashable, Sendable {
    /// When it happened.
    public var eventTime: SimTime
    /// When it reached the platform (≥ eventTime): engines see it only from then.
    public var arrivalTime: SimTime
    /// The user or customer the event belongs to.
    public var entity: Int32
    /// The other party: merchant, item or topic; -1 when there is none.
    public var item: Int32
    /// Money or magnitude: a transaction amount, a purchase value.
    public var amount: Double
    public var kind: EventKind

    public init(kind: EventKind, eventTime: SimTime, arrivalTime: SimTime, entity: Int32, item: Int32 = -1, amount: Double = 0) {
        self.kind = kind; self.eventTime = eventTime; self.arrivalTime = arrivalTime
        self.entity = entity; self.item = item; self.amount = amount
    }
}

public enum EventKind: UInt8, CaseIterable, Sendable {
    case authorization, purchase, login, supportTicket, publication, click, pageView
    public var name: String {
        switch self {
        case .authorization: "authorization"
        case .purchase: "purchase"
        case .login: "login"
        case .supportTicket: "support_ticket"
        case .publication: "publication"
        case .click: "click"
        case .pageView: "page_view"
        }
    }
}

/// The moment the business acts on a prediction, as an engine sees it: no
/// ground truth in here.
public struct DecisionRequest: Hashable, Sendable {
    /// Unique within a run, in decision-time order.
    public var id: Int64
    public var kind: DecisionKind
    /// When the business asks.
    public var time: SimTime
    /// The end of the action window: an answer after it is too late.
    public var deadline: SimTime
    /// The user or customer decided about; -1 for population-wide decisions (a campaign).
    public var entity: Int32
    /// A counterpart from the request itself (the merchant of an authorization); -1 if none.
    public var item: Int32
    /// An amount from the request itself (the authorization's amount).
    public var amount: Double
    /// How many items to rank, or how many customers a campaign may contact.
    public var slateSize: Int32

    public init(id: Int64, kind: DecisionKind, time: SimTime, deadline: SimTime, entity: Int32,
                item: Int32 = -1, amount: Double = 0, slateSize: Int32 = 0) {
        self.id = id; self.kind = kind; self.time = time; self.deadline = deadline
        self.entity = entity; self.item = item; self.amount = amount; self.slateSize = slateSize
    }
}

public enum DecisionKind: UInt8, CaseIterable, Sendable {
    /// Approve or block one card authorization.
    case authorization
    /// Pick up to `slateSize` customers to contact.
    case campaign
    /// Pick `slateSize` items for one user's email.
    case email
    /// Rank `slateSize` items for one page load.
    case pageLoad

    public var name: String {
        switch self {
        case .authorization: "authorization"
        case .campaign: "campaign"
        case .email: "email"
        case .pageLoad: "page_load"
        }
    }
}

/// The ground truth of one decision point; engines never see it, the ledger
/// scores against it.
public struct Truth: Hashable, Sendable {
    /// Fraud: the authorization happened inside a compromise episode.
    /// UI and recsys: the session's intent has shifted since the session began.
    /// Churn and digest: unused.
    public var label: Bool
    /// UI and recsys: the session's true intent at the decision; -1 otherwise.
    public var topic: Int32
    /// How many entities were positive at the decision (a campaign: customers at risk).
    public var positives: Int32
    /// A small latent vector at the decision, where the value model needs one
    /// (the user's interests when a digest is sent); empty otherwise.
    public var vector: [Float]
    /// What the business's default earns here (the generic list, the popular
    /// slate), when it depends on state the value model cannot re-derive; the
    /// value of a missing or late answer. 0 where the default earns nothing.
    public var defaultValue: Double

    public init(label: Bool = false, topic: Int32 = -1, positives: Int32 = 0, vector: [Float] = [],
                defaultValue: Double = 0) {
        self.label = label; self.topic = topic; self.positives = positives; self.vector = vector
        self.defaultValue = defaultValue
    }
}

/// A decision point: the request engines answer, and its truth.
public struct Decision: Hashable, Sendable {
    public var request: DecisionRequest
    public var truth: Truth

    public init(request: DecisionRequest, truth: Truth) {
        self.request = request; self.truth = truth
    }
}

/// One item of a workload's output, in non-decreasing event time (events) or
/// decision time (decisions).
public enum WorkloadItem: Hashable, Sendable {
    case event(DomainEvent)
    case decision(Decision)

    /// The time the item occurs in the world.
    public var time: SimTime {
        switch self {
        case .event(let e): e.eventTime
        case .decision(let d): d.request.time
        }
    }

    /// The entity it concerns; −1 for none (a catalogue publication, a campaign over the population).
    public var entity: Int32 {
        switch self {
        case .event(let e): e.entity
        case .decision(let d): d.request.entity
        }
    }
}

/// Produces a workload's items one at a time, so a day of ten million
/// authorizations never sits in memory.
public protocol WorkloadGenerator {
    /// The next item, or nil when the horizon is reached. Items come in
    /// non-decreasing `time`.
    mutating func next() -> WorkloadItem?
}

/// What an engine decided, for the value model to score.
public enum Action: Hashable, Sendable {
    case approve
    case block
    /// Items for a user, best first (email, page load).
    case ranking([Int32])
    /// Customers to contact (campaign).
    case contact([Int32])
}

/// How an action's worth decays with the delay between the decision point
/// and the action, as the scenario declares it (the report overlays it on
/// the measured decay).
public enum ValueDecay: Hashable, Sendable {
    /// Full worth up to the deadline, nothing after (authorizations, page loads, emails).
    case deadline
    /// Worth halves every `halfLife` of delay since the onset it responds to.
    case halfLife(SimDuration)

    /// The fraction of worth left after `delay`.
    public func remaining(after delay: SimDuration, window: SimDuration) -> Double {
        switch self {
        case .deadline: return delay <= window ? 1 : 0
        case .halfLife(let h): return delay <= .zero ? 1 : Double.pow(0.5, delay.seconds / h.seconds)
        }
    }
}
