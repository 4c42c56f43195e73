import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
import Testing
import TestSupport

/// The built `mcp-operator` executable, run as a real process against a fake API server: its
/// log (standard error) goes to a file the test reads; its probe and metrics listeners are on
/// free loopback ports.
final class OperatorProcess: @unchecked Sendable {
    let process: ChildProcess
    let logPath: String
    let probePort: Int
    let metricsPort: Int
    let identity: String

    /// The executable beside the test bundle (`swift build --build-tests` builds every product
    /// into the same directory), or under `swift build --show-bin-path`.
    static func executable() async throws -> String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mcp-operator").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        let binPath = try await runCommandAsync("/usr/bin/env", ["swift", "build", "--show-bin-path"])
        return binPath.trimmingCharacters(in: .whitespacesAndNewlines) + "/mcp-operator"
    }

    /// A port nothing listens on now (bound and released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts the operator with `arguments` plus the probe and metrics addresses.
    init(executable: String, arguments: [String], directory: String, identity: String = "operator-a") throws {
        probePort = OperatorProcess.freePort()
        metricsPort = OperatorProcess.freePort()
        self.identity = identity
        logPath = directory + "/\(identity).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = nil
        environment["POD_NAME"] = identity
        process = try ChildProcess(
            executable: executable,
            arguments: arguments + [
                "--health-probe-bind-address", "127.0.0.1:\(probePort)", "--metrics-bind-address", "127.0.0.1:\(metricsPort)",
            ],
            environment: environment, stdin: .null, stdout: .null, stderr: .file(logPath))
    }

    /// The log so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash).
    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the exit and returns the status, or nil when it is still running at `timeout`.
    func exitStatus(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.termination?.status
    }

    /// Ends the process if it still runs (test cleanup).
    func stop() async {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if await exitStatus(within: .seconds(25)) == nil {
            signal(SIGKILL)
            _ = await exitStatus(within: .seconds(5))
        }
    }

    /// GET on one of its listeners: (status code, body); code 0 when nothing answered.
    func get(_ path: String, metrics: Bool = false) async -> (code: Int, body: String) {
        let port = metrics ? metricsPort : probePort
        let output = (try? await runCommandAsync(
            "/usr/bin/curl", ["-s", "--max-time", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])) ?? "\n0"
        let code = Int(output.split(separator: "\n").last ?? "0") ?? 0
        let body = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().joined(separator: "\n")
        return (code, body)
    }
}

/// A fake API server serving the built-ins and the operator's CRDs.
func startOperatorAPIServer() async throws -> FakeAPIServer {
    let server = try await FakeAPIServer.start()
    server.registerBuiltins()
    server.register(MCPServer.resourceType, statusSubresource: true, scale: OperatorHarness.scale)
    server.register(MCPPolicy.resourceType, statusSubresource: true)
    return server
}

/// The lines of a Prometheus text exposition whose metric name is `name` (with any labels).
func samples(_ exposition: String, _ name: String) -> [Substring] {
    exposition.split(separator: "\n").filter { line in
        !line.hasPrefix("#") && (line.hasPrefix(name + "{") || line.hasPrefix(name + " "))
    }
}
