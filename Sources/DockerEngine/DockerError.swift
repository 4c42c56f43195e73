import Foundation

/// A failed Docker Engine call: the engine answered with an error status (its `message` kept
/// verbatim), no engine answered at the endpoint, a progress stream reported an error, or an
/// answer could not be decoded. Carries the method and path of the request.
public struct DockerError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case engine(status: Int, message: String)
        case unreachable(endpoint: String, socket: SocketState, detail: String)
        case streamError(String)
        case decoding(type: String, underlying: String, excerpt: String)
        case unsupportedVersion(server: String, minimum: String)
        case invalidEndpoint(String)
        case invalidArgument(String)
    }

    /// What the client found at a unix socket's path when nothing answered.
    private enum SocketState: Sendable {
        case notASocketEndpoint, missing, notAllowed, present
    }

    private let kind: Kind
    /// The request's method; empty for errors raised before any request.
    public let method: String
    /// The request's path, with its version prefix and query; empty for errors raised before any request.
    public let path: String

    private init(_ kind: Kind, method: String = "", path: String = "") {
        self.kind = kind
        self.method = method
        self.path = path
    }

    static func engine(status: Int, body: Data, method: String, path: String) -> DockerError {
        struct Body: Decodable { var message: String? }
        let message = (try? JSONDecoder().decode(Body.self, from: body))?.message
            ?? String(decoding: body.prefix(1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DockerError(.engine(status: status, message: message.isEmpty ? "HTTP \(status)" : message), method: method, path: path)
    }

    static func unreachable(_ endpoint: DockerEndpoint, detail: String, method: String, path: String) -> DockerError {
        var socket = SocketState.notASocketEndpoint
        if let path = endpoint.unixSocketPath {
            if !FileManager.default.fileExists(atPath: path) {
                socket = .missing
            } else {
                socket = access(path, R_OK | W_OK) == 0 ? .present : .notAllowed
            }
        }
        return DockerError(.unreachable(endpoint: endpoint.description, socket: socket, detail: detail), method: method, path: path)
    }

    static func streamError(_ message: String, method: String, path: String) -> DockerError {
        DockerError(.streamError(message), method: method, path: path)
    }

    static func decoding(_ type: Any.Type, error: any Error, data: Data, method: String, path: String) -> DockerError {
        let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
        return DockerError(.decoding(type: String(describing: type), underlying: String(describing: error), excerpt: excerpt), method: method, path: path)
    }

    static func unsupportedVersion(server: DockerAPIVersion, minimum: DockerAPIVersion) -> DockerError {
        DockerError(.unsupportedVersion(server: server.description, minimum: minimum.description))
    }

    static func invalidEndpoint(_ why: String) -> DockerError { DockerError(.invalidEndpoint(why)) }

    static func invalidArgument(_ why: String) -> DockerError { DockerError(.invalidArgument(why)) }

    /// The HTTP status the engine answered with; nil when there was no answer.
    public var status: Int? {
        if case .engine(let status, _) = kind { return status }
        return nil
    }

    /// The engine's own message (`No such container: x`), or this client's explanation.
    public var message: String {
        switch kind {
        case .engine(_, let message), .streamError(let message): return message
        case .unreachable(let endpoint, let socket, let detail):
            var text = "no Docker engine answers on \(endpoint) (\(detail))"
            switch socket {
            case .missing: text += "; the socket does not exist"
            case .notAllowed: return text + "; this user may not use the socket: run as root or join the docker group"
            case .present: text += "; the socket exists but nothing accepts connections (a stale socket of a stopped engine?)"
            case .notASocketEndpoint: break
            }
            return text + ". Start one with `sudo dockerd` or `systemctl start docker` (or run hack/docker.sh), or point DOCKER_HOST at a running engine"
        case .decoding(let type, let underlying, let excerpt):
            return "could not decode \(type): \(underlying); input began: \(excerpt)"
        case .unsupportedVersion(let server, let minimum):
            return "the Docker engine speaks API \(server), older than the \(minimum) this client needs; upgrade Docker"
        case .invalidEndpoint(let why), .invalidArgument(let why): return why
        }
    }

    /// 404: no such container, image, network or volume.
    public var isNotFound: Bool { status == 404 }
    /// 409: a name in use, or an object in a state that forbids the call (removing a running container).
    public var isConflict: Bool { status == 409 }
    /// 304: the container was already started or stopped.
    public var isNotModified: Bool { status == 304 }
    /// No engine answered at the endpoint (not running, wrong socket, no permission).
    public var isEngineUnreachable: Bool {
        if case .unreachable = kind { return true }
        return false
    }

    /// A label without associated values, safe for metrics.
    public var shortDescription: String {
        switch kind {
        case .engine(let status, _): return "engine_\(status)"
        case .unreachable: return "unreachable"
        case .streamError: return "stream_error"
        case .decoding: return "decoding"
        case .unsupportedVersion: return "unsupported_version"
        case .invalidEndpoint: return "invalid_endpoint"
        case .invalidArgument: return "invalid_argument"
        }
    }

    public var description: String {
        let request = method.isEmpty ? "" : "\(method) \(path): "
        if let status { return "\(request)\(status) \(message)" }
        return request + message
    }
}
