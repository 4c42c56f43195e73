import Testing

@testable import MCPGateway

/// Browser-based clients: preflights answered and the session header exposed, for admitted
/// origins only.
@Suite("CORS for browser clients", .timeLimit(.minutes(1)))
struct CORSTests {
    @Test func admittedOriginsGetPreflightAndExposedHeadersOthersNone() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream())
        configuration.allowedOrigins = ["https://app.example"]
        try await Harness.withGateway(configuration) { _, port, _ in
            for origin in ["http://localhost:6274", "https://app.example"] {
                let preflight = try await TestHTTP.request(.OPTIONS, port: port, path: "/mcp", headers: [
                    ("Origin", origin), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type, mcp-session-id")])
                #expect(preflight.status == 204)
                #expect(preflight.header("access-control-allow-origin") == origin)
                #expect(preflight.header("access-control-allow-methods")?.contains("DELETE") == true)
                #expect(preflight.header("access-control-allow-headers")?.contains("Mcp-Session-Id") == true)

                let opened = try await TestHTTP.post(port: port, session: nil, body: """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
                    """, headers: TestHTTP.mcpHeaders + [("Origin", origin)])
                #expect(opened.status == 200)
                #expect(opened.header("access-control-allow-origin") == origin)
                #expect(opened.header("access-control-expose-headers")?.contains("Mcp-Session-Id") == true)
            }
            let foreign = "https://evil.example"
            let preflight = try await TestHTTP.request(.OPTIONS, port: port, path: "/mcp", headers: [("Origin", foreign)])
            #expect(preflight.header("access-control-allow-origin") == nil)
            let refused = try await TestHTTP.post(port: port, session: nil, body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                                                  headers: TestHTTP.mcpHeaders + [("Origin", foreign)])
            #expect(refused.status == 403)
            #expect(refused.header("access-control-allow-origin") == nil)
        }
    }
}
