import Foundation

/// A helper process for tests (a Python peer server, an MCP server, a gateway): started with its
/// output piped, the first line of stdout read as its address, and terminated when the test ends.
public final class PeerProcess: @unchecked Sendable {
    /// The running process.
    public let process: Process
    /// The first line the process printed (its port or socket path, by convention).
    public let firstLine: String
    private let output: Pipe

    /// Starts `executable` with `arguments` and waits up to `timeout` for its first output line.
    /// This blocks the calling thread: from async code use `PeerProcess.start`.
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                timeout: Duration = .seconds(20)) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        self.output = output

        let handle = output.fileHandleForReading
        var buffer = Data()
        let deadline = ContinuousClock.now + timeout
        while !buffer.contains(0x0A) {
            if ContinuousClock.now > deadline || !process.isRunning {
                process.terminate()
                throw PeerProcessError(message: "\(executable) \(arguments.joined(separator: " ")) printed no first line (running: \(process.isRunning))")
            }
            let chunk = handle.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.01) } else { buffer.append(chunk) }
        }
        let line = buffer.prefix(while: { $0 != 0x0A })
        firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends SIGTERM (then SIGKILL after a grace period) and waits for the exit.
    public func stop(grace: TimeInterval = 2) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    let errors = ReadOnce()
    let reader = Thread { errors.finish(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutcome(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
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
                             timeout: Duration = .seconds(20)) async throws -> PeerProcess {
        try await onDedicatedThread {
            try PeerProcess(executable: executable, arguments: arguments, environment: environment, timeout: timeout)
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
