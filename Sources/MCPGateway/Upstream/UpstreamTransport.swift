/// A message pipe to one upstream MCP server: the gateway writes JSON-RPC messages and reads the
/// server's messages as a stream that ends when the server is gone.
public protocol UpstreamTransport: Sendable {
    /// Starts the transport (spawns the process, checks the URL) and returns the server's messages.
    /// The stream finishes when the server exits or the connection is lost.
    func start() async throws -> AsyncStream<JSONRPCMessage>
    /// Sends one message to the server. Returns what the server answered within the exchange
    /// itself (an HTTP POST answered with a JSON body), for the caller to handle at once, without
    /// a trip through the stream; a transport whose answers all come on the stream returns [].
    func send(_ message: JSONRPCMessage) async throws -> [JSONRPCMessage]
    /// Records the protocol version negotiated with the server (HTTP sends it as a header).
    func negotiated(protocolVersion: String) async
    /// Ends the transport: the process is stopped, the HTTP session deleted.
    func close() async
}

extension UpstreamTransport {
    /// Does nothing: most transports carry no version outside the messages.
    public func negotiated(protocolVersion: String) async {}
}

/// An upstream that failed: it did not start, it exited, or it answered with something unusable.
public struct UpstreamError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case launchFailed, exited, closed, httpStatus, invalidResponse, initializeFailed, timedOut
    }

    private let kind: Kind
    /// Details for the log: the command, the URL, the status, what the server said.
    public let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The process could not be started.
    public static func launchFailed(_ detail: String) -> UpstreamError { UpstreamError(.launchFailed, detail) }
    /// The process exited or its output closed.
    public static func exited(_ detail: String) -> UpstreamError { UpstreamError(.exited, detail) }
    /// The transport was closed by the gateway.
    public static let closed = UpstreamError(.closed, "closed")
    /// An HTTP upstream answered with an unexpected status.
    public static func httpStatus(_ status: Int, _ detail: String = "") -> UpstreamError {
        UpstreamError(.httpStatus, "HTTP \(status) \(detail)")
    }
    /// The upstream sent something that is not JSON-RPC.
    public static func invalidResponse(_ detail: String) -> UpstreamError { UpstreamError(.invalidResponse, detail) }
    /// The `initialize` handshake failed.
    public static func initializeFailed(_ detail: String) -> UpstreamError { UpstreamError(.initializeFailed, detail) }
    /// The upstream did not answer in time.
    public static func timedOut(_ detail: String) -> UpstreamError { UpstreamError(.timedOut, detail) }

    /// A short label without details, safe as a metric label.
    public var shortDescription: String {
        switch kind {
        case .launchFailed: return "launch failed"
        case .exited: return "exited"
        case .closed: return "closed"
        case .httpStatus: return "http status"
        case .invalidResponse: return "invalid response"
        case .initializeFailed: return "initialize failed"
        case .timedOut: return "timed out"
        }
    }

    /// `short: detail`.
    public var description: String { "\(shortDescription): \(detail)" }
}
