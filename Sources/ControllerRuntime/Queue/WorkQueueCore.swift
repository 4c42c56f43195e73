/// The pure state machine of the work queue, after client-go's rate-limiting delaying queue:
///
/// - `dirty` holds keys that need processing; adding a key already dirty does nothing, so a
///   burst of events for one object becomes one reconcile.
/// - `processing` holds keys a worker has taken; a key added while it is processed is only marked
///   dirty, and goes back in the queue when the worker calls `done`, so no key is ever handed
///   to two workers at once.
/// - delayed adds wait in a heap until `advance(now:)` moves them to the queue.
///
/// Time is passed in; the async `WorkQueue` drives it with a clock.
public struct WorkQueueCore<Key: Hashable & Sendable>: Sendable {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiting = DelayHeap<Key>()
    private var enqueuedAt: [Key: ContinuousClock.Instant] = [:]
    /// The retry policy.
    public private(set) var rateLimiter: RateLimiter<Key>
    /// Whether `shutDown()` was called: adds are ignored and `take` returns nothing more.
    public private(set) var isShuttingDown = false

    /// An empty queue with the given rate limiter.
    public init(rateLimiter: RateLimiter<Key> = RateLimiter()) {
        self.rateLimiter = rateLimiter
    }

    /// Keys ready to be taken.
    public var count: Int { queue.count - head }
    /// Keys waiting for a delay to pass.
    public var waitingCount: Int { waiting.count }
    /// Keys taken and not yet done.
    public var processingCount: Int { processing.count }
    /// When the next delayed key becomes ready.
    public var nextReadyAt: ContinuousClock.Instant? { waiting.nextReadyAt }

    /// Whether the key is queued (ready, not taken).
    public func isQueued(_ key: Key) -> Bool { dirty.contains(key) && !processing.contains(key) }
    /// Whether a worker holds the key.
    public func isProcessing(_ key: Key) -> Bool { processing.contains(key) }

    /// Marks the key as needing processing. Returns true when it became ready to take (it was
    /// neither queued nor being processed).
    @discardableResult
    public mutating func add(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        guard !isShuttingDown, !dirty.contains(key) else { return false }
        dirty.insert(key)
        if processing.contains(key) { return false }
        append(key, now: now)
        return true
    }

    /// Adds the key once `delay` has passed (at once when it is not positive). A key already
    /// waiting keeps the earlier of its two times. Returns true when it became ready now.
    @discardableResult
    public mutating func add(_ key: Key, after delay: Duration, now: ContinuousClock.Instant) -> Bool {
        guard !isShuttingDown else { return false }
        if delay <= .zero { return add(key, now: now) }
        waiting.insert(key, readyAt: now + delay)
        return false
    }

    /// Adds the key after the rate limiter's delay (the longer of its backoff and the bucket's).
    @discardableResult
    public mutating func addRateLimited(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        guard !isShuttingDown else { return false }
        let delay = rateLimiter.when(key, now: now)
        return add(key, after: delay, now: now)
    }

    /// Moves the delayed keys whose time has come into the queue; returns how many became ready.
    @discardableResult
    public mutating func advance(now: ContinuousClock.Instant) -> Int {
        var ready = 0
        for key in waiting.popReady(now: now) where add(key, now: now) { ready += 1 }
        return ready
    }

    /// Takes the next ready key for processing, with how long it waited in the queue; nil when
    /// nothing is ready or the queue is shutting down.
    public mutating func take(now: ContinuousClock.Instant) -> (key: Key, waited: Duration)? {
        guard !isShuttingDown, head < queue.count else { return nil }
        let key = queue[head]
        head += 1
        if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        dirty.remove(key)
        processing.insert(key)
        let waited = enqueuedAt.removeValue(forKey: key).map { $0.duration(to: now) } ?? .zero
        return (key, waited)
    }

    /// Ends the processing of a key. Returns true when it was added meanwhile and is ready again.
    @discardableResult
    public mutating func done(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        processing.remove(key)
        guard dirty.contains(key), !isShuttingDown else { return false }
        append(key, now: now)
        return true
    }

    /// Forgets the key's failures (after a successful reconcile).
    public mutating func forget(_ key: Key) { rateLimiter.forget(key) }

    /// How many times the key was requeued with `addRateLimited` since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int { rateLimiter.numRequeues(key) }

    /// Stops handing out keys and drops the queued and delayed ones; keys being processed stay
    /// until their `done`.
    public mutating func shutDown() {
        isShuttingDown = true
        queue.removeAll()
        head = 0
        dirty.removeAll()
        waiting.removeAll()
        enqueuedAt.removeAll()
    }

    private mutating func append(_ key: Key, now: ContinuousClock.Instant) {
        queue.append(key)
        enqueuedAt[key] = now
    }
}
