import NIOConcurrencyHelpers

@testable import MCPGateway

/// An in-process upstream MCP server: answers initialize, tools/list and tools/call from a script,
/// records what it received, and can send requests of its own or die.
final class FakeUpstream: UpstreamTransport {
    struct State {
        var continuation: AsyncStream<JSONRPCMessage>.Continuation?
        var received: [JSONRPCMessage] = []
        var closed = false
    }

    let tools: [String]
    let logging: Bool
    let state = NIOLockedValueBox(State())

    init(tools: [String], logging: Bool = false) {
        self.tools = tools
        self.logging = logging
    }

    var received: [JSONRPCMessage] { state.withLockedValue { $0.received } }
    var isClosed: Bool { state.withLockedValue { $0.closed } }

    func start() async throws -> AsyncStream<JSONRPCMessage> {
        let (stream, continuation) = AsyncStream<JSONRPCMessage>.makeStream()
        state.withLockedValue { $0.continuation = continuation }
        return stream
    }

    func send(_ message: JSONRPCMessage) async throws -> [JSONRPCMessage] {
        let continuation = state.withLockedValue { state in
            state.received.append(message)
            return state.continuation
        }
        guard let continuation else { throw UpstreamError.closed }
        answer(message, on: continuation)
        return []  // answers come on the stream, like a stdio server's
    }

    private func answer(_ message: JSONRPCMessage, on continuation: AsyncStream<JSONRPCMessage>.Continuation) {
        guard case .request(let id, let method, let params) = message else { return }
        switch method {
        case "initialize":
            var capabilities: JSONValue = ["tools": ["listChanged": true], "prompts": [:]]
            if logging { capabilities["logging"] = [:] }
            continuation.yield(.response(id: id, result: [
                "protocolVersion": "2025-06-18", "capabilities": capabilities, "serverInfo": ["name": "fake", "version": "1"],
            ]))
        case "logging/setLevel":
            continuation.yield(logging ? .response(id: id, result: [:]) : .errorResponse(id: id, error: .methodNotFound(method)))
        case "tools/list":
            continuation.yield(.response(id: id, result: ["tools": .array(tools.map { ["name": .string($0), "inputSchema": ["type": "object"]] })]))
        case "tools/call":
            let name = params?["name"]?.stringValue ?? ""
            if name == "slow" { return }  // never answers
            if name == "secret" {
                continuation.yield(.response(id: id, result: ["content": [["type": "text", "text": "token=abc123"]]]))
                return
            }
            if let token = params?["_meta"]?["progressToken"] {
                // `steps` progress notifications (one unless the arguments say), then the answer.
                for step in 1...(params?["arguments"]?["steps"]?.intValue ?? 1) {
                    continuation.yield(.notification(method: "notifications/progress", params: ["progressToken": token, "progress": .int(step)]))
                }
            }
            continuation.yield(.response(id: id, result: ["content": [["type": "text", "text": .string("called \(name)")]]]))
        default:
            continuation.yield(.errorResponse(id: id, error: .methodNotFound(method)))
        }
    }

    /// Sends a server-to-client request.
    func inject(_ message: JSONRPCMessage) {
        _ = state.withLockedValue { $0.continuation }?.yield(message)
    }

    /// Simulates the process exiting.
    func die() {
        let continuation = state.withLockedValue { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.finish()
    }

    func close() async {
        state.withLockedValue { $0.closed = true }
        die()
    }
}
