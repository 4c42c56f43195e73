import Metrics

/// The async work queue workers pull keys from: deduplicating, never handing one key to two
/// workers at once, with per-item exponential backoff, an overall token bucket and delayed adds
/// (see `WorkQueueCore`, whose state it guards with a lock). Adds are synchronous, so event
/// handlers can call them; `next()` suspends until a key is ready.
///
/// Delayed keys only move into the queue while `run()` is running (the controller runs it).
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Key?, Never>
    }

    private struct State {
        var core: WorkQueueCore<Key>
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var timer: CheckedContinuation<Void, Never>?
        var timerDeadline: ContinuousClock.Instant?
        var timerPoked = false
        var sleeper: Task<Void, Never>?
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Locked<State>
    private let clock: RuntimeClock
    private let metrics: WorkQueueMetrics?

    /// Makes a queue. With a `name`, it reports the `workqueue_*` metrics under that name.
    public init(name: String? = nil, rateLimiter: RateLimiter<Key>.Configuration = .init(), clock: RuntimeClock = .continuous) {
        state = Locked(State(core: WorkQueueCore(rateLimiter: RateLimiter(configuration: rateLimiter))))
        self.clock = clock
        metrics = name.map(WorkQueueMetrics.init(name:))
    }

    /// Keys ready to be taken.
    public var count: Int { state.withLock { $0.core.count } }
    /// Keys waiting for a delay.
    public var waitingCount: Int { state.withLock { $0.core.waitingCount } }
    /// Keys taken and not yet done.
    public var processingCount: Int { state.withLock { $0.core.processingCount } }
    /// Whether the queue was shut down.
    public var isShuttingDown: Bool { state.withLock { $0.core.isShuttingDown } }

    /// Marks a key as needing processing (once, however often it is added before a worker takes it).
    public func add(_ key: Key) {
        metrics?.adds.increment()
        mutate { $0.core.add(key, now: clock.now()) }
    }

    /// Adds a key once `delay` has passed.
    public func add(_ key: Key, after delay: Duration) {
        mutate { $0.core.add(key, after: delay, now: clock.now()) }
    }

    /// Adds a key after its rate-limited backoff (for a failed reconcile).
    public func addRateLimited(_ key: Key) {
        metrics?.retries.increment()
        mutate { $0.core.addRateLimited(key, now: clock.now()) }
    }

    /// Forgets a key's failures (for a successful reconcile).
    public func forget(_ key: Key) { state.withLock { $0.core.forget(key) } }

    /// How many rate-limited requeues the key has had since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int { state.withLock { $0.core.numRequeues(key) } }

    /// Ends the processing of a key taken with `next()`. Must be called exactly once per key taken.
    public func done(_ key: Key) {
        let drained = mutate { state -> [CheckedContinuation<Void, Never>] in
            state.core.done(key, now: clock.now())
            guard state.core.processingCount == 0 else { return [] }
            defer { state.drainWaiters.removeAll() }
            return state.drainWaiters
        }
        drained.forEach { $0.resume() }
    }

    /// The next key to process; suspends until one is ready. Nil once the queue shuts down or the
    /// calling task is cancelled.
    public func next() async -> Key? {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let key: Key? = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Key?, Never>) in
                let immediate: Key?? = state.withLock { state in
                    let now = clock.now()
                    if let (key, waited) = state.core.take(now: now) {
                        metrics?.queueDuration.record(waited)
                        return .some(key)
                    }
                    if state.core.isShuttingDown || Task.isCancelled { return .some(nil) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
        updateDepth()
        return key
    }

    /// Moves delayed keys into the queue as their time comes, until the queue shuts down or the
    /// task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            let (deadline, stop) = mutate { state -> (ContinuousClock.Instant?, Bool) in
                state.core.advance(now: clock.now())
                // The timer is about to wait for this deadline: record it, or `mutate` would see a
                // delayed key with no deadline set and poke the timer awake at once, forever.
                state.timerDeadline = state.core.nextReadyAt
                return (state.core.nextReadyAt, state.core.isShuttingDown)
            }
            if stop { return }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.timerPoked || Task.isCancelled || state.core.isShuttingDown {
                            state.timerPoked = false
                            return true
                        }
                        state.timer = continuation
                        state.timerDeadline = deadline
                        if let deadline {
                            let clock = self.clock
                            state.sleeper = Task { [weak self] in
                                // A sleeper cancelled by a poke must not poke the next wait.
                                do { try await clock.sleepUntil(deadline) } catch { return }
                                if Task.isCancelled { return }
                                self?.pokeTimer()
                            }
                        }
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                pokeTimer()
            }
        }
    }

    /// Stops handing out keys: waiting workers get nil, queued and delayed keys are dropped
    /// (a restarted controller rebuilds them from its first list). Keys in process stay until done.
    public func shutDown() {
        let waiters = state.withLock { state -> [Waiter] in
            state.core.shutDown()
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.continuation.resume(returning: nil) }
        pokeTimer()
        updateDepth()
    }

    /// Shuts down and waits until every key in process is done.
    public func shutDownAndDrain() async {
        shutDown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = state.withLock { state -> Bool in
                if state.core.processingCount == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }

    /// Applies a change to the core, then hands ready keys to waiting workers and wakes the timer
    /// when the earliest deadline moved.
    @discardableResult
    private func mutate<R>(_ body: (inout State) -> R) -> R {
        var handOff: [(CheckedContinuation<Key?, Never>, Key)] = []
        var wakeTimer = false
        let result = state.withLock { state -> R in
            let result = body(&state)
            let now = clock.now()
            while !state.waiters.isEmpty, let (key, waited) = state.core.take(now: now) {
                metrics?.queueDuration.record(waited)
                handOff.append((state.waiters.removeFirst().continuation, key))
            }
            if let next = state.core.nextReadyAt, state.timerDeadline.map({ next < $0 }) ?? true {
                wakeTimer = true
            }
            return result
        }
        for (continuation, key) in handOff { continuation.resume(returning: key) }
        if wakeTimer { pokeTimer() }
        updateDepth()
        return result
    }

    private func pokeTimer() {
        let timer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.sleeper?.cancel()
            state.sleeper = nil
            state.timerDeadline = nil
            guard let timer = state.timer else {
                state.timerPoked = true
                return nil
            }
            state.timer = nil
            return timer
        }
        timer?.resume()
    }

    private func updateDepth() {
        guard let metrics else { return }
        metrics.depth.record(state.withLock { $0.core.count })
    }
}
