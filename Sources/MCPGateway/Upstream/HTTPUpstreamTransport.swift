import ControlPlaneHTTP
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// An upstream MCP server reached over Streamable HTTP: each message is a POST, answered with
/// `application/json` or a `text/event-stream`; the `Mcp-Session-Id` the server issues is sent on
/// every later request, and a GET stream carries what the server sends on its own.
public final class HTTPUpstreamTransport: UpstreamTransport {
    /// The MCP endpoint.
    public let url: String
    private let target: MinimalHTTPClient.Target
    private let client = MinimalHTTPClient()
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var continuation: AsyncStream<JSONRPCMessage>.Continuation?
        var sessionID: String?
        var protocolVersion: String?
        var listenTask: Task<Void, Never>?
        var closed = false
    }

    /// A transport to the Streamable HTTP endpoint at `url` (http:// only).
    public init(url: String, http: ControlPlaneHTTP.HTTPTransport, logger: Logger) throws {
        self.url = url
        target = try MinimalHTTPClient.Target(url: url)
        self.logger = logger
    }

    public func start() async throws -> AsyncStream<JSONRPCMessage> {
        let (stream, continuation) = AsyncStream<JSONRPCMessage>.makeStream(bufferingPolicy: .unbounded)
        state.withLockedValue { $0.continuation = continuation }
        return stream
    }

    public func send(_ message: JSONRPCMessage) async throws {
        guard !state.withLockedValue({ $0.closed }) else { throw UpstreamError.closed }
        if message.method == "initialize" {
            // The session id must be known before anything follows the handshake.
            await post(message)
        } else {
            Task { await self.post(message) }
        }
    }

    public func negotiated(protocolVersion: String) async {
        let shouldListen = state.withLockedValue { state -> Bool in
            state.protocolVersion = protocolVersion
            return state.listenTask == nil && !state.closed
        }
        guard shouldListen else { return }
        let task = Task { await self.listen() }
        state.withLockedValue { $0.listenTask = task }
    }

    public func close() async {
        let (sessionID, task, continuation) = state.withLockedValue { state in
            state.closed = true
            defer { state.continuation = nil; state.listenTask = nil }
            return (state.sessionID, state.listenTask, state.continuation)
        }
        task?.cancel()
        continuation?.finish()
        if let sessionID {
            _ = try? await client.execute(.DELETE, target, headers: [("Mcp-Session-Id", sessionID)]) { _, _ in () }
        }
    }

    private var commonHeaders: [(String, String)] {
        state.withLockedValue { state in
            var headers: [(String, String)] = []
            if let sessionID = state.sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
            if let version = state.protocolVersion { headers.append(("MCP-Protocol-Version", version)) }
            return headers
        }
    }

    private func deliver(_ message: JSONRPCMessage) {
        _ = state.withLockedValue { $0.continuation }?.yield(message)
    }

    private func lost(_ reason: String) {
        logger.warning("HTTP upstream lost", metadata: ["url": "\(url)", "reason": "\(reason)"])
        let continuation = state.withLockedValue { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.finish()
    }

    private func post(_ message: JSONRPCMessage) async {
        let headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")] + commonHeaders
        let hadSession = state.withLockedValue { $0.sessionID != nil }
        do {
            try await client.execute(.POST, target, headers: headers, body: message.renderedBytes()) { head, body in
                if let sessionID = head.headers.first(name: "mcp-session-id") {
                    state.withLockedValue { if $0.sessionID == nil { $0.sessionID = sessionID } }
                }
                switch head.status {
                case 200:
                    try await readMessages(head: head, body: &body)
                case 202, 204:
                    break
                case 404 where hadSession:
                    lost("the upstream session expired")
                default:
                    let text = String(decoding: try await body.collect(limit: 4096), as: UTF8.self)
                    fail(message, with: .upstreamUnavailable("HTTP \(head.status)"), detail: text)
                }
            }
        } catch {
            fail(message, with: .upstreamUnavailable("connection failed"), detail: "\(error)")
        }
    }

    private func fail(_ message: JSONRPCMessage, with error: JSONRPCError, detail: String) {
        logger.warning("HTTP upstream request failed", metadata: ["url": "\(url)", "method": "\(message.method ?? "response")", "detail": "\(detail)"])
        if case .request(let id, _, _) = message { deliver(.errorResponse(id: id, error: error)) }
    }

    private func readMessages(head: MinimalHTTPClient.Head, body: inout MinimalHTTPClient.Body) async throws {
        if head.mediaType == "text/event-stream" {
            var parser = SSEParser()
            while let chunk = try await body.next() {
                for event in parser.feed(chunk.readableBytesView) where event.event == "message" {
                    decode(Array(event.data.utf8))
                }
            }
        } else {
            decode(try await body.collect())
        }
    }

    private func decode(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        guard case .success(let payload) = JSONRPCPayload.decode(bytes) else {
            logger.warning("HTTP upstream sent something that is not JSON", metadata: ["url": "\(url)"])
            return
        }
        for element in payload.elements {
            if case .success(let message) = element { deliver(message) }
        }
    }

    /// Holds the GET stream open for server-initiated messages; stops when the server does not offer one.
    private func listen() async {
        var failures = 0
        while !Task.isCancelled, failures < 5, !state.withLockedValue({ $0.closed }) {
            let headers = [("Accept", "text/event-stream")] + commonHeaders
            do {
                let keepGoing = try await client.execute(.GET, target, headers: headers) { head, body -> Bool in
                    guard head.status == 200, head.mediaType == "text/event-stream" else { return false }
                    try await readMessages(head: head, body: &body)
                    return true
                }
                guard keepGoing else { return }
                failures = 0
            } catch {
                failures += 1
                try? await Task.sleep(for: .milliseconds(200 * failures))
            }
        }
    }
}

extension HTTPUpstreamTransport {
    public static func validate(url: String) throws { _ = try MinimalHTTPClient.Target(url: url) }
}
