import Engines
import ScenarioSpec
import SimKernel
import Workloads

/// The JSON of `POST /predict/<workload>`: a decision payload in, the
/// engine's answer out. One format for the server, the load generator and
/// the tests.
///
///     → {"id": 1, "entity": 4711, "item": 93, "amount": 42.5}               (fraud: item is the merchant)
///     ← {"id":1,"action":"approve","score":0.0123,"model_version":"lr-…",
///        "features_as_of_us":86399512000,"latency_us":9,"fallback":false}
///
/// | workload | required | optional |
/// |---|---|---|
/// | fraud | `entity`, `item`, `amount` | `id` |
/// | churn | `slate_size` (the campaign's budget) | `id` |
/// | digest, ui, recsys | `entity`, `slate_size` | `id`, `item` |
///
/// Unknown members are ignored. A missing or mistyped required member is a
/// `BadRequest` naming it.
public enum PredictionWire {
    public struct BadRequest: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
        /// `{"error": "…"}`.
        public var json: String { #"{"error":"# + quote(message) + "}" }
    }

    /// The members a workload's requests must carry.
    public static func requiredFields(_ kind: WorkloadKind) -> [String] {
        switch kind {
        case .fraud: ["entity", "item", "amount"]
        case .churn: ["slate_size"]
        case .digest, .ui, .recsys: ["entity", "slate_size"]
        }
    }

    /// Decodes a payload into the request the engine decides on (its time is
    /// set by the server).
    public static func request(_ body: UnsafeRawBufferPointer, workload kind: WorkloadKind) throws(BadRequest) -> DecisionRequest {
        let object: FlatJSON
        do { object = try FlatJSON.parse(body) } catch {
            throw BadRequest("malformed JSON at byte \(error.offset): \(error.message)")
        }
        let required = requiredFields(kind)
        for field in required where object.value(field) == nil {
            throw BadRequest("missing field '\(field)'; a \(kind.rawValue) request needs " + required.map { "'\($0)'" }.joined(separator: ", "))
        }
        func integer<T: FixedWidthInteger>(_ field: String, _ type: T.Type, in range: ClosedRange<T>, default value: T) throws(BadRequest) -> T {
            guard let v = object.value(field) else { return value }
            guard case .number(let x) = v, x.rounded() == x, x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
                throw BadRequest("field '\(field)' must be an integer in \(range.lowerBound)...\(range.upperBound), found \(v.describe)")
            }
            return T(x)
        }
        let id = try integer("id", Int64.self, in: 0...(1 << 53), default: 0)
        let entity = try integer("entity", Int32.self, in: Int32.min...Int32.max, default: -1)
        let item = try integer("item", Int32.self, in: Int32.min...Int32.max, default: -1)
        let slate = try integer("slate_size", Int32.self, in: 1...1_000_000, default: 0)
        var amount = 0.0
        if let v = object.value("amount") {
            guard case .number(let x) = v, x >= 0, x.isFinite else {
                throw BadRequest("field 'amount' must be a non-negative number, found \(v.describe)")
            }
            amount = x
        }
        let decisionKind: DecisionKind = switch kind {
        case .fraud: .authorization
        case .churn: .campaign
        case .digest: .email
        case .ui, .recsys: .pageLoad
        }
        return DecisionRequest(id: id, kind: decisionKind, time: .zero, deadline: .zero,
                               entity: kind == .churn ? -1 : entity, item: item, amount: amount, slateSize: slate)
    }

    /// The payload for a request (what the load generator sends).
    public static func body(_ r: DecisionRequest, workload kind: WorkloadKind) -> String {
        switch kind {
        case .fraud: #"{"id":\#(r.id),"entity":\#(r.entity),"item":\#(r.item),"amount":\#(r.amount)}"#
        case .churn: #"{"id":\#(r.id),"slate_size":\#(r.slateSize)}"#
        case .digest, .ui, .recsys: #"{"id":\#(r.id),"entity":\#(r.entity),"slate_size":\#(r.slateSize)}"#
        }
    }

    /// The answer as JSON. `latencyMicroseconds` is the server's own time on the request.
    public static func response(_ a: Answer, id: Int64, latencyMicroseconds: Int64) -> String {
        var out = #"{"id":"#
        out.reserveCapacity(192)
        out += String(id)
        out += #","action":"#
        var list: [Int32]?
        switch a.action {
        case .approve?: out += #""approve""#
        case .block?: out += #""block""#
        case .ranking(let items)?: out += #""ranking""#; list = items
        case .contact(let ids)?: out += #""contact""#; list = ids
        case nil: out += #""default""#
        }
        if let list {
            out += #","items":["#
            for (i, x) in list.enumerated() {
                if i > 0 { out += "," }
                out += String(x)
            }
            out += "]"
        }
        out += #","score":"#
        if let s = a.score, s.isFinite { out += s.description } else { out += "null" }
        out += #","model_version":"# + quote(a.modelVersion)
        out += #","features_as_of_us":"#
        out += a.featuresAsOf.map { String($0.microseconds) } ?? "null"
        out += #","latency_us":"# + String(latencyMicroseconds)
        out += a.fallback ? #","fallback":true}"# : #","fallback":false}"#
        return out
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
                else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension FlatJSON.Value {
    var describe: String {
        if case .number(let x) = self { return x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        return typeName
    }
}
