/// The pure bookkeeping of `EventRecorder`, after client-go's recorder: isomorphic events (same
/// object, type, reason and action) within `window` become one Event whose series count grows,
/// and each object has a token bucket (`burst` events, one more every `refill`) so a hot loop
/// cannot flood the API server. Time is passed in.
struct EventAggregation: Sendable {
    /// What to do with one event.
    enum Decision: Sendable, Equatable {
        /// Create a new Event with this name.
        case create(name: String)
        /// Update the series of the existing Event to this count.
        case incrementSeries(name: String, count: Int)
        /// Drop it: the object's budget is spent.
        case drop
    }

    struct Key: Hashable, Sendable {
        var object: String
        var type: String
        var reason: String
        var action: String
    }

    private struct Series {
        var name: String
        var count: Int
        var lastSeen: ContinuousClock.Instant
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let window: Duration
    let burst: Double
    let refill: Duration
    private var series: [Key: Series] = [:]
    private var buckets: [String: Bucket] = [:]

    init(window: Duration = .seconds(600), burst: Int = 25, refill: Duration = .seconds(300)) {
        self.window = window
        self.burst = Double(burst)
        self.refill = refill
    }

    /// Decides about an event for `key` at `now`; `makeName` names a new Event.
    mutating func decide(_ key: Key, now: ContinuousClock.Instant, makeName: () -> String) -> Decision {
        var bucket = buckets[key.object] ?? Bucket(tokens: burst, updated: now)
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perToken = Double(refill.components.seconds) + Double(refill.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + seconds / max(perToken, 0.001))
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[key.object] = bucket
            return .drop
        }
        bucket.tokens -= 1
        buckets[key.object] = bucket
        prune(now: now)
        if var existing = series[key], existing.lastSeen.duration(to: now) < window {
            existing.count += 1
            existing.lastSeen = now
            series[key] = existing
            return .incrementSeries(name: existing.name, count: existing.count)
        }
        let name = makeName()
        series[key] = Series(name: name, count: 1, lastSeen: now)
        return .create(name: name)
    }

    /// Starts the series of `key` afresh under a new name (its Event was deleted, or expired
    /// from the API server, before the series ended); returns the name.
    mutating func restart(_ key: Key, now: ContinuousClock.Instant, makeName: () -> String) -> String {
        let name = makeName()
        series[key] = Series(name: name, count: 1, lastSeen: now)
        return name
    }

    /// Forgets everything about an object (it was deleted).
    mutating func forget(object: String) {
        buckets[object] = nil
        series = series.filter { $0.key.object != object }
    }

    private mutating func prune(now: ContinuousClock.Instant) {
        guard series.count > 4096 else { return }
        series = series.filter { $0.value.lastSeen.duration(to: now) < window }
    }
}
