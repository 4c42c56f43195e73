import Foundation

/// Remembers how each container the controller runs has exited and been restarted, and decides
/// when the next restart may happen: at once after the first exit, then with exponential backoff
/// while it keeps exiting (crash loop), reset once it has run `resetAfter`. Pure; the controller
/// feeds it what it inspects.
public struct RestartTracker: Sendable {
    /// The backoff.
    public struct Configuration: Sendable, Hashable {
        /// The delay before the second restart in a row; it doubles after each further exit.
        public var baseDelay: Duration
        /// The longest delay.
        public var maxDelay: Duration
        /// A container that ran this long is no longer crash-looping.
        public var resetAfter: Duration
        /// Exits in a row from which the container counts as crash-looping (Degraded).
        public var crashLoopThreshold: Int

        public init(baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60), resetAfter: Duration = .seconds(60),
                    crashLoopThreshold: Int = 3) {
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.resetAfter = resetAfter
            self.crashLoopThreshold = crashLoopThreshold
        }
    }

    /// One exit of a container.
    public struct Exit: Sendable, Hashable {
        /// The exit code.
        public var code: Int
        /// Whether the kernel killed it for exceeding its memory limit.
        public var oomKilled: Bool
        /// When it ended.
        public var at: Date

        public init(code: Int, oomKilled: Bool, at: Date) {
            self.code = code
            self.oomKilled = oomKilled
            self.at = at
        }

        /// `OOMKilled`, `Completed` (code 0) or `Error`, as Kubernetes names a terminated container's reason.
        public var reason: String { oomKilled ? "OOMKilled" : (code == 0 ? "Completed" : "Error") }
    }

    /// What is known of one container.
    public struct Record: Sendable, Hashable {
        /// Restarts (and re-creations) the controller made.
        public var restarts = 0
        /// Exits without a long enough run in between.
        public var consecutiveExits = 0
        /// OOM kills seen.
        public var oomKills = 0
        /// The last exit.
        public var lastExit: Exit?
        /// When the controller last started it.
        public var lastStart: Date?
    }

    /// The backoff settings.
    public let configuration: Configuration
    /// Container name → record.
    public private(set) var records: [String: Record] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Records an exit (once per distinct end time). Returns whether it was new.
    @discardableResult
    public mutating func exited(_ container: String, _ exit: Exit) -> Bool {
        var record = records[container] ?? Record()
        guard record.lastExit?.at != exit.at else { return false }
        if let start = record.lastStart, exit.at.timeIntervalSince(start) >= seconds(configuration.resetAfter) {
            record.consecutiveExits = 0
        }
        record.consecutiveExits += 1
        if exit.oomKilled { record.oomKills += 1 }
        record.lastExit = exit
        records[container] = record
        return true
    }

    /// The time to wait before restarting `container` (zero: now).
    public func delay(_ container: String, now: Date) -> Duration {
        guard let record = records[container], let exit = record.lastExit, record.consecutiveExits > 1 else { return .zero }
        let exponent = min(record.consecutiveExits - 2, 30)
        let backoff = min(seconds(configuration.baseDelay) * pow(2, Double(exponent)), seconds(configuration.maxDelay))
        let remaining = exit.at.addingTimeInterval(backoff).timeIntervalSince(now)
        return remaining > 0 ? .milliseconds(Int64((remaining * 1000).rounded(.up))) : .zero
    }

    /// Records that the controller (re)started or re-created `container`.
    public mutating func restarted(_ container: String, now: Date) {
        var record = records[container] ?? Record()
        record.restarts += 1
        record.lastStart = now
        records[container] = record
    }

    /// Records a first start (not a restart).
    public mutating func started(_ container: String, now: Date) {
        records[container, default: Record()].lastStart = now
    }

    /// Whether `container` is crash-looping at `now`: it exited `crashLoopThreshold` times in a row,
    /// and has not been running for `resetAfter` since its last restart (a plugin that recovered
    /// is no longer reported, without waiting for its next exit).
    public func isCrashLooping(_ container: String, now: Date = Date()) -> Bool {
        guard let record = records[container], record.consecutiveExits >= configuration.crashLoopThreshold else { return false }
        if let start = record.lastStart, let exit = record.lastExit, start >= exit.at,
           now.timeIntervalSince(start) >= seconds(configuration.resetAfter) {
            return false
        }
        return true
    }

    /// Forgets containers (their server was deleted).
    public mutating func forget(_ containers: some Sequence<String>) {
        for name in containers { records[name] = nil }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
