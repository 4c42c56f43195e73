import ControlPlaneHTTP
import Foundation
import Logging
import TestSupport

@testable import MCPGateway

/// Helpers for the tests that run a real gateway on 127.0.0.1 with port 0.
enum Harness {
    static let logger = Logger(label: "gateway-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Tests/MCPGatewayTests/Fixtures.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// Fails (never skips) when the Python MCP packages are missing.
    static func requirePythonMCP() async throws {
        do {
            try await runCommandAsync("/usr/bin/env", ["python3", "-c", "import mcp, mcp_server_time, uvicorn; from mcp.server.mcpserver import MCPServer"])
        } catch {
            throw TestFailure("the Python MCP SDK is missing — run `pip install mcp mcp-server-time` (\(error))")
        }
    }

    /// The stdio upstream that records what it receives into `recordFile`.
    static func recordingUpstream(recordFile: String? = nil) -> UpstreamSpec {
        var environment = ProcessInfo.processInfo.environment
        if let recordFile { environment["RECORD_FILE"] = recordFile }
        return .stdio(command: ["python3", "\(fixtures)/recording_server.py"], environment: environment)
    }

    /// The reference `mcp-server-time` as a stdio upstream.
    static let timeUpstream = UpstreamSpec.stdio(command: ["python3", "-m", "mcp_server_time", "--local-timezone", "UTC"])

    /// Starts the plugin fixture (an MCPServer over Streamable HTTP); its URL is `/mcp` on the port it prints.
    /// With `tls` (certificate and key files) it serves HTTPS.
    static func startPlugin(tls: (certificate: String, key: String)? = nil) async throws -> (PeerProcess, String) {
        let tlsArguments = tls.map { ["--cert", $0.certificate, "--key", $0.key] } ?? []
        let process = try await PeerProcess.start(executable: "/usr/bin/env", arguments: ["python3", "\(fixtures)/plugin_server.py"] + tlsArguments)
        return (process, "\(tls == nil ? "http" : "https")://127.0.0.1:\(process.firstLine)/mcp")
    }

    /// A configuration on free loopback ports.
    static func configuration(upstream: UpstreamSpec, plugins: [PluginSpec] = [], policy: any PolicyEnforcer = AllowAllPolicyEnforcer(),
                              warmPool: Int = 1, auditLog: AuditLog = .discard) -> GatewayConfiguration {
        GatewayConfiguration(
            listen: .init(host: "127.0.0.1", port: 0), adminListen: .init(host: "127.0.0.1", port: 0), adminToken: "admin-secret",
            upstream: upstream, plugins: plugins, warmPoolSize: warmPool, initialPolicy: .test(policy), auditLog: auditLog)
    }

    /// Runs a gateway for the duration of `body`.
    static func withGateway<T: Sendable>(_ configuration: GatewayConfiguration,
                                         _ body: @Sendable (GatewayApplication, Int, Int) async throws -> T) async throws -> T {
        let app = try await buildGatewayApplication(configuration: configuration, logger: logger)
        return try await app.withRunning { app in
            try await body(app, await app.mainPort(), await app.adminPort())
        }
    }

    /// Runs a Python fixture script to completion and parses the JSON line it prints.
    static func runPython(_ script: String, _ arguments: [String]) async throws -> JSONValue {
        let output = try await runCommandAsync("/usr/bin/env", ["python3", "\(fixtures)/\(script)"] + arguments)
        guard let line = output.split(separator: "\n").last, let json = try? JSONValue(parsing: String(line)) else {
            throw TestFailure("\(script) printed no JSON: \(output)")
        }
        return json
    }
}

/// An HTTP exchange's result.
struct HTTPResult: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    var json: JSONValue? { try? JSONValue(parsing: body) }
    func header(_ name: String) -> String? { headers[name] }
}

/// A plain HTTP client for the tests, on the project's HTTP transport.
enum TestHTTP {
    /// The request methods the tests use.
    enum Method: String, Sendable { case GET, POST, PUT, DELETE, OPTIONS }

    static let transport = HTTPTransport(configuration: HTTPTransportConfiguration(acceptCompression: false))

    static func request(_ method: Method, port: Int, path: String, headers: [(String, String)] = [], body: String? = nil) async throws -> HTTPResult {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name, value) }
        let response = try await transport.send(HTTPRequest(method: method.rawValue, url: "http://127.0.0.1:\(port)\(path)", headers: fields,
                                                            body: body.map { Data($0.utf8) }, timeout: .seconds(60)))
        return HTTPResult(status: response.status, headers: response.headers, body: String(decoding: response.body, as: UTF8.self))
    }

    /// Opens a GET event stream on `/mcp` and returns the data of its first `message` event.
    static func firstStreamedEvent(port: Int, session: String) async throws -> String {
        let response = try await transport.streamChunks(HTTPRequest(
            url: "http://127.0.0.1:\(port)/mcp", headers: ["Accept": "text/event-stream", "Mcp-Session-Id": session]))
        guard response.status == 200 else { throw TestFailure("GET /mcp answered \(response.status)") }
        var parser = SSEParser()
        for try await chunk in response.records {
            if let event = parser.feed(chunk).first { return event.data }
        }
        return ""
    }

    static let mcpHeaders = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]

    /// Initializes a session over Streamable HTTP and returns its id.
    static func initialize(port: Int) async throws -> String {
        let result = try await request(.POST, port: port, path: "/mcp", headers: mcpHeaders, body: """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
            """)
        guard result.status == 200, let id = result.header("mcp-session-id") else {
            throw TestFailure("initialize failed: \(result.status) \(result.body)")
        }
        _ = try await request(.POST, port: port, path: "/mcp", headers: mcpHeaders + [("Mcp-Session-Id", id)],
                              body: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return id
    }

    /// POSTs `body` in session `session`.
    static func post(port: Int, session: String?, body: String, headers: [(String, String)] = mcpHeaders) async throws -> HTTPResult {
        try await request(.POST, port: port, path: "/mcp", headers: headers + (session.map { [("Mcp-Session-Id", $0)] } ?? []), body: body)
    }
}
