import Atomics
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Workloads

/// `tempo serve`: the frozen real-time engine behind a Hummingbird server.
///
///     let server = PredictionServer(model: try LiveModel.warmUp(plan), options: .init(port: 8080))
///     try await server.application().runService()     // until SIGTERM or SIGINT, then drains
///
/// - `POST /predict/<workload>`: a decision payload (`PredictionWire`) → the
///   engine's answer; 400 with `{"error": …}` for malformed JSON or a
///   missing or mistyped field, 404 for another workload, 413 for a body
///   over `maxBodyBytes`, 503 when `maxInFlight` requests are already in hand.
/// - `GET /healthz`: `{"status":"ok",…}` once warmed up (the server only listens then).
/// - `GET /metrics`: Prometheus text (`ServerMetrics`).
///
/// Against abusive clients every resource a client can make the server hold
/// is bounded: connections (`maxConnections`, then accept backpressure),
/// the time a request may take to arrive (`requestTimeout`), the time a
/// connection may sit idle (`idleTimeout`), body bytes (`maxBodyBytes`) and
/// requests in hand (`maxInFlight`, then 503). Tested in `ServerAbuseTests`.
///
/// The scoring path takes no lock: the model and online store are frozen
/// values read concurrently, the counters are relaxed atomics.
public struct PredictionServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var maxInFlight = 1024
        public var maxBodyBytes = 64 * 1024
        /// Open client connections at once; past it the server stops accepting until one closes.
        public var maxConnections = 1024
        /// A keep-alive connection with no request for this long is closed. Above the
        /// 60 s idle timeout common in load balancers, so they close first (nginx uses 75 s).
        public var idleTimeout: Duration = .seconds(75)
        /// A request must be answered within this long of its first byte (the
        /// first request: of connecting), or its connection is closed: bounds
        /// clients that trickle a request, and connections opened only to hold one.
        public var requestTimeout: Duration = .seconds(10)
        /// Event-loop threads (nil: one per core, the shared group).
        public var threads: Int?
        public init(host: String = "127.0.0.1", port: Int = 8080, maxInFlight: Int = 1024) {
            self.host = host; self.port = port; self.maxInFlight = maxInFlight
        }
    }

    public let model: LiveModel
    public let options: Options
    public let metrics: ServerMetrics
    public let limiter: InFlightLimiter

    /// The event loops the server runs on: its sockets and, through
    /// `executor`, its handlers.
    public let group: any EventLoopGroup
    public let executor: EventLoopExecutor

    public init(model: LiveModel, options: Options = .init()) {
        self.model = model
        self.options = options
        group = options.threads.map { MultiThreadedEventLoopGroup(numberOfThreads: max(1, $0)) } ?? MultiThreadedEventLoopGroup.singleton
        executor = options.threads == nil ? .shared : EventLoopExecutor(group: group)
        metrics = ServerMetrics()
        limiter = InFlightLimiter(limit: options.maxInFlight, counter: metrics.inFlight)
    }

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    /// The server's one responder: three fixed routes need no router, and
    /// the prediction path is the first comparison made.
    public struct Responder: HTTPResponder {
        public typealias Context = BasicRequestContext
        let server: PredictionServer
        let predictPath: String

        public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            let path = request.uri.path
            if request.method == .post {
                if path == predictPath { return try await server.predict(request) }
                if path.hasPrefix("/predict/") {
                    return server.error(.notFound, "this server serves \(predictPath), not \(path)")
                }
            } else if request.method == .get {
                switch path {
                case "/healthz": return server.health()
                case "/metrics": return server.metricsPage()
                default: break
                }
            }
            return server.error(.notFound, "no route for \(request.method) \(path); try POST \(predictPath), GET /healthz or GET /metrics")
        }
    }

    /// The responder, for an application or for Hummingbird's test framework.
    public func responder() -> Responder {
        Responder(server: self, predictPath: "/predict/\(model.workload.rawValue)")
    }

    func health() -> Response {
        let m = model
        let body = #"{"status":"ok","workload":"\#(m.workload.rawValue)","scenario":\#(PredictionWire.quote(m.scenario)),"# +
            #""engine":\#(PredictionWire.quote(m.engine)),"model_version":\#(PredictionWire.quote(m.state.decider.version)),"# +
            #""features_as_of_us":\#(m.state.featuresAsOf.microseconds),"online_store_entities":\#(m.state.storedEntities)}"#
        metrics.record(status: 200, microseconds: nil)
        return Response(status: .ok, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func metricsPage() -> Response {
        let text = metrics.prometheus(storeEntities: model.state.storedEntities, workload: model.workload.rawValue,
                                      modelVersion: model.state.decider.version)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The application bound to `options.host:port`; `onServerRunning` gets the bound port (useful with port 0).
    public func application(logger: Logger? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "tempo.serve")
        if logger == nil { log.logLevel = .warning }
        return Application(responder: responder(), server: GuardedHTTP1Channel.builder(options, metrics: metrics),
                           configuration: .init(address: .hostname(options.host, port: options.port), backlog: 1024,
                                                availableConnectionsDelegate: ConnectionCap(limit: options.maxConnections, metrics: metrics)),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                           eventLoopGroupProvider: .shared(group), logger: log)
    }

    func tooLarge() -> Response { error(.contentTooLarge, "request body over \(options.maxBodyBytes) bytes") }

    func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        metrics.record(status: status.code, microseconds: nil)
        return Response(status: status, headers: Self.jsonHeaders,
                        body: .init(byteBuffer: ByteBuffer(string: PredictionWire.BadRequest(message).json)))
    }

    func predict(_ request: Request) async throws -> Response {
        guard limiter.tryAcquire() else {
            return error(.serviceUnavailable, "over \(limiter.limit) requests in flight; retry later")
        }
        defer { limiter.release() }
        let start = NIODeadline.now()
        // A declared length over the bound is refused before a byte of the body is read.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > options.maxBodyBytes {
            return tooLarge()
        }
        let body: ByteBuffer
        // Any error but the bound's is the connection failing (closed by the
        // client or by the request timeout): nobody to answer, nothing to count.
        do { body = try await request.body.collect(upTo: options.maxBodyBytes) } catch is NIOTooManyBytesError {
            return tooLarge()
        }
        let decoded = body.withUnsafeReadableBytes { bytes -> Result<DecisionRequestBox, PredictionWire.BadRequest> in
            do throws(PredictionWire.BadRequest) {
                return .success(DecisionRequestBox(try PredictionWire.request(bytes, workload: model.workload)))
            } catch { return .failure(error) }
        }
        switch decoded {
        case .failure(let bad):
            return self.error(.badRequest, bad.message)
        case .success(let box):
            let answer = model.state.answer(box.request)
            let micros = (NIODeadline.now() - start).nanoseconds / 1_000
            let text = PredictionWire.response(answer, id: box.request.id, latencyMicroseconds: micros)
            metrics.record(status: 200, microseconds: micros, fallback: answer.fallback)
            return Response(status: .ok, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

/// A decoded request, carried out of a buffer closure.
struct DecisionRequestBox { let request: DecisionRequest; init(_ r: DecisionRequest) { request = r } }
