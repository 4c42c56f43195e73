import Foundation
import KubeTesting
import TestSupport

/// Runs the built `mcpctl` and real `mcp-gateway` processes for the `mcpctl policy` tests.
enum CtlPolicySupport {
    /// The folder holding the built executables (the test bundle's).
    static var binDirectory: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

    static func executable(_ name: String) throws -> String {
        let path = binDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CtlPolicyFailure("\(path) is missing: run `swift build` first")
        }
        return path
    }

    /// The recording MCP server fixture of the gateway tests.
    static let upstreamScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../MCPGatewayTests/Fixtures/recording_server.py").standardized.path

    /// Runs `mcpctl` with `arguments` to completion, on a thread of its own.
    static func mcpctl(_ arguments: [String]) async throws -> CommandOutcome {
        try await runProcessAsync(try executable("mcpctl"), arguments)
    }

    /// Starts a gateway booted from `policyFile` with the admin token in `tokenFile`; returns the
    /// process and its admin base URL.
    static func startGateway(policyFile: String, tokenFile: String) async throws -> (PeerProcess, String) {
        let path = try executable("mcp-gateway")
        var environment = ProcessInfo.processInfo.environment
        environment["MCP_GATEWAY_LISTEN"] = "127.0.0.1:0"
        environment["MCP_GATEWAY_ADMIN_LISTEN"] = "127.0.0.1:0"
        environment["MCP_GATEWAY_ADMIN_TOKEN_FILE"] = tokenFile
        environment["MCP_GATEWAY_POLICY"] = policyFile
        environment["MCP_GATEWAY_UPSTREAM_COMMAND"] = "python3 \(upstreamScript)"
        environment["MCP_GATEWAY_WARM_POOL"] = "1"
        environment["MCP_GATEWAY_LOG_LEVEL"] = "warning"
        let gateway = try await PeerProcess.start(executable: path, arguments: [], environment: environment)
        guard let ports = try? JSONSerialization.jsonObject(with: Data(gateway.firstLine.utf8)) as? [String: Any],
              let admin = ports["adminPort"] as? Int else {
            gateway.stop()
            throw CtlPolicyFailure("mcp-gateway printed no admin port: \(gateway.firstLine)")
        }
        return (gateway, "http://127.0.0.1:\(admin)")
    }

    /// The `sha256:` version of `document` as mcpctl computes it.
    static func version(ofPolicyFile path: String) async throws -> String {
        let outcome = try await mcpctl(["policy", "validate", "-f", path])
        guard outcome.status == 0, let version = outcome.stdout.split(separator: " ").last else {
            throw CtlPolicyFailure("mcpctl policy validate failed: \(outcome.stderr)")
        }
        return version.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A setup step of a `mcpctl policy` test that failed.
struct CtlPolicyFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
