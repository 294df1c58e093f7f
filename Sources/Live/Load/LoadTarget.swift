import Foundation

/// Where `tempo load` sends its requests: an `http://host:port/path` URL,
/// refused unless the host is on this machine (loopback) or the caller
/// explicitly allows a remote one.
///
///     let target = try LoadTarget(parsing: "http://127.0.0.1:8080/predict/fraud")
///     target.workloadName      // "fraud"
public struct LoadTarget: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let path: String

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init(parsing text: String, allowRemote: Bool = false) throws(Invalid) {
        guard let url = URL(string: text), url.scheme == "http", let host = url.host, !host.isEmpty else {
            throw Invalid(description: "expected a URL like http://127.0.0.1:8080/predict/fraud, found '\(text)' (only plain http is supported)")
        }
        self.host = host
        port = url.port ?? 80
        path = url.path.isEmpty ? "/" : url.path + (url.query.map { "?" + $0 } ?? "")
        if !allowRemote && !Self.isLoopback(host) {
            throw Invalid(description: "'\(host)' is not a loopback address; tempo load only targets this machine (127.0.0.0/8, ::1, localhost) unless given --allow-remote")
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    /// The workload a `/predict/<workload>` path names, if it does.
    public var workloadName: String? {
        let parts = path.split(separator: "/")
        guard parts.count == 2, parts[0] == "predict" else { return nil }
        return String(parts[1].prefix { $0 != "?" })
    }

    public var description: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)" }

    /// One complete HTTP/1.1 request with `body`, keep-alive.
    public func post(_ body: String) -> String {
        "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }
}
