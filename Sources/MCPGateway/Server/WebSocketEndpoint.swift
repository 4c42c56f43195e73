import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// MCP over WebSocket at `/ws` with the `mcp` subprotocol: one session per connection, each text
/// frame one JSON-RPC message (or batch), every answer and notification a text frame.
struct WebSocketEndpoint: Sendable {
    let registry: SessionRegistry
    let gate: ClientGate
    let maxBodyBytes: Int

    static let subprotocolHeader = HTTPField.Name("Sec-WebSocket-Protocol")!

    func addRoutes(to router: Router<GatewayRequestContext>) {
        let gate = self.gate
        let registry = self.registry
        router.ws("/ws") { request, context in
            if case .failure = await gate.admit(request, context: context) { return .dontUpgrade }
            guard await registry.hasCapacity else { return .dontUpgrade }
            let offered = request.headers[values: Self.subprotocolHeader]
                .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            if offered.isEmpty { return .upgrade([:]) }
            guard offered.contains("mcp") else { return .dontUpgrade }
            return .upgrade([Self.subprotocolHeader: "mcp"])
        } onUpgrade: { inbound, outbound, context in
            await serve(inbound: inbound, outbound: outbound, request: context.request, requestContext: context.requestContext)
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, request: Request,
                       requestContext: GatewayRequestContext) async {
        guard case .success(let origin) = await gate.admit(request, context: requestContext),
              let session = try? await registry.createSession(owner: origin.identity.sessionOwner)
        else {
            try? await outbound.close(.unexpectedServerError, reason: "unavailable")
            return
        }
        _ = session.outbox.attach()
        let outbox = session.outbox
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while let message = await outbox.next() {
                    do {
                        try await outbound.write(.text(message.json.renderedString))
                    } catch {
                        return
                    }
                }
            }
            do {
                for try await frame in inbound.messages(maxSize: maxBodyBytes) {
                    let bytes: [UInt8]
                    switch frame {
                    case .text(let text): bytes = Array(text.utf8)
                    case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                    }
                    switch JSONRPCPayload.decode(bytes) {
                    case .failure(let error):
                        outbox.send(.errorResponse(id: nil, error: error))
                    case .success(let payload):
                        // Taken in the order they arrived; answers are sent as they come.
                        for pending in await session.receive(payload, origin: origin) {
                            if case .answered(let answer) = pending {
                                outbox.send(answer)
                                continue
                            }
                            group.addTask {
                                if let answer = await session.answer(to: pending) { outbox.send(answer) }
                            }
                        }
                    }
                }
            } catch {
                // The connection failed or a frame was too large; the session ends below.
            }
            await registry.remove(id: session.id)
            outbox.finish()
        }
    }
}
