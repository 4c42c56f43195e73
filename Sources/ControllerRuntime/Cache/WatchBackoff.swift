/// The reflector's backoff between failed list or watch attempts, after client-go's: 800 ms
/// doubling to 30 s, reset once two minutes pass without a failure. Each delay is jittered down
/// by up to `jitter` of itself (so delays stay within the cap and reflectors that failed together
/// do not retry together). A pure value: time and randomness are passed in.
public struct WatchBackoff: Sendable, Hashable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// How long without a failure resets the delay to `initial`.
    public var resetAfter: Duration
    /// The fraction of each delay that is random (0 for none).
    public var jitter: Double

    private var current: Duration?
    private var lastFailure: ContinuousClock.Instant?

    /// The defaults: 800 ms doubling to 30 s, reset after 2 healthy minutes, 20 % jitter.
    public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30),
                resetAfter: Duration = .seconds(120), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
        self.jitter = jitter
    }

    /// The delay before the next attempt after a failure at `now`; `random` is in `0..<1`.
    public mutating func nextDelay(now: ContinuousClock.Instant, random: Double) -> Duration {
        if let lastFailure, lastFailure.duration(to: now) >= resetAfter { current = nil }
        lastFailure = now
        let base = current.map { min($0 * 2, maximum) } ?? min(initial, maximum)
        current = base
        return base * (1 - jitter * min(max(random, 0), 1))
    }

    /// Forgets past failures.
    public mutating func reset() {
        current = nil
        lastFailure = nil
    }
}
