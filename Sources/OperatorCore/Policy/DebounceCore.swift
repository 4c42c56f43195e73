/// When to act on a burst of changes to one key, purely: the first change after a quiet spell
/// fires at once (so a single edit goes out without delay); changes that follow are coalesced and
/// fire together once `quiet` has passed without another, and at most `maxDelay` after the first
/// of them. A burst ends after `quiet` without a change.
public struct DebounceCore<Key: Hashable & Sendable>: Sendable {
    /// What the driver does next for a key.
    public enum Action: Sendable, Hashable {
        /// Fire now, and call `wake` at the instant.
        case fire(wakeAt: ContinuousClock.Instant)
        /// Call `wake` at the instant.
        case wake(at: ContinuousClock.Instant)
        /// Nothing (a wake is already scheduled, or the burst is over).
        case none
    }

    private struct Burst: Sendable {
        var first: ContinuousClock.Instant
        var last: ContinuousClock.Instant
        var pending: Bool
    }

    /// Quiet time that ends a burst.
    public let quiet: Duration
    /// The longest a change waits.
    public let maxDelay: Duration
    private var bursts: [Key: Burst] = [:]

    /// A debouncer with `quiet` (default 50 ms) and `maxDelay` (default 250 ms).
    public init(quiet: Duration = .milliseconds(50), maxDelay: Duration = .milliseconds(250)) {
        self.quiet = quiet
        self.maxDelay = maxDelay
    }

    /// A change of `key` at `now`.
    public mutating func note(_ key: Key, now: ContinuousClock.Instant) -> Action {
        guard var burst = bursts[key] else {
            bursts[key] = Burst(first: now, last: now, pending: false)
            return .fire(wakeAt: now + quiet)
        }
        if !burst.pending { burst.first = now }
        burst.last = now
        burst.pending = true
        bursts[key] = burst
        return .none
    }

    /// The scheduled wake for `key` at `now`.
    public mutating func wake(_ key: Key, now: ContinuousClock.Instant) -> Action {
        guard let burst = bursts[key] else { return .none }
        guard burst.pending else {
            if now >= burst.last + quiet {
                bursts[key] = nil
                return .none
            }
            return .wake(at: burst.last + quiet)
        }
        let deadline = min(burst.last + quiet, burst.first + maxDelay)
        guard now >= deadline else { return .wake(at: deadline) }
        bursts[key] = Burst(first: now, last: now, pending: false)
        return .fire(wakeAt: now + quiet)
    }

    /// Whether a burst of `key` is open.
    public func isActive(_ key: Key) -> Bool { bursts[key] != nil }
}
