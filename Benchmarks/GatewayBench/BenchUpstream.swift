import MCPGateway
import NIOCore
import NIOHTTP1
import NIOPosix

/// The fast upstream of the benchmark: an MCP server over Streamable HTTP on SwiftNIO, with
/// keep-alive, answering `initialize` (with a session id), notifications (202) and `tools/call`
/// (a small text result) from memory. GET has no stream (405), as the specification allows.
enum BenchUpstream {
    /// Starts the server on 127.0.0.1 with a free port; returns the channel (its port is the
    /// local address's).
    static func start() async throws -> Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(Handler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private var head: HTTPRequestHead?
        private var body = ByteBuffer()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let (status, headers, payload) = Self.answer(head, body: body.readableBytesView)
                var responseHead = HTTPResponseHead(version: head.version, status: status)
                responseHead.headers.add(name: "Content-Length", value: String(payload.count))
                for (name, value) in headers { responseHead.headers.add(name: name, value: value) }
                if !head.isKeepAlive { responseHead.headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                if !payload.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: payload)))), promise: nil) }
                let keepAlive = head.isKeepAlive
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    if !keepAlive { context.close(promise: nil) }
                }
                self.head = nil
            }
        }

        static func answer(_ head: HTTPRequestHead, body: ByteBufferView) -> (HTTPResponseStatus, [(String, String)], [UInt8]) {
            switch head.method {
            case .GET: return (.methodNotAllowed, [], [])
            case .DELETE: return (.ok, [], [])
            case .POST: break
            default: return (.methodNotAllowed, [], [])
            }
            guard let message = try? JSONValue(parsing: body), let method = message["method"]?.stringValue else {
                return (.badRequest, [], [])
            }
            guard let id = message["id"] else { return (.accepted, [], []) }
            let result: JSONValue
            switch method {
            case "initialize":
                result = [
                    "protocolVersion": message["params"]?["protocolVersion"] ?? "2025-06-18",
                    "capabilities": ["tools": ["listChanged": false]],
                    "serverInfo": ["name": "bench-upstream", "version": "1"],
                ]
            case "tools/list":
                result = ["tools": [["name": .string(LargePolicy.allowedTool), "inputSchema": ["type": "object"]]]]
            case "tools/call":
                result = ["content": [["type": "text", "text": "ok"]], "isError": false]
            case "ping":
                result = [:]
            default:
                let error: JSONValue = ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "Method not found"]]
                return (.ok, [("Content-Type", "application/json")], error.renderedBytes())
            }
            let response: JSONValue = ["jsonrpc": "2.0", "id": id, "result": result]
            var headers = [("Content-Type", "application/json")]
            if method == "initialize" { headers.append(("Mcp-Session-Id", "bench-session")) }
            return (.ok, headers, response.renderedBytes())
        }
    }
}
