import HTTPTypes
import Hummingbird
import NIOCore

/// Builders for the gateway's HTTP answers: JSON-RPC bodies, plain errors, and SSE streams fed from
/// a session's outbox.
enum HTTPReplies {
    static let sessionIDHeader = HTTPField.Name("Mcp-Session-Id")!
    static let protocolVersionHeader = HTTPField.Name("MCP-Protocol-Version")!
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!
    static let keepAliveInterval: Duration = .seconds(10)

    /// A JSON body.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.renderedBytes())))
    }

    /// An HTTP error whose body is a JSON-RPC error response with a null id.
    static func error(_ status: HTTPResponse.Status, code: Int, message: String, headers: HTTPFields = [:]) -> Response {
        json(JSONRPCMessage.errorResponse(id: nil, error: JSONRPCError(code: code, message: message)).json, status: status, headers: headers)
    }

    /// The answer to a session that could not be opened: 503 with `Retry-After` when the
    /// gateway holds its maximum of sessions, 502 when the upstream is unavailable.
    static func sessionNotOpened(_ error: any Error) -> Response {
        if let limit = error as? SessionLimitReached {
            return HTTPReplies.error(.serviceUnavailable, code: JSONRPCError.sessionErrorCode,
                                     message: "Too many sessions: the gateway's limit of \(limit.limit) is reached; retry later",
                                     headers: [.retryAfter: String(SessionLimitReached.retryAfterSeconds)])
        }
        return HTTPReplies.error(.badGateway, code: JSONRPCError.upstreamUnavailableCode, message: "Upstream unavailable")
    }

    /// 200 with a JSON-RPC message or batch of messages, as JSON or as one SSE stream.
    static func messages(_ messages: [JSONRPCMessage], batch: Bool, asEventStream: Bool, headers: HTTPFields = [:]) -> Response {
        let value: JSONValue = batch ? .array(messages.map(\.json)) : (messages.first?.json ?? .null)
        guard asEventStream else { return json(value, headers: headers) }
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let text = messages.map { SSEEvent(event: "message", data: $0.json.renderedString).wireFormat }.joined()
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A `text/event-stream` that first sends `preamble`, then every message of `outbox` as a
    /// `message` event, with keep-alive comments while idle; `onEnd` runs when the stream stops.
    static func eventStream(outbox: SessionOutbox, consumer: UInt64? = nil, preamble: [SSEEvent] = [], headers: HTTPFields = [:],
                            onEnd: @escaping @Sendable () async -> Void) -> Response {
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            do {
                for event in preamble { try await writer.write(ByteBuffer(string: event.wireFormat)) }
                streaming: while true {
                    switch await outbox.next(timeout: keepAliveInterval, consumer: consumer) {
                    case .message(let message):
                        try await writer.write(ByteBuffer(string: SSEEvent(data: message.json.renderedString).wireFormat))
                    case .idle:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .finished:
                        break streaming
                    }
                }
                try await writer.finish(nil)
            } catch {
                // The client went away.
            }
            outbox.detach(consumer: consumer)
            await onEnd()
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
