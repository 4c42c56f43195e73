import ControlPlaneHTTP
import Foundation

/// The outcome of a command run inside a container with `exec`.
public struct ExecResult: Sendable, Hashable {
    /// The command's exit code.
    public var exitCode: Int
    /// Its output, demultiplexed.
    public var output: ContainerLogs

    /// What it wrote to stdout.
    public var stdout: String { output.stdout }
    /// What it wrote to stderr.
    public var stderr: String { output.stderr }
}

extension DockerClient {
    /// Runs a command in a running container and waits for it (up to `timeout`), returning its
    /// exit code and output. It runs as the container's user unless `user` is given. For checks
    /// from inside a container, such as whether a peer answers on its network.
    public func exec(_ container: String, command: [String], user: String? = nil, environment: [String]? = nil,
                     workingDir: String? = nil, timeout: Duration = .seconds(60)) async throws -> ExecResult {
        struct Create: Encodable {
            var cmd: [String]
            var user: String?
            var env: [String]?
            var workingDir: String?
            var attachStdout = true
            var attachStderr = true
            var tty = false
            enum CodingKeys: String, CodingKey {
                case cmd = "Cmd", user = "User", env = "Env", workingDir = "WorkingDir"
                case attachStdout = "AttachStdout", attachStderr = "AttachStderr", tty = "Tty"
            }
        }
        struct Start: Encodable {
            var detach = false
            var tty = false
            enum CodingKeys: String, CodingKey { case detach = "Detach", tty = "Tty" }
        }
        struct Inspect: Decodable {
            var exitCode: Int?
            var running: Bool
            enum CodingKeys: String, CodingKey { case exitCode = "ExitCode", running = "Running" }
        }
        let created: CreatedResponse = try await send(
            "POST", "/containers/\(Self.segment(container))/exec",
            json: Create(cmd: command, user: user, env: environment, workingDir: workingDir))
        let execPath = "/exec/\(Self.segment(created.id))"
        // Without an Upgrade header the engine answers 200 and sends the multiplexed output
        // until the command ends, then closes the connection.
        let response = try await perform(method: "POST", path: "\(execPath)/start", body: try Self.encoder.encode(Start()), timeout: timeout)
        var decoder = LogFrameDecoder(multiplexed: true)
        let output = ContainerLogs(chunks: decoder.append(response.body))
        var state: Inspect = try await get("\(execPath)/json")
        // The exit code is recorded a moment after the stream closes.
        for _ in 0..<50 where state.running || state.exitCode == nil {
            try await Task.sleep(for: .milliseconds(20))
            state = try await get("\(execPath)/json")
        }
        return ExecResult(exitCode: state.exitCode ?? -1, output: output)
    }
}
