import HTTPTypes
import Hummingbird
import NIOCore

/// MCP Streamable HTTP at one path (`/mcp`): POST carries client messages (answered as JSON or as
/// an SSE stream, by the client's Accept), GET opens the server-to-client stream, DELETE ends the
/// session. `Mcp-Session-Id` is issued on `initialize` and required after it.
struct StreamableHTTPEndpoint: Sendable {
    let registry: SessionRegistry
    let gate: ClientGate
    let maxBodyBytes: Int

    func addRoutes(to router: Router<GatewayRequestContext>, path: RouterPath = "/mcp") {
        router.post(path) { request, context in await post(request, context: context) }
        router.get(path) { request, context in await get(request, context: context) }
        router.delete(path) { request, context in await delete(request, context: context) }
    }

    /// Reads the body, refusing bodies over the limit with 413.
    static func readBody(_ request: Request, limit: Int) async -> Result<ByteBuffer, GateRefusal> {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return .failure(GateRefusal(HTTPReplies.error(.contentTooLarge, code: JSONRPCError.invalidRequestCode, message: "Request body too large (the limit is \(limit) bytes)")))
        }
        var request = request
        do {
            return .success(try await request.collectBody(upTo: limit))
        } catch {
            return .failure(GateRefusal(HTTPReplies.error(.contentTooLarge, code: JSONRPCError.invalidRequestCode, message: "Request body too large (the limit is \(limit) bytes)")))
        }
    }

    private func post(_ request: Request, context: GatewayRequestContext) async -> Response {
        let origin: RequestOrigin
        switch await gate.admit(request, context: context) {
        case .success(let value): origin = value
        case .failure(let refusal): return refusal.response
        }
        let accept = request.headers[.accept]?.lowercased() ?? "*/*"
        let acceptsJSON = accept.contains("application/json") || accept.contains("*/*") || accept.contains("application/*")
        let acceptsSSE = accept.contains("text/event-stream")
        guard acceptsJSON || acceptsSSE else {
            return HTTPReplies.error(.notAcceptable, code: JSONRPCError.invalidRequestCode, message: "Accept must allow application/json or text/event-stream")
        }
        let body: ByteBuffer
        switch await Self.readBody(request, limit: maxBodyBytes) {
        case .success(let value): body = value
        case .failure(let refusal): return refusal.response
        }
        let payload: JSONRPCPayload
        switch JSONRPCPayload.decode(body.readableBytesView) {
        case .success(let value): payload = value
        case .failure(let error):
            // Not JSON: nothing goes upstream.
            return HTTPReplies.json(JSONRPCMessage.errorResponse(id: nil, error: error).json, status: .badRequest)
        }
        let isInitialize = payload.elements.contains { if case .success(let message) = $0 { return message.method == "initialize" && message.isRequest }; return false }
        let session: GatewaySession
        if isInitialize {
            guard !payload.isBatch else {
                return HTTPReplies.json(JSONRPCMessage.errorResponse(id: nil, error: .invalidRequest("initialize must not be part of a batch")).json, status: .badRequest)
            }
            do {
                session = try await registry.createSession(owner: origin.identity.sessionOwner)
            } catch {
                return HTTPReplies.sessionNotOpened(error)
            }
        } else {
            switch await existingSession(request, origin: origin) {
            case .success(let value): session = value
            case .failure(let refusal): return refusal.response
            }
            if payload.isBatch, !MCPProtocolVersions.allowsBatches(await session.protocolVersion) {
                return HTTPReplies.json(JSONRPCMessage.errorResponse(id: nil, error: .invalidRequest("batches are not supported in this protocol version")).json, status: .badRequest)
            }
        }
        let answers: [JSONRPCMessage]
        if !payload.isBatch, let element = payload.elements.first {
            // One message (the usual case): answer it on this task, without a group.
            switch element {
            case .success(let message): answers = await session.handle(message, origin: origin).map { [$0] } ?? []
            case .failure(let invalid): answers = [invalid.response]
            }
        } else {
            answers = await answerInOrder(payload, session: session, origin: origin)
        }
        let headers: HTTPFields = [HTTPReplies.sessionIDHeader: session.id]
        if isInitialize, case .errorResponse = answers.first {
            await registry.remove(id: session.id)
            return HTTPReplies.messages(answers, batch: false, asEventStream: false)
        }
        guard !answers.isEmpty else { return Response(status: .accepted, headers: headers) }
        return HTTPReplies.messages(answers, batch: payload.isBatch, asEventStream: acceptsSSE && !acceptsJSON, headers: headers)
    }

    /// The answers to a batch, in the batch's order: its messages are taken in order, and its
    /// requests run concurrently.
    private func answerInOrder(_ payload: JSONRPCPayload, session: GatewaySession, origin: RequestOrigin) async -> [JSONRPCMessage] {
        var answers: [JSONRPCMessage] = []
        for request in await session.receive(payload, origin: origin) {
            if let answer = await session.answer(to: request) { answers.append(answer) }
        }
        return answers
    }

    /// The session named by the request's headers: 400 when none is named, 404 when unknown or
    /// opened by another caller.
    private func existingSession(_ request: Request, origin: RequestOrigin) async -> Result<GatewaySession, GateRefusal> {
        guard let id = request.headers[HTTPReplies.sessionIDHeader], !id.isEmpty else {
            return .failure(GateRefusal(HTTPReplies.error(.badRequest, code: JSONRPCError.sessionErrorCode, message: "Bad Request: Mcp-Session-Id header is required")))
        }
        guard let session = await registry.session(id: id, owner: origin.identity.sessionOwner) else {
            return .failure(GateRefusal(HTTPReplies.error(.notFound, code: JSONRPCError.sessionErrorCode, message: "Session not found")))
        }
        if let version = request.headers[HTTPReplies.protocolVersionHeader], !MCPProtocolVersions.supported.contains(version) {
            return .failure(GateRefusal(HTTPReplies.error(.badRequest, code: JSONRPCError.invalidRequestCode, message: "Unsupported MCP-Protocol-Version \(version)")))
        }
        return .success(session)
    }

    private func get(_ request: Request, context: GatewayRequestContext) async -> Response {
        let origin: RequestOrigin
        switch await gate.admit(request, context: context) {
        case .success(let value): origin = value
        case .failure(let refusal): return refusal.response
        }
        guard request.headers[.accept]?.lowercased().contains("text/event-stream") == true else {
            return HTTPReplies.error(.notAcceptable, code: JSONRPCError.invalidRequestCode, message: "Accept must include text/event-stream")
        }
        let session: GatewaySession
        switch await existingSession(request, origin: origin) {
        case .success(let value): session = value
        case .failure(let refusal): return refusal.response
        }
        // A new GET takes the stream over: a client that reconnects may do so before the old
        // connection's loss was noticed (only a failed write reveals it).
        guard let consumer = session.outbox.takeOver() else {
            return HTTPReplies.error(.notFound, code: JSONRPCError.sessionErrorCode, message: "Session not found")
        }
        return HTTPReplies.eventStream(outbox: session.outbox, consumer: consumer, headers: [HTTPReplies.sessionIDHeader: session.id],
                                       onEnd: {})
    }

    private func delete(_ request: Request, context: GatewayRequestContext) async -> Response {
        let origin: RequestOrigin
        switch await gate.admit(request, context: context) {
        case .success(let value): origin = value
        case .failure(let refusal): return refusal.response
        }
        switch await existingSession(request, origin: origin) {
        case .success(let session):
            await registry.remove(id: session.id)
            return Response(status: .ok)
        case .failure(let refusal):
            return refusal.response
        }
    }
}
