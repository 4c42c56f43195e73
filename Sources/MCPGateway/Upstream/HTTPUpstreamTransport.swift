import ControlPlaneHTTP
import Foundation
import Logging
import NIOConcurrencyHelpers

/// An upstream MCP server reached over Streamable HTTP (`http://` or `https://`): each message is
/// a POST, answered with `application/json` or a `text/event-stream`; the `Mcp-Session-Id` the
/// server issues is sent on every later request, and a GET stream carries what the server sends
/// on its own. Requests go through a shared `HTTPTransport`, so connections are kept alive and
/// reused across messages and sessions, and TLS follows the transport's settings.
public final class HTTPUpstreamTransport: UpstreamTransport {
    /// The MCP endpoint.
    public let url: String
    private let http: HTTPTransport
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var continuation: AsyncStream<JSONRPCMessage>.Continuation?
        var sessionID: String?
        var protocolVersion: String?
        var listenTask: Task<Void, Never>?
        var closed = false
        /// The `initialize` request as the connection sent it, replayed when the session expires.
        var initialize: JSONRPCMessage?
        /// A session renewal under way, which concurrent callers that also got 404 wait for.
        var renewal: (expired: String, task: Task<Bool, Never>)?
    }

    /// A transport to the Streamable HTTP endpoint at `url`, sending through `http`.
    /// - Throws: `UpstreamError.launchFailed` when `url` is not an absolute http or https URL.
    public init(url: String, http: HTTPTransport, logger: Logger) throws {
        try Self.validate(url: url)
        self.url = url
        self.http = http
        self.logger = logger
    }

    /// Checks that `url` is an absolute `http://` or `https://` URL with a host.
    public static func validate(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw UpstreamError.launchFailed("unsupported upstream URL \(url) (http:// or https:// with a host)") }
    }

    public func start() async throws -> AsyncStream<JSONRPCMessage> {
        let (stream, continuation) = AsyncStream<JSONRPCMessage>.makeStream(bufferingPolicy: .unbounded)
        state.withLockedValue { $0.continuation = continuation }
        return stream
    }

    /// Posts `message`; returns when the exchange is over. A JSON answer is returned; what an
    /// event stream carries (progress, then the answer) goes to the message stream as it comes.
    public func send(_ message: JSONRPCMessage) async throws -> [JSONRPCMessage] {
        guard !state.withLockedValue({ $0.closed }) else { throw UpstreamError.closed }
        return await post(message)
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
            var headers = HTTPHeaders()
            headers.add("Mcp-Session-Id", sessionID)
            _ = try? await http.send(HTTPRequest(method: "DELETE", url: url, headers: headers, timeout: .seconds(5)))
        }
    }

    /// `base` with the protocol version and `session` (the id the caller read, so a 404 is known
    /// to be about that one).
    private func headers(_ base: HTTPHeaders, session: String?) -> HTTPHeaders {
        var headers = base
        if let session { headers.add("Mcp-Session-Id", session) }
        if let version = state.withLockedValue({ $0.protocolVersion }) { headers.add("MCP-Protocol-Version", version) }
        return headers
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

    private static let postHeaders: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]

    private func post(_ message: JSONRPCMessage, renewingAnExpiredSession: Bool = true) async -> [JSONRPCMessage] {
        let sentSession = state.withLockedValue { state -> String? in
            if case .request(_, "initialize", _) = message { state.initialize = message }
            return state.sessionID
        }
        let hadSession = sentSession != nil
        let request = HTTPRequest(method: "POST", url: url, headers: headers(Self.postHeaders, session: sentSession), body: Data(message.renderedBytes()))
        do {
            // Only an event stream is read as it comes; a JSON answer arrives whole, with the head.
            let response = try await http.streamChunks(request, streamWhen: Self.isEventStream)
            if let sessionID = response.headers["mcp-session-id"] {
                state.withLockedValue { if $0.sessionID == nil { $0.sessionID = sessionID } }
            }
            switch response.status {
            case 200:
                let (inline, answered) = try await readMessages(response, answering: message)
                guard answered else {
                    // The exchange is over and the request was not answered: no answer will come.
                    return inline + fail(message, with: .upstreamUnavailable("no answer"), detail: "the response ended without the answer")
                }
                return inline
            case 202, 204:
                return []
            case 404 where hadSession:
                // The spec: a client whose session is gone starts a new one with initialize.
                guard renewingAnExpiredSession, let sentSession, await renewSession(expired: sentSession) else {
                    lost("the upstream session expired")
                    return []
                }
                return await post(message, renewingAnExpiredSession: false)
            default:
                let text = String(decoding: try await Self.collect(response.records, limit: 4096), as: UTF8.self)
                return fail(message, with: .upstreamUnavailable("HTTP \(response.status)"), detail: text)
            }
        } catch {
            return fail(message, with: .upstreamUnavailable("connection failed"), detail: "\(error)")
        }
    }

    /// Starts a new upstream session after `expired` ended (404): replays the connection's
    /// `initialize` and sends `notifications/initialized`. Callers that hit the same expiry wait
    /// for one renewal. Returns whether a new session is in place.
    private func renewSession(expired: String) async -> Bool {
        let task = state.withLockedValue { state -> Task<Bool, Never>? in
            if let renewal = state.renewal, renewal.expired == expired { return renewal.task }
            guard state.sessionID == expired else { return nil }  // already renewed
            let task = Task { await self.performRenewal() }
            state.renewal = (expired, task)
            return task
        }
        guard let task else { return state.withLockedValue { $0.sessionID != nil } }
        return await task.value
    }

    private func performRenewal() async -> Bool {
        // The expired id stays in place until the new one is had: a request sent meanwhile gets
        // 404 under it and joins this renewal (with no id at all it could not).
        let initialize = state.withLockedValue { $0.initialize }
        guard case .request(_, let method, let params) = initialize else { return false }
        let replay = JSONRPCMessage.request(id: .string("gateway-renewal-\(UInt64.random(in: 1...UInt64.max))"), method: method, params: params)
        let request = HTTPRequest(method: "POST", url: url, headers: headers(Self.postHeaders, session: nil), body: Data(replay.renderedBytes()))
        do {
            let response = try await http.streamChunks(request, streamWhen: Self.isEventStream)
            guard response.status == 200, let sessionID = response.headers["mcp-session-id"] else { return false }
            guard try await readMessages(response, answering: replay).answered else { return false }
            state.withLockedValue { $0.sessionID = sessionID }
            _ = await post(.notification(method: "notifications/initialized", params: nil), renewingAnExpiredSession: false)
            logger.info("HTTP upstream session renewed", metadata: ["url": "\(url)"])
            return true
        } catch {
            logger.warning("HTTP upstream session renewal failed", metadata: ["url": "\(url)", "error": "\(error)"])
            return false
        }
    }

    /// Logs a failed exchange; a request's caller gets `error` as its answer.
    private func fail(_ message: JSONRPCMessage, with error: JSONRPCError, detail: String) -> [JSONRPCMessage] {
        logger.warning("HTTP upstream request failed", metadata: ["url": "\(url)", "method": "\(message.method ?? "response")", "detail": "\(detail)"])
        guard case .request(let id, _, _) = message else { return [] }
        return [.errorResponse(id: id, error: error)]
    }

    /// Every chunk of a body, concatenated, up to `limit` bytes.
    private static func collect(_ chunks: HTTPRecordStream, limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in chunks {
            guard bytes.count + chunk.count <= limit else { throw UpstreamError.invalidResponse("response larger than \(limit) bytes") }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// Whether the media type of `headers`' Content-Type (parameters aside) is `text/event-stream`.
    private static func isEventStream(_ headers: HTTPHeaders) -> Bool {
        let mediaType = (headers["content-type"] ?? "").split(separator: ";").first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "text/event-stream"
    }

    /// The messages of a response: an event stream's go to the message stream as they come (and
    /// none is returned); a JSON body's are returned. `answered` tells whether the answer to
    /// `request` (when it is one) was among them.
    private func readMessages(_ response: HTTPStreamResponse, answering request: JSONRPCMessage? = nil) async throws
        -> (inline: [JSONRPCMessage], answered: Bool) {
        var expected: JSONRPCID?
        if case .request(let id, _, _) = request { expected = id }
        func answers(_ message: JSONRPCMessage) -> Bool {
            switch message {
            case .response(let id, _): return id == expected
            case .errorResponse(let id, _): return id == expected
            default: return false
            }
        }
        if Self.isEventStream(response.headers) {
            var parser = SSEParser()
            var answered = expected == nil
            for try await chunk in response.records {
                for event in parser.feed(chunk) where event.event == "message" {
                    for message in decode(Array(event.data.utf8)) {
                        answered = answered || answers(message)
                        deliver(message)
                    }
                }
            }
            return ([], answered)
        }
        let messages = decode(try await Self.collect(response.records, limit: 64 << 20))
        return (messages, expected == nil || messages.contains(where: answers))
    }

    private func decode(_ bytes: [UInt8]) -> [JSONRPCMessage] {
        guard !bytes.isEmpty else { return [] }
        guard case .success(let payload) = JSONRPCPayload.decode(bytes) else {
            logger.warning("HTTP upstream sent something that is not JSON", metadata: ["url": "\(url)"])
            return []
        }
        return payload.elements.compactMap { if case .success(let message) = $0 { message } else { nil } }
    }

    /// Holds the GET stream open for server-initiated messages; stops when the server does not offer
    /// one. A 404 means the upstream session expired: the session is renewed (shared with any POST
    /// that found the same) and the stream reopened on the new one.
    private func listen() async {
        var failures = 0
        while !Task.isCancelled, failures < 5, !state.withLockedValue({ $0.closed }) {
            let sentSession = state.withLockedValue { $0.sessionID }
            let request = HTTPRequest(method: "GET", url: url, headers: headers(["Accept": "text/event-stream"], session: sentSession))
            do {
                let response = try await http.streamChunks(request)
                if response.status == 404, let sentSession {
                    guard await renewSession(expired: sentSession) else { return }
                    continue
                }
                guard response.status == 200, Self.isEventStream(response.headers) else { return }
                try await readMessages(response).inline.forEach(deliver)
                failures = 0
            } catch {
                failures += 1
                try? await Task.sleep(for: .milliseconds(200 * failures))
            }
        }
    }
}
