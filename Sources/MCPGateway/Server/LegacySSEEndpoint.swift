import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP+SSE transport of MCP 2024-11-05: `GET /sse` opens a session and its event stream,
/// whose first `endpoint` event names `/messages?sessionId=…`; each `POST` there is answered 202
/// and its answer travels on the stream. Closing the stream ends the session.
struct LegacySSEEndpoint: Sendable {
    let registry: SessionRegistry
    let gate: ClientGate
    let maxBodyBytes: Int

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/sse") { request, context in await open(request, context: context) }
        router.post("/messages") { request, context in await post(request, context: context) }
    }

    private func open(_ request: Request, context: GatewayRequestContext) async -> Response {
        let origin: RequestOrigin
        switch await gate.admit(request, context: context) {
        case .success(let value): origin = value
        case .failure(let refusal): return refusal.response
        }
        let session: GatewaySession
        do {
            session = try await registry.createSession(owner: origin.identity.sessionOwner)
        } catch {
            return HTTPReplies.sessionNotOpened(error)
        }
        _ = session.outbox.attach()
        let registry = self.registry
        let id = session.id
        return HTTPReplies.eventStream(outbox: session.outbox, preamble: [SSEEvent(event: "endpoint", data: "/messages?sessionId=\(id)")]) {
            await registry.remove(id: id)
        }
    }

    private func post(_ request: Request, context: GatewayRequestContext) async -> Response {
        let origin: RequestOrigin
        switch await gate.admit(request, context: context) {
        case .success(let value): origin = value
        case .failure(let refusal): return refusal.response
        }
        guard let id = request.uri.queryParameters.get("sessionId"), !id.isEmpty else {
            return HTTPReplies.error(.badRequest, code: JSONRPCError.sessionErrorCode, message: "sessionId is required")
        }
        guard let session = await registry.session(id: id, owner: origin.identity.sessionOwner) else {
            return HTTPReplies.error(.notFound, code: JSONRPCError.sessionErrorCode, message: "Session not found")
        }
        let body: ByteBuffer
        switch await StreamableHTTPEndpoint.readBody(request, limit: maxBodyBytes) {
        case .success(let value): body = value
        case .failure(let refusal): return refusal.response
        }
        let payload: JSONRPCPayload
        switch JSONRPCPayload.decode(body.readableBytesView) {
        case .success(let value): payload = value
        case .failure(let error):
            return HTTPReplies.json(JSONRPCMessage.errorResponse(id: nil, error: error).json, status: .badRequest)
        }
        // Taken in order before the 202 (a notification acted on, a request registered); the
        // answers travel on the stream as they come.
        for pending in await session.receive(payload, origin: origin) {
            if case .answered(let answer) = pending {
                session.outbox.send(answer)
                continue
            }
            Task {
                if let answer = await session.answer(to: pending) { session.outbox.send(answer) }
            }
        }
        return Response(status: .accepted)
    }
}
