import Foundation
import LocalStore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

struct CtlMissing: Error, CustomStringConvertible {
    var description: String
}

/// What one `mcpctl` run printed and how it exited.
typealias CtlResult = CommandOutcome

/// Runs the built `mcpctl` as a real process against a state directory in a temporary folder.
/// The environment keeps it away from the user's own state and Docker objects: its own
/// XDG_DATA_HOME, its own controller instance label, and (unless a test asks for the real one)
/// a Docker socket where no engine listens.
final class Ctl: Sendable {
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcpctl").path
    }

    let root: String
    /// The controller instance label of this test's objects.
    let instance = "ctl-test-\(UUID().uuidString.prefix(8).lowercased())"
    var state: String { root + "/state" }
    /// The socket tried when no engine is wanted.
    var missingSocket: String { root + "/no-docker.sock" }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw CtlMissing(description: "\(Self.executable) is missing: run `swift build --product mcpctl` first")
        }
        root = try makeTemporaryDirectory(prefix: "mcpctl")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = root + "/xdg"
        environment["MCP_LOCAL_INSTANCE"] = instance
        environment["DOCKER_HOST"] = "unix://" + missingSocket
        environment["NO_COLOR"] = "1"
        return environment
    }

    /// Writes a file under the test's folder and returns its path.
    func file(_ name: String, _ contents: String) throws -> String {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `mcpctl ARGUMENTS --state DIR` to completion.
    /// With `terminal`, mcpctl runs on a pseudo-terminal (through Python's `pty`), with colour.
    func run(_ arguments: [String], stdin: String? = nil, withState: Bool = true, terminal: Bool = false) async throws -> CtlResult {
        var environment = self.environment
        var arguments = arguments + (withState ? ["--state", state] : [])
        var executable = Ctl.executable
        if terminal {
            environment["NO_COLOR"] = nil
            environment["TERM"] = "xterm"
            arguments = ["python3", "-c", Ctl.onTerminal, Ctl.executable] + arguments
            executable = "/usr/bin/env"
        }
        return try await runProcessAsync(executable, arguments, environment: environment, stdin: stdin)
    }

    /// Runs its arguments on a pseudo-terminal and copies what they print to standard output.
    static let onTerminal = """
    import os, pty, sys
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], sys.argv[1:])
    output = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        output += data
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(output.decode("utf-8", "replace"))
    sys.exit(os.waitstatus_to_exitcode(status))
    """

    /// Opens the same store the CLI writes.
    func store() throws -> LocalStateStore { try LocalStateStore(directory: state) }
}

let serverYAML = """
apiVersion: mcpoperator.io/v1alpha1
kind: MCPServer
metadata:
  name: posts
spec:
  image: mcp-operator/sample-posts:dev
  policyRefs: [strict]
  plugins:
  - name: text
    image: mcp-operator/sample-text:dev
    port: 8080
"""

let policyYAML = """
apiVersion: mcpoperator.io/v1alpha1
kind: MCPPolicy
metadata:
  name: strict
spec:
  defaultAction: deny
"""
