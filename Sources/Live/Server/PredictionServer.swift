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
    public func responder() -> Responder { Responder(server: self, predictPath: predictPath) }

    var predictPath: String { "/predict/\(model.workload.rawValue)" }

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
        return Application(responder: responder(), server: GuardedHTTP1Channel.builder(self),
                           configuration: .init(address: .hostname(options.host, port: options.port), backlog: 1024,
                                                availableConnectionsDelegate: ConnectionCap(limit: options.maxConnections, metrics: metrics)),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                           eventLoopGroupProvider: .shared(group), logger: log)
    }

    func error(_ status: HTTPResponse.Status, _ message: String) -> Response { response(failure(status, message)) }

    func response(_ answer: Reply) -> Response {
        Response(status: answer.status, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(string: answer.json)))
    }

    func predict(_ request: Request) async throws -> Response {
        guard limiter.tryAcquire() else { return response(overloaded()) }
        defer { limiter.release() }
        let start = NIODeadline.now()
        // A declared length over the bound is refused before a byte of the body is read.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > options.maxBodyBytes {
            return response(tooLarge())
        }
        let body: ByteBuffer
        // Any error but the bound's is the connection failing (closed by the
        // client or by the request timeout): nobody to answer, nothing to count.
        do { body = try await request.body.collect(upTo: options.maxBodyBytes) } catch is NIOTooManyBytesError {
            return response(tooLarge())
        }
        return response(body.withUnsafeReadableBytes { answer(toBody: $0, since: start) })
    }

    /// An answer as a status and its JSON body. The functions below make
    /// them, each counted in the metrics: the responder above and
    /// `PredictFastPath` both send these.
    typealias Reply = (status: HTTPResponse.Status, json: String)

    /// The answer to a prediction request's body: 200 with the engine's
    /// answer, or 400 saying what is wrong with the payload.
    func answer(toBody bytes: UnsafeRawBufferPointer, since start: NIODeadline) -> Reply {
        let request: DecisionRequest
        do throws(PredictionWire.BadRequest) {
            request = try PredictionWire.request(bytes, workload: model.workload)
        } catch { return failure(.badRequest, error.message) }
        let answer = model.state.answer(request)
        let micros = (NIODeadline.now() - start).nanoseconds / 1_000
        metrics.record(status: 200, microseconds: micros, fallback: answer.fallback)
        return (.ok, PredictionWire.response(answer, id: request.id, latencyMicroseconds: micros))
    }

    func overloaded() -> Reply {
        failure(.serviceUnavailable, "over \(limiter.limit) requests in flight; retry later")
    }

    func tooLarge() -> Reply {
        failure(.contentTooLarge, "request body over \(options.maxBodyBytes) bytes")
    }

    func failure(_ status: HTTPResponse.Status, _ message: String) -> Reply {
        metrics.record(status: status.code, microseconds: nil)
        return (status, PredictionWire.BadRequest(message).json)
    }
}

