import Foundation
import Logging
import NIOConcurrencyHelpers
import ProcessSpawn

/// An upstream MCP server run as a child process: newline-delimited JSON-RPC on its stdin and
/// stdout, its stderr copied to the log line by line. `close()` ends the process (SIGTERM, then
/// SIGKILL after a grace period).
public final class StdioTransport: UpstreamTransport {
    /// What to run.
    public let command: [String]
    private let environment: [String: String]?
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let writeQueue = DispatchQueue(label: "mcp-gateway.stdio.write")

    private struct State {
        var process: ChildProcess?
        var stdin: FileHandle?
        var closed = false
    }

    /// A transport that will run `command` (the executable, looked up on PATH, then its arguments).
    public init(command: [String], environment: [String: String]? = nil, logger: Logger) {
        self.command = command
        self.environment = environment
        self.logger = logger
    }

    /// The child's process id while it runs (tests kill it to simulate a crash).
    public var processIdentifier: Int32? {
        state.withLockedValue { $0.process?.isRunning == true ? $0.process?.processIdentifier : nil }
    }

    /// The search path used when neither the given environment nor the gateway's has `PATH`.
    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    /// The file to run for `command`: the command itself when it names a path (contains `/`), else
    /// the first executable file of that name on `searchPath`. Resolved here rather than through
    /// `/usr/bin/env`, which FROM-scratch and distroless images do not have.
    static func resolveExecutable(_ command: String, searchPath: String,
                                  isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }) -> String? {
        if command.contains("/") { return isExecutable(command) ? command : nil }
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(command)" : "\(directory)/\(command)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    public func start() async throws -> AsyncStream<JSONRPCMessage> {
        guard let executable = command.first else { throw UpstreamError.launchFailed("no command given") }
        let searchPath = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? Self.defaultSearchPath
        guard let resolved = Self.resolveExecutable(executable, searchPath: searchPath) else {
            throw UpstreamError.launchFailed("\(executable): not found on PATH (\(searchPath)) or not executable")
        }
        let process: ChildProcess
        do {
            // Not Foundation's Process: the child would inherit the gateway's ignored SIGTERM and
            // blocked signals (and so never end on SIGTERM), and its descriptors (another
            // upstream's stdin, which then never sees end-of-file).
            process = try ChildProcess(executable: resolved, arguments: Array(command.dropFirst()), environment: environment,
                                       stdin: .pipe, stdout: .pipe, stderr: .pipe)
        } catch {
            throw UpstreamError.launchFailed("\(command.joined(separator: " ")): \(error)")
        }
        guard let input = process.standardInput, let output = process.standardOutput, let errors = process.standardError else {
            preconditionFailure("the three streams are pipes")
        }
        let (stream, continuation) = AsyncStream<JSONRPCMessage>.makeStream(bufferingPolicy: .unbounded)
        let alreadyClosed = state.withLockedValue { state -> Bool in
            state.process = process
            state.stdin = input
            return state.closed
        }
        if alreadyClosed { process.terminate(grace: .seconds(2)) }
        let logger = self.logger
        let pid = process.processIdentifier
        Self.readLines(from: output, name: "stdout \(pid)") { line in
            Self.decode(line, logger: logger).forEach { continuation.yield($0) }
        } onEnd: {
            continuation.finish()
            // Its stdout closed: it is ending on its own, most likely. Reap it (close() would too).
            DispatchQueue.global().async { _ = process.wait(timeout: .seconds(5)) }
        }
        Self.readLines(from: errors, name: "stderr \(pid)") { line in
            logger.info("upstream stderr", metadata: ["pid": "\(pid)", "line": "\(String(decoding: line, as: UTF8.self))"])
        } onEnd: {}
        return stream
    }

    public func send(_ message: JSONRPCMessage) async throws -> [JSONRPCMessage] {
        guard let handle = state.withLockedValue({ $0.closed ? nil : $0.stdin }) else { throw UpstreamError.closed }
        var bytes = message.renderedBytes()
        bytes.append(0x0A)
        let data = Data(bytes)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            writeQueue.async {
                do {
                    try handle.write(contentsOf: data)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: UpstreamError.exited("write failed: \(error)"))
                }
            }
        }
        return []  // answers come on stdout
    }

    public func close() async {
        let (process, stdin) = state.withLockedValue { state -> (ChildProcess?, FileHandle?) in
            state.closed = true
            defer { state.stdin = nil }
            return (state.process, state.stdin)
        }
        try? stdin?.close()
        guard let process else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.terminate(grace: .seconds(2))
                continuation.resume()
            }
        }
    }

    /// Reads `handle` on a thread of its own until end of file, calling `onLine` for each line.
    private static func readLines(from handle: FileHandle, name: String,
                                  onLine: @escaping @Sendable ([UInt8]) -> Void,
                                  onEnd: @escaping @Sendable () -> Void) {
        let thread = Thread {
            let descriptor = handle.fileDescriptor
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                buffer.append(contentsOf: chunk[0..<count])
                var start = 0
                while let newline = buffer[start...].firstIndex(of: 0x0A) {
                    let line = Array(buffer[start..<newline])
                    start = newline + 1
                    if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { onLine(line) }
                }
                buffer.removeFirst(start)
                // A peer that never sends a newline cannot make us hold unbounded memory.
                if buffer.count > 64 << 20 { buffer.removeAll() }
            }
            if !buffer.isEmpty { onLine(buffer) }
            try? handle.close()
            onEnd()
        }
        thread.name = name
        thread.start()
    }

    private static func decode(_ line: [UInt8], logger: Logger) -> [JSONRPCMessage] {
        guard let json = try? JSONValue(parsing: line) else {
            logger.warning("upstream wrote a line that is not JSON", metadata: ["bytes": "\(line.count)"])
            return []
        }
        let values = json.arrayValue ?? [json]
        return values.compactMap { value in
            do {
                return try JSONRPCMessage(json: value)
            } catch {
                logger.warning("upstream wrote an invalid JSON-RPC message", metadata: ["reason": "\(error)"])
                return nil
            }
        }
    }
}
