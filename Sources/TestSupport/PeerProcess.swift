import Foundation
@_exported import ProcessSpawn

/// A helper process for tests (a Python peer server, an MCP server, a gateway): started with its
/// output piped, the first line of stdout read as its address, and terminated when the test ends.
/// Started through `ChildProcess`, so SIGTERM reaches it and it holds none of the test process's
/// descriptors but its stderr.
public final class PeerProcess: @unchecked Sendable {
    /// The running process.
    public let process: ChildProcess
    /// The first line the process printed (its port or socket path, by convention).
    public let firstLine: String

    /// Starts `executable` with `arguments` and waits up to `timeout` for its first output line.
    /// This blocks the calling thread: from async code use `PeerProcess.start`.
    /// `stderr` goes to this process's stderr unless given (a log file, say).
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                timeout: Duration = .seconds(20), stderr: ChildProcess.Stream = .inherit) throws {
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                       stdin: .null, stdout: .pipe, stderr: stderr)
        self.process = process
        // poll(2) before each read, so a peer that stays silent cannot block this past the deadline.
        guard let descriptor = process.standardOutput?.fileDescriptor else { preconditionFailure("stdout is a pipe") }
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while !buffer.contains(0x0A) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            var ready: Int32 = 0
            if remaining > .zero {
                var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(min(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000, 1000))
                ready = poll(&descriptors, 1, max(milliseconds, 1))
            }
            var count = 0
            if ready > 0 { count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) } }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if remaining <= .zero || count == 0 && ready > 0 || !process.isRunning {
                // Past the deadline, end of output, or the process is gone without a line.
                let running = process.isRunning
                if running { process.terminate(grace: .zero) }
                throw PeerProcessError(message: "\(executable) \(arguments.joined(separator: " ")) printed no first line within \(timeout) (running: \(running))")
            }
        }
        let line = buffer.prefix(while: { $0 != 0x0A })
        firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends SIGTERM (then SIGKILL after a grace period) and waits for the exit.
    public func stop(grace: TimeInterval = 2) {
        process.terminate(grace: .milliseconds(Int(grace * 1000)))
    }

    deinit { stop() }
}

/// A peer process that did not start.
public struct PeerProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// How a command ended: its exit status and everything it printed.
public struct CommandOutcome: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a command to completion and returns its exit status and output. Both pipes are read at
/// once, so a child filling one cannot block on it. `environment` replaces the child's (nil: the
/// caller's); `stdin` is written and closed. This blocks the calling thread: from async code use
/// `runProcessAsync`.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       stdin: String? = nil, in directory: String? = nil) throws -> CommandOutcome {
    let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                   directory: directory, stdin: .pipe, stdout: .pipe, stderr: .pipe)
    guard let input = process.standardInput, let out = process.standardOutput, let err = process.standardError else {
        preconditionFailure("the three streams are pipes")
    }
    if let stdin { try? input.write(contentsOf: Data(stdin.utf8)) }
    try? input.close()
    let errors = ReadOnce()
    let reader = Thread { errors.finish(err.readDataToEndOfFile()) }
    reader.start()
    let output = out.readDataToEndOfFile()
    let termination = process.waitUntilExit()
    return CommandOutcome(status: termination.status, stdout: String(decoding: output, as: UTF8.self),
                          stderr: String(decoding: errors.wait(), as: UTF8.self))
}

/// Data read on another thread, handed over once.
private final class ReadOnce: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?

    func finish(_ value: Data) {
        condition.lock()
        data = value
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}

/// Runs a command to completion and returns its standard output; throws with its stderr when it
/// fails. This blocks the calling thread: from async code use `runCommandAsync`.
@discardableResult
public func runCommand(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> String {
    let outcome = try runProcess(executable, arguments, in: directory)
    guard outcome.status == 0 else {
        throw PeerProcessError(message: "\(executable) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)")
    }
    return outcome.stdout
}

/// A fresh temporary directory, removed by the caller with `removeTemporaryDirectory`.
public func makeTemporaryDirectory(prefix: String = "mcp-test") throws -> String {
    let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

// Swift's cooperative pool has one thread per core (two on the CI machine): a test that blocks
// one of them waiting for a process starves every other test running in parallel. The async
// forms below wait on a thread of their own.

extension PeerProcess {
    /// Starts a peer process without blocking the caller's thread; see `init`.
    public static func start(executable: String, arguments: [String], environment: [String: String]? = nil,
                             timeout: Duration = .seconds(20), stderr: ChildProcess.Stream = .inherit) async throws -> PeerProcess {
        try await onDedicatedThread {
            try PeerProcess(executable: executable, arguments: arguments, environment: environment, timeout: timeout, stderr: stderr)
        }
    }
}

/// Runs a command to completion without blocking the caller's thread; see `runCommand`.
@discardableResult
public func runCommandAsync(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> String {
    try await onDedicatedThread { try runCommand(executable, arguments, in: directory) }
}

/// Runs a command to completion without blocking the caller's thread; see `runProcess`.
public func runProcessAsync(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                            stdin: String? = nil, in directory: String? = nil) async throws -> CommandOutcome {
    try await onDedicatedThread { try runProcess(executable, arguments, environment: environment, stdin: stdin, in: directory) }
}

/// Runs blocking work on a new thread and resumes the caller with its result.
public func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
