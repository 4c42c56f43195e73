import DockerEngine
import Foundation
import ProcessSpawn
import LocalStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local controller of one state directory as a background process: `controller.lock`
/// (held with `flock` by the running controller, so only one runs per directory),
/// `controller.pid` and `controller.log`, all in the state directory.
struct ControllerProcess {
    let directory: String

    var lockPath: String { (directory as NSString).appendingPathComponent("controller.lock") }
    var pidPath: String { (directory as NSString).appendingPathComponent("controller.pid") }
    var logPath: String { (directory as NSString).appendingPathComponent("controller.log") }

    /// Whether a controller holds the directory's lock.
    var isRunning: Bool { FileLock.isHeld(path: lockPath) }

    /// The running controller's process id, from its pid file.
    var pid: pid_t? {
        guard isRunning, let text = try? String(contentsOfFile: pidPath, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Starts the controller in the background unless one runs. Without a Docker engine: with
    /// `requireEngine`, fails naming the socket tried and how to start an engine; otherwise
    /// warns on standard error and returns (the state is stored and waits for a controller).
    func ensureRunning(requireEngine: Bool) async throws {
        if isRunning { return }
        if let problem = await engineProblem() {
            if requireEngine { throw CLIError(problem) }
            Terminal.standardError.write(line: "warning: \(problem)\nwarning: the objects are stored; they will be reconciled once an engine runs and `mcpctl up` (or apply) starts the controller")
            return
        }
        try start()
    }

    /// Why no engine can be used, or nil when one answers.
    func engineProblem() async -> String? {
        do {
            let client = try DockerClient(environment: ProcessInfo.processInfo.environment)
            _ = try await client.ping()
            return nil
        } catch let error as DockerError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// Spawns `mcpctl controller run --state DIR` in a new session (so it outlives this process
    /// and the terminal), its output appended to `controller.log`, and waits until it holds the
    /// lock; if it exits first, fails with the end of its log.
    func start() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let executable = Self.executablePath()
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: executable, arguments: ["controller", "run", "--state", directory],
                                     stdin: .null, stdout: .file(logPath), stderr: .standardOutput, newSession: true)
        } catch let error as SpawnError {
            throw CLIError("cannot start the local controller (\(executable)): \(error.reason)")
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if isRunning { return }
            if !child.isRunning {
                throw CLIError("the local controller exited at start; its log \(logPath) ends with:\n" + logTail())
            }
            usleep(20_000)
        }
        throw CLIError("the local controller did not start within 20 s; see \(logPath)")
    }

    /// Stops the running controller (SIGTERM, then SIGKILL after `timeout`); false when none ran.
    @discardableResult
    func stop(timeout: TimeInterval = 20) async throws -> Bool {
        guard let pid else { return false }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if isRunning {
            kill(pid, SIGKILL)
            while isRunning { try await Task.sleep(for: .milliseconds(50)) }
        }
        try? FileManager.default.removeItem(atPath: pidPath)
        return true
    }

    /// The last lines of the controller's log.
    func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// This program's own executable (`/proc/self/exe` on Linux).
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
