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
