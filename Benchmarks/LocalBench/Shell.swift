import Foundation
import TestSupport

/// Commands the benchmark runs, timed with the monotonic clock.
enum Shell {
    /// Runs `arguments` through /usr/bin/env and returns stdout; throws with stderr on failure.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        try runCommand("/usr/bin/env", arguments)
    }

    /// Runs `arguments` and returns whether it exited 0, ignoring its output.
    @discardableResult
    static func succeeds(_ arguments: [String]) -> Bool {
        (try? run(arguments)) != nil
    }

    /// Runs `arguments` with stdout and stderr appended to the file `log`, and waits for its exit
    /// with `waitpid` (`mcpctl up` leaves a detached controller behind; waiting for the end of its
    /// output, or for Foundation's process monitor, is not reliable then).
    static func run(_ arguments: [String], log: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, "/usr/bin/env", &actions, nil, argv, environ)
        guard result == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, spelled out (the C macros are not imported).
        let exited = status & 0x7f == 0
        guard exited, (status >> 8) & 0xff == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchError("\(arguments.joined(separator: " ")) failed (wait status \(status)): \(text.suffix(2000))")
        }
    }

    /// How long `body` took.
    static func time(_ body: () throws -> Void) rethrows -> Duration {
        let start = ContinuousClock.now
        try body()
        return ContinuousClock.now - start
    }
}

extension Duration {
    /// Seconds as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
