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
    func run(_ arguments: [String], stdin: String? = nil, withState: Bool = true) async throws -> CtlResult {
        try await runProcessAsync(Ctl.executable, arguments + (withState ? ["--state", state] : []), environment: environment, stdin: stdin)
    }

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

/// `mcpctl` on a pseudo-terminal (through Python's `pty`), with
/// its output readable as it comes: a test can act once a frame has been drawn, not after a guess
/// at how long drawing it takes.
final class TerminalRun: @unchecked Sendable {
    /// Copies the pseudo-terminal's output to standard output as it comes, then exits as the command did.
    static let relay = """
    import os, pty, sys
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], sys.argv[1:])
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
    """

    let process: ChildProcess
    private let lock = NSLock()
    private var received = Data()
    private var ended = false

    /// Starts `mcpctl ARGUMENTS --state DIR` on a terminal, with colour.
    init(_ ctl: Ctl, _ arguments: [String]) throws {
        var environment = ctl.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm"
        process = try ChildProcess(executable: "/usr/bin/env",
                                   arguments: ["python3", "-c", Self.relay, Ctl.executable] + arguments + ["--state", ctl.state],
                                   environment: environment, stdin: .null, stdout: .pipe, stderr: .inherit)
    }

    /// Everything the command printed so far.
    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: received, as: UTF8.self)
    }

    /// Reads until the output holds `marker`; false when the output ends or `timeout` passes first.
    func readOutput(until marker: String, timeout: Duration) async throws -> Bool {
        try await onDedicatedThread { self.take(until: marker, timeout: timeout) }
    }

    /// Reads the rest of the output and waits for the exit, for up to `timeout`; the exit status,
    /// nil when the command had to be killed.
    func exitStatus(within timeout: Duration) async throws -> Int32? {
        let finished = try await onDedicatedThread { self.take(until: nil, timeout: timeout) }
        let termination = try await onDedicatedThread { self.process.wait(timeout: finished ? .seconds(10) : .zero) }
        if termination == nil { stop() }
        return termination?.status
    }

    /// Ends the command if it still runs.
    func stop() {
        if process.isRunning { process.terminate(grace: .zero) }
    }

    /// Blocks reading until the output holds `marker` (with nil, until it ends); false when
    /// `timeout` passes first, or the output ends without `marker`.
    private func take(until marker: String?, timeout: Duration) -> Bool {
        guard let descriptor = process.standardOutput?.fileDescriptor else { return false }
        let deadline = ContinuousClock.now + timeout
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let marker, output.contains(marker) { return true }
            lock.lock()
            let done = ended
            lock.unlock()
            if done { return marker == nil }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            // poll(2) first, so a silent command cannot hold this past the deadline.
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = min(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000, 1000)
            guard poll(&descriptors, 1, Int32(max(milliseconds, 1))) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            lock.lock()
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                ended = true
            }
            lock.unlock()
        }
    }
}
