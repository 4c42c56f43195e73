import ControlPlaneHTTP
import Foundation
import PolicyDistribution
import PolicyEngine
import Testing
import TestSupport

/// Real `mcp-gateway` processes on 127.0.0.1, each with an admin port, the same admin token and
/// a tiny stdio MCP server (tool `echo`) behind it.
final class GatewayFleet: @unchecked Sendable {
    static let token = "fleet-admin-token"

    struct Gateway {
        var process: PeerProcess?
        var port: Int
        var adminPort: Int
        var adminURL: String { "http://127.0.0.1:\(adminPort)" }
    }

    let directory: String
    private(set) var gateways: [Gateway] = []
    private let lock = NSLock()
    let transport = HTTPTransport()

    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcp-gateway").path
    }

    /// The boot policy: anonymous callers, every tool allowed.
    static let allowAll = PolicyDocument(defaultAction: .allow, authentication: PolicyDocument.Authentication(allowAnonymous: true))
    /// Anonymous callers, every tool denied.
    static let denyAll = PolicyDocument(defaultAction: .deny, authentication: PolicyDocument.Authentication(allowAnonymous: true))

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw FleetError("\(Self.executable) is missing: run `swift build --product mcp-gateway` first")
        }
        directory = try makeTemporaryDirectory(prefix: "policy-fleet")
        try "\(Self.token)\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try String(decoding: Self.allowAll.canonicalJSON(), as: UTF8.self).write(toFile: directory + "/policy.json", atomically: true, encoding: .utf8)
        try Self.echoServer.write(toFile: directory + "/echo_server.py", atomically: true, encoding: .utf8)
    }

    /// Starts `count` more gateways.
    func start(_ count: Int) async throws {
        for _ in 0..<count {
            let gateway = try await launch(adminPort: 0)
            lock.withLock { gateways.append(gateway) }
        }
    }

    private func launch(adminPort: Int, port: Int = 0) async throws -> Gateway {
        let process = try await PeerProcess.start(executable: Self.executable, arguments: [
            "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)", "--admin-token-file", directory + "/token",
            "--policy", directory + "/policy.json", "--warm-pool", "0", "--log-level", "error",
            "--", "python3", directory + "/echo_server.py",
        ])
        let line = try JSONSerialization.jsonObject(with: Data(process.firstLine.utf8)) as? [String: Any]
        guard let port = line?["port"] as? Int, let admin = line?["adminPort"] as? Int else {
            throw FleetError("unexpected first line \(process.firstLine)")
        }
        return Gateway(process: process, port: port, adminPort: admin)
    }

    subscript(index: Int) -> Gateway { lock.withLock { gateways[index] } }

    var count: Int { lock.withLock { gateways.count } }

    /// Push targets named `gw-<index>`.
    var targets: [PolicyPushTarget] {
        (0..<count).map { PolicyPushTarget(replica: "gw-\($0)", adminURL: self[$0].adminURL, adminToken: Self.token) }
    }

    /// Stops gateway `index` (its ports stay reserved for `restart`).
    func stop(_ index: Int) {
        let process = lock.withLock { () -> PeerProcess? in
            let process = gateways[index].process
            gateways[index].process = nil
            return process
        }
        process?.stop()
    }

    /// Starts gateway `index` again on the same ports, booting from the fleet's boot policy.
    func restart(_ index: Int) async throws {
        let old = self[index]
        var lastError: (any Error)?
        for _ in 0..<20 {
            do {
                let gateway = try await launch(adminPort: old.adminPort, port: old.port)
                lock.withLock { gateways[index] = gateway }
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? FleetError("restart failed")
    }

    func stopAll() {
        for index in 0..<count { stop(index) }
    }

    /// The version gateway `index` enforces (`GET /admin/policy`), nil when it has none.
    func enforcedVersion(_ index: Int) async throws -> String? {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(Self.token)")
        let response = try await transport.send(HTTPRequest(url: self[index].adminURL + "/admin/policy", headers: headers, timeout: .seconds(5)))
        guard response.status == 200 else { return nil }
        return (try JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["version"] as? String
    }

    /// Calls tool `echo` through gateway `index` in a new session; true when the result came back.
    func echoAllowed(_ index: Int) async throws -> Bool {
        let port = self[index].port
        func post(_ body: String, session: String?) async throws -> HTTPResponse {
            var headers = HTTPHeaders()
            headers.add("Content-Type", "application/json")
            headers.add("Accept", "application/json, text/event-stream")
            if let session { headers.add("Mcp-Session-Id", session) }
            return try await transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/mcp", headers: headers,
                                                        body: Data(body.utf8), timeout: .seconds(20)))
        }
        let initialize = try await post("""
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
            """, session: nil)
        guard initialize.status == 200, let session = initialize.headers["mcp-session-id"] else {
            throw FleetError("initialize failed: \(initialize.status) \(String(decoding: initialize.body, as: UTF8.self))")
        }
        _ = try await post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
        let call = try await post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"marker-7f3a"}}}"#,
                                  session: session)
        return String(decoding: call.body, as: UTF8.self).contains("echoed marker-7f3a")
    }

    static let echoServer = """
        import json, sys
        def send(m):
            sys.stdout.write(json.dumps(m) + "\\n"); sys.stdout.flush()
        for line in sys.stdin:
            try:
                m = json.loads(line)
            except ValueError:
                continue
            i = m.get("id")
            if i is None:
                continue
            if m.get("method") == "initialize":
                send({"jsonrpc": "2.0", "id": i, "result": {"protocolVersion": m["params"]["protocolVersion"],
                      "capabilities": {"tools": {}}, "serverInfo": {"name": "echo", "version": "1"}}})
            elif m.get("method") == "tools/list":
                send({"jsonrpc": "2.0", "id": i, "result": {"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}})
            elif m.get("method") == "tools/call":
                text = m["params"].get("arguments", {}).get("text", "")
                send({"jsonrpc": "2.0", "id": i, "result": {"content": [{"type": "text", "text": "echoed " + text}]}})
            else:
                send({"jsonrpc": "2.0", "id": i, "result": {}})
        """
}

/// A fleet that could not be set up.
struct FleetError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
