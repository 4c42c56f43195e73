/// How long to wait before retrying an item: per-item exponential backoff combined with an
/// overall token bucket, taking the longer of the two — client-go's
/// `DefaultControllerRateLimiter`. A pure value: time is passed in.
public struct RateLimiter<Key: Hashable & Sendable>: Sendable {
    /// The settings of a rate limiter.
    public struct Configuration: Sendable, Hashable {
        /// The first per-item backoff; it doubles per failure of the same item.
        public var baseDelay: Duration
        /// The longest per-item backoff.
        public var maxDelay: Duration
        /// Retries per second across all items.
        public var qps: Double
        /// Retries that may happen at once before the rate applies.
        public var burst: Int

        /// The defaults: 5 ms doubling to 1000 s per item; 10 qps with a burst of 100 overall.
        public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000), qps: Double = 10, burst: Int = 100) {
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.qps = qps
            self.burst = burst
        }
    }

    /// The settings.
    public let configuration: Configuration
    private var failures: [Key: Int] = [:]
    private var tokens: Double
    private var lastRefill: ContinuousClock.Instant?

    /// Makes a limiter with a full bucket.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        tokens = Double(configuration.burst)
    }

    /// The delay before `key` may be retried now, counting one more failure for it.
    public mutating func when(_ key: Key, now: ContinuousClock.Instant) -> Duration {
        max(itemDelay(key), bucketDelay(now: now))
    }

    /// The per-item part: `baseDelay * 2^failures`, capped at `maxDelay`; counts the failure.
    public mutating func itemDelay(_ key: Key) -> Duration {
        let exponent = failures[key, default: 0]
        failures[key] = exponent + 1
        if exponent >= 62 { return configuration.maxDelay }
        let base = configuration.baseDelay.seconds * Double(UInt64(1) << UInt64(exponent))
        if base >= configuration.maxDelay.seconds { return configuration.maxDelay }
        return configuration.baseDelay * (1 << exponent)
    }

    /// The token-bucket part: takes a token, waiting for one when the bucket is empty (tokens
    /// may go negative: a reservation, as in golang.org/x/time/rate).
    public mutating func bucketDelay(now: ContinuousClock.Instant) -> Duration {
        if let lastRefill {
            let elapsed = max(0, lastRefill.duration(to: now).seconds)
            tokens = min(Double(configuration.burst), tokens + elapsed * configuration.qps)
        }
        lastRefill = now
        tokens -= 1
        if tokens >= 0 || configuration.qps <= 0 { return .zero }
        return .secondsDouble(-tokens / configuration.qps)
    }

    /// Forgets an item's failures, so its next backoff starts at `baseDelay` again.
    public mutating func forget(_ key: Key) { failures[key] = nil }

    /// How many times the item has failed since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int { failures[key, default: 0] }
}
