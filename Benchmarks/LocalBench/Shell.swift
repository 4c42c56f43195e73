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
    /// (not for the end of its output: `mcpctl up` leaves a detached controller behind, which may
    /// hold inherited descriptors open).
    static func run(_ arguments: [String], log: String) throws {
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchError("\(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text.suffix(2000))")
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
