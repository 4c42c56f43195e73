import Foundation

/// Token buckets for rate limits, shared by every request a gateway serves and kept across
/// policy swaps (buckets are keyed by limit name and key, and take the rate and size each call
/// passes, so a changed limit applies at once). Thread-safe behind one lock; the clock is
/// injected. The number of buckets is bounded: when full, buckets that have refilled completely
/// (idle long enough that forgetting them changes nothing) are dropped first, then the least
/// recently used, down to 90% of the bound.
public final class RateLimiter: @unchecked Sendable {
    /// One bucket a call must take a token from.
    public struct Request: Sendable, Hashable {
        /// The limit's rule name (for example `rateLimits.per-user`); reported when it refuses.
        public var rule: String
        /// The bucket key within the limit (a subject, tool name or address).
        public var key: String
        /// Refill rate in tokens per second.
        public var ratePerSecond: Double
        /// Bucket size.
        public var burst: Double

        /// A bucket request.
        public init(rule: String, key: String, ratePerSecond: Double, burst: Double) {
            self.rule = rule
            self.key = key
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }
    }

    /// The answer to `acquire`.
    public enum Outcome: Sendable, Hashable {
        /// Every bucket had a token; one was taken from each.
        case allowed
        /// `rule`'s bucket was empty; nothing was taken; retry after `retryAfter` seconds.
        case limited(rule: String, retryAfter: Double)
    }

    private struct BucketKey: Hashable {
        var rule: String
        var key: String
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
        var ratePerSecond: Double
        var burst: Double

        /// Whether the bucket would be full by `now`, so forgetting it changes no decision.
        func isFull(at now: UInt64) -> Bool {
            let elapsed = now > updated ? Double(now - updated) / 1e9 : 0
            return tokens + elapsed * ratePerSecond >= burst
        }
    }

    private let lock = NSLock()
    private var buckets: [BucketKey: Bucket] = [:]
    private let clock: @Sendable () -> UInt64
    /// The most buckets kept at once.
    public let maximumKeys: Int

    /// A limiter reading time from `clock` (monotonic nanoseconds) and keeping at most
    /// `maximumKeys` buckets.
    public init(maximumKeys: Int = 100_000, clock: @escaping @Sendable () -> UInt64) {
        self.maximumKeys = max(1, maximumKeys)
        self.clock = clock
    }

    /// A monotonic clock in nanoseconds, for production use.
    public static let systemClock: @Sendable () -> UInt64 = {
        UInt64(ProcessInfo.processInfo.systemUptime * 1_000_000_000)
    }

    /// The number of buckets held.
    public var keyCount: Int {
        lock.withLock { buckets.count }
    }

    /// Takes one token from each requested bucket if every one has a token; otherwise takes none
    /// and reports the first empty bucket with the wait until it has one.
    public func acquire(_ requests: [Request]) -> Outcome {
        guard !requests.isEmpty else { return .allowed }
        let now = clock()
        return lock.withLock {
            var refilled: [(BucketKey, Bucket)] = []
            refilled.reserveCapacity(requests.count)
            for request in requests {
                let key = BucketKey(rule: request.rule, key: request.key)
                var bucket = buckets[key] ?? Bucket(tokens: request.burst, updated: now, ratePerSecond: 0, burst: 0)
                bucket.ratePerSecond = request.ratePerSecond
                bucket.burst = request.burst
                let elapsed = now > bucket.updated ? Double(now - bucket.updated) / 1e9 : 0
                bucket.tokens = min(request.burst, bucket.tokens + elapsed * request.ratePerSecond)
                bucket.updated = max(now, bucket.updated)
                if bucket.tokens < 1 {
                    let wait = request.ratePerSecond > 0 ? (1 - bucket.tokens) / request.ratePerSecond : .infinity
                    return .limited(rule: request.rule, retryAfter: wait)
                }
                refilled.append((key, bucket))
            }
            for (key, var bucket) in refilled {
                bucket.tokens -= 1
                if buckets[key] == nil, buckets.count >= maximumKeys { evict(now: now) }
                buckets[key] = bucket
            }
            return .allowed
        }
    }

    /// Makes room for a tenth of the capacity, so sweeps stay rare: drops full buckets, then
    /// if still above 90% the least recently used ones.
    private func evict(now: UInt64) {
        buckets = buckets.filter { !$0.value.isFull(at: now) }
        let target = maximumKeys - max(1, maximumKeys / 10)
        guard buckets.count > target else { return }
        let victims = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
        for (key, _) in victims { buckets.removeValue(forKey: key) }
    }
}
