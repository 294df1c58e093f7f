import Atomics
import Engines
import Foundation
import Hummingbird
import HummingbirdTesting
import Live
import NIOCore
import ScenarioSpec
import SimKernel
import Testing
import Workloads

@Suite(.serialized) struct PredictionServerTests {
    @Test(arguments: WorkloadKind.allCases)
    func roundTripForEveryWorkload(_ kind: WorkloadKind) async throws {
        let model = try LiveFixtures.model(kind)
        let server = PredictionServer(model: model)
        let bodies = try LiveFixtures.bodies(kind, count: 20)
        #expect(!bodies.isEmpty)
        let app = Application(responder: server.responder())
        try await app.test(.router) { client in
            for body in bodies.prefix(10) {
                try await client.execute(uri: "/predict/\(kind.rawValue)", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    let json = jsonObject(response.body.readableBytesView)
                    let action = json["action"] as? String
                    #expect(json["model_version"] as? String == model.state.decider.version)
                    #expect(json["features_as_of_us"] as? Int64 == model.state.featuresAsOf.microseconds)
                    #expect(json["latency_us"] is Int)
                    #expect(json["fallback"] as? Bool == false)
                    switch kind {
                    case .fraud: #expect(action == "approve" || action == "block")
                    case .churn: #expect(action == "contact")
                    default: #expect(action == "ranking"); #expect((json["items"] as? [Int])?.isEmpty == false)
                    }
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(jsonObject(response.body.readableBytesView)["workload"] as? String == kind.rawValue)
            }
        }
    }

    /// The server answers exactly what the engine decides in simulation for
    /// the same request at the same moment, from the same online store.
    @Test(arguments: [WorkloadKind.fraud, .churn, .ui])
    func servedPredictionsEqualTheEnginesSimulatedOnes(_ kind: WorkloadKind) async throws {
        let simulation = try LiveFixtures.simulation(kind)
        let model = try LiveFixtures.model(kind)
        let engine = try #require(simulation.engines.first as? RealTimeEngine)
        let bodies = try LiveFixtures.bodies(kind, count: 40)
        // The engine's own decide, as the simulation calls it, at the moment the server was frozen.
        var expected: [(body: String, answer: Answer)] = []
        for body in bodies {
            var request = try Array(body.utf8).withUnsafeBytes { try PredictionWire.request($0, workload: kind) }
            request.time = model.state.now
            request.deadline = model.state.now + .hours(1)
            simulation.context.now = model.state.now
            let simulated = engine.decide(request, simulation.context)
            if !simulated.fallback { expected.append((body, simulated)) }
        }
        let compared = expected.count
        let cases = expected
        let app = Application(responder: PredictionServer(model: model).responder())
        try await app.test(.router) { client in
            for (body, simulated) in cases {
                try await client.execute(uri: "/predict/\(kind.rawValue)", method: .post, body: ByteBuffer(string: body)) { response in
                    let json = jsonObject(response.body.readableBytesView)
                    let score = (json["score"] as? Double).map(Float.init)
                    #expect(score == simulated.score, "score for \(body)")
                    switch simulated.action {
                    case .approve?: #expect(json["action"] as? String == "approve")
                    case .block?: #expect(json["action"] as? String == "block")
                    case .ranking(let items)?, .contact(let items)?: #expect((json["items"] as? [Int])?.map(Int32.init) == items)
                    case nil: #expect(json["action"] as? String == "default")
                    }
                    #expect(json["model_version"] as? String == simulated.modelVersion)
                    #expect(json["features_as_of_us"] as? Int64 == simulated.featuresAsOf?.microseconds)
                }
            }
        }
        #expect(compared >= min(bodies.count, 10), "compared \(compared) answers")
    }

    @Test func badInputIs400WithAJSONError() async throws {
        let app = Application(responder: PredictionServer(model: try LiveFixtures.model(.fraud)).responder())
        let cases: [(String, String)] = [
            ("{\"entity\": 1, \"item\": 2", "malformed JSON"),
            ("not json", "malformed JSON"),
            ("[1, 2]", "malformed JSON"),
            ("{\"entity\": 1, \"amount\": 3}", "missing field 'item'"),
            ("{\"entity\": \"one\", \"item\": 2, \"amount\": 3}", "field 'entity' must be an integer"),
            ("{\"entity\": 1.5, \"item\": 2, \"amount\": 3}", "field 'entity' must be an integer"),
            ("{\"entity\": 1, \"item\": 2, \"amount\": -3}", "field 'amount' must be a non-negative number"),
            ("{\"entity\": 1, \"item\": 2, \"amount\": null}", "field 'amount' must be a non-negative number"),
        ]
        try await app.test(.router) { client in
            for (body, message) in cases {
                try await client.execute(uri: "/predict/fraud", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    let error = jsonObject(response.body.readableBytesView)["error"] as? String ?? ""
                    #expect(error.contains(message), "\(body) → \(error)")
                }
            }
            try await client.execute(uri: "/predict/churn", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func unknownEntityGetsTheEnginesFallbackFlagged() async throws {
        let server = PredictionServer(model: try LiveFixtures.model(.fraud))
        try await Application(responder: server.responder()).test(.router) { client in
            let body = #"{"id": 5, "entity": 2000000000, "item": 1, "amount": 10}"#
            try await client.execute(uri: "/predict/fraud", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let json = jsonObject(response.body.readableBytesView)
                #expect(json["fallback"] as? Bool == true)
                #expect(json["action"] as? String == "default")
                #expect(json["id"] as? Int == 5)
            }
        }
        #expect(server.metrics.prometheus(storeEntities: 0, workload: "fraud", modelVersion: "").contains("tempo_fallbacks_total 1"))
    }

    @Test func fullInFlightBoundAnswers503AndRecovers() async throws {
        let server = PredictionServer(model: try LiveFixtures.model(.fraud), options: .init(maxInFlight: 2))
        let body = try LiveFixtures.bodies(.fraud, count: 1)[0]
        try await Application(responder: server.responder()).test(.router) { client in
            // Two requests in hand (held here as a slow handler would hold them): the bound is full.
            #expect(server.limiter.tryAcquire() && server.limiter.tryAcquire())
            try await client.execute(uri: "/predict/fraud", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect((jsonObject(response.body.readableBytesView)["error"] as? String)?.contains("in flight") == true)
            }
            server.limiter.release()
            try await client.execute(uri: "/predict/fraud", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
            }
            server.limiter.release()
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("tempo_requests_total{status=\"503\"} 1"))
                #expect(text.contains("tempo_requests_total{status=\"200\"} 1"))
                #expect(text.contains("tempo_in_flight_requests 0"))
                #expect(text.contains("tempo_request_duration_seconds_count 1"))
                #expect(text.contains("tempo_online_store_entities "))
            }
        }
        #expect(server.metrics.inFlight.load(ordering: .relaxed) == 0)
    }

    @Test func oversizedBodyIs413() async throws {
        let server = PredictionServer(model: try LiveFixtures.model(.fraud))
        try await Application(responder: server.responder()).test(.router) { client in
            let body = "{\"pad\": \"" + String(repeating: "x", count: 70_000) + "\"}"
            try await client.execute(uri: "/predict/fraud", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}
