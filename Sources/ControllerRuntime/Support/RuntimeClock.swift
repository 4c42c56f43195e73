/// The clock the runtime's I/O layers read and sleep on: the continuous clock in production, a
/// manual one in tests. The pure cores never read a clock; they take `now` as an argument.
public struct RuntimeClock: Sendable {
    /// The current instant.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Sleeps until the instant (or throws `CancellationError`).
    public var sleepUntil: @Sendable (ContinuousClock.Instant) async throws -> Void

    /// Makes a clock from its two operations.
    public init(now: @escaping @Sendable () -> ContinuousClock.Instant,
                sleepUntil: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void) {
        self.now = now
        self.sleepUntil = sleepUntil
    }

    /// The process's monotonic clock.
    public static let continuous = RuntimeClock(
        now: { ContinuousClock.now },
        sleepUntil: { try await ContinuousClock().sleep(until: $0, tolerance: nil) })

    /// Sleeps for `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await sleepUntil(now() + duration)
    }
}

/// A source of uniform random numbers in `0..<1`, injected where jitter is applied so tests are
/// deterministic.
public struct JitterSource: Sendable {
    /// The next number in `0..<1`.
    public var next: @Sendable () -> Double

    /// Makes a source from a function.
    public init(_ next: @escaping @Sendable () -> Double) { self.next = next }

    /// The system random generator.
    public static let system = JitterSource { Double.random(in: 0..<1) }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// A duration from floating-point seconds.
    static func secondsDouble(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded()))
    }
}
