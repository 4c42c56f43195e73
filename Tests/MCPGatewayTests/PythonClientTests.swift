import Foundation
import Testing
import TestSupport

@testable import MCPGateway

/// End to end: the official MCP Python SDK as the client, `mcp-server-time` as the stdio upstream,
/// and an MCPServer fixture as a plugin over Streamable HTTP.
@Suite("MCP Python SDK through the gateway", .serialized)
struct PythonClientTests {
    func withTimeGateway(_ body: @Sendable (Int) async throws -> Void) async throws {
        try await Harness.requirePythonMCP()
        let (plugin, pluginURL) = try await Harness.startPlugin()
        defer { plugin.stop() }
        let configuration = Harness.configuration(
            upstream: Harness.timeUpstream, plugins: [PluginSpec(name: "calc", upstream: .http(url: pluginURL))],
            policy: ToolDenyList(denied: ["convert_time"]))
        try await Harness.withGateway(configuration) { _, port, _ in try await body(port) }
    }

    func check(_ report: JSONValue) {
        let tools = report["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(tools == ["calc__add", "calc__echo", "get_current_time"], "convert_time is hidden by the policy")
        #expect(report["time_is_error"] == false)
        #expect(report["time_text"]?.stringValue?.contains("\"timezone\": \"UTC\"") == true)
        #expect(report["add_text"] == "42")
        let denied = report["denied_error"]?.stringValue ?? ""
        #expect(denied.contains("deny-tools"), "the denial names the rule: \(report)")
    }

    @Test func streamableHTTP() async throws {
        try await withTimeGateway { port in
            let report = try await Harness.runPython("mcp_client_check.py", ["streamable", "http://127.0.0.1:\(port)/mcp", "convert_time"])
            check(report)
        }
    }

    @Test func legacySSE() async throws {
        try await withTimeGateway { port in
            let report = try await Harness.runPython("mcp_client_check.py", ["sse", "http://127.0.0.1:\(port)/sse", "convert_time"])
            check(report)
        }
    }

    @Test func webSocketWithMCPSubprotocol() async throws {
        try await withTimeGateway { port in
            let report = try await Harness.runPython("ws_client_check.py", ["ws://127.0.0.1:\(port)/ws"])
            #expect(report["status"]?.stringValue?.contains("101") == true)
            #expect(report["subprotocol"] == "mcp")
            #expect(report["server"] == "mcp-gateway")
            #expect(report["tools"]?.arrayValue?.compactMap(\.stringValue) == ["calc__add", "calc__echo", "get_current_time"])
            #expect(report["call_ok"] == true)
            #expect(report["malformed_code"] == .int(-32700))
        }
    }
}
