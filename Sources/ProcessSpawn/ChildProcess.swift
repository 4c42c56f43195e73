import Foundation

#if canImport(Glibc)
import Glibc
#endif

// glibc's extensions (2.29 and 2.34), declared under _GNU_SOURCE, which Swift's Glibc module does
// not define.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
@_silgen_name("pipe2")
private func pipeWithFlags(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnActionsChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

/// A child process started the way a supervisor must start one, which Foundation's `Process` does
/// not do on Linux:
///
/// - its signal mask is empty and every signal has its default action: a child started from a
///   thread that blocks signals (every Dispatch and NIO thread does), or from a process that ignores
///   SIGTERM (a service that handles it through a signal source), would otherwise inherit that, and
///   ignore SIGTERM for good;
/// - it inherits no file descriptor but its three standard ones: a pipe or socket of the parent
///   leaked into a child keeps the other end from seeing end-of-file (a helper that outlives a test
///   holds the test runner's output; a stdio server holds another's stdin open).
///
/// The standard streams are each inherited, `/dev/null`, a pipe to the parent, or a file.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// The parent's own.
        case inherit
        /// `/dev/null`.
        case null
        /// A pipe whose other end the parent gets (`standardInput` / `standardOutput` / `standardError`).
        case pipe
        /// A file, created when missing; appended to (output) or read (input).
        case file(String)
        /// The same as the child's standard output (only for standard error).
        case standardOutput
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        /// The exit status, or 128 + the signal number, as a shell reports it.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    /// The write end of the child's stdin, when it is a pipe.
    public let standardInput: FileHandle?
    /// The read end of the child's stdout, when it is a pipe.
    public let standardOutput: FileHandle?
    /// The read end of the child's stderr, when it is a pipe.
    public let standardError: FileHandle?

    private let lock = NSLock()
    private var ended: Termination?

    /// Starts `executable` (a path; no search) with `arguments` (not including the program name).
    /// `environment` replaces the parent's (nil: the parent's); `directory` is the child's working
    /// directory; `newSession` puts it in a session of its own (it outlives the terminal).
    public init(executable: String, arguments: [String] = [], environment: [String: String]? = nil,
                directory: String? = nil, stdin: Stream = .inherit, stdout: Stream = .inherit,
                stderr: Stream = .inherit, newSession: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32?] = [nil, nil, nil]
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        func failAndClose(_ code: Int32) -> SpawnError {
            parentEnds.compactMap { $0 }.forEach { close($0) }
            return SpawnError(executable: executable, code: code, reason: String(cString: strerror(code)))
        }

        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path):
                let flags = target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND
                posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            case .standardOutput:
                precondition(target == 2, "only standard error can follow standard output")
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard pipeWithFlags(&ends, O_CLOEXEC) == 0 else { throw failAndClose(errno) }
                let (childEnd, parentEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds[Int(target)] = parentEnd
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)  // dup2 clears close-on-exec
            }
        }
        _ = spawnActionsCloseFrom(&actions, 3)
        if let directory { _ = directory.withCString { spawnActionsChangeDirectory(&actions, $0) } }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= 0x80 }  // POSIX_SPAWN_SETSID (glibc)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result: Int32
        // Spawned and registered under the reaper's lock: the reaper must not take this child,
        // if it ends at once, for an orphan.
        OrphanReaper.lock.lock()
        if let environment {
            var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            result = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        }
        if result == 0 { OrphanReaper.register(pid) }
        OrphanReaper.lock.unlock()
        guard result == 0 else { throw failAndClose(result) }
        processIdentifier = pid
        standardInput = parentEnds[0].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        standardOutput = parentEnds[1].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        standardError = parentEnds[2].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    deinit {
        _ = termination  // reaps a child that ended unobserved, so no zombie stays behind
    }

    /// How the child ended, or nil while it runs (reaps it once it has ended).
    public var termination: Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let ended { return ended }
        var status: Int32 = 0
        let result = waitpid(processIdentifier, &status, WNOHANG)
        if result == processIdentifier {
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which are macros.
            let signal = status & 0x7f
            ended = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        } else if result < 0, errno == ECHILD {
            ended = .exited(-1)  // reaped by someone else: gone, status unknown
        }
        if ended != nil { OrphanReaper.unregister(processIdentifier) }
        return ended
    }

    /// Whether the child still runs.
    public var isRunning: Bool { termination == nil }

    /// Sends `signal` to the child, unless it has ended.
    public func signal(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Blocks until the child ends.
    @discardableResult
    public func waitUntilExit() -> Termination {
        var pause: UInt32 = 1_000
        while true {
            if let termination { return termination }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// Waits up to `timeout` for the child to end; nil if it still runs.
    public func wait(timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            usleep(2_000)
        }
        return termination
    }

    /// Ends the child: SIGTERM, then SIGKILL when it still runs after `grace`. Blocks until it ended.
    @discardableResult
    public func terminate(grace: Duration = .seconds(2)) -> Termination {
        signal(SIGTERM)
        if let termination = wait(timeout: grace) { return termination }
        signal(SIGKILL)
        return waitUntilExit()
    }
}

/// A child process that could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public let executable: String
    /// The errno value (ENOENT, EACCES, ETXTBSY, ...).
    public let code: Int32
    public let reason: String
    public var description: String { "cannot start \(executable): \(reason)" }
}
