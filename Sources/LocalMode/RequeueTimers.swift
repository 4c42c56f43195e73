import ControllerRuntime
import Foundation
import Logging

/// Delayed re-adds of keys (a reconcile's `requeueAfter`, a failed reconcile's backoff), each
/// key held once at its earliest time, one sleeping task per key; a timer that is replaced or
/// cancelled adds nothing.
///
/// The local controller keeps its delayed requeues here rather than in the work queue's delay
/// heap: while that heap holds a key, `WorkQueue.run()` spins at a full core instead of sleeping
/// (its `advance` step runs through `mutate`, which sees no armed deadline and pokes the timer,
/// so the wait that follows returns at once, forever). With every server requeued for its
/// resync, that was always.
final class RequeueTimers: Sendable {
    private struct Timer {
        var due: ContinuousClock.Instant
        var task: Task<Void, Never>
    }

    private let timers = LockedState<[ObjectKey: Timer]>([:])
    private let fire: @Sendable (ObjectKey) -> Void

    /// Timers that call `fire` with their key when due.
    init(fire: @escaping @Sendable (ObjectKey) -> Void) {
        self.fire = fire
    }

    /// Keys waiting.
    var count: Int { timers.withLock { $0.count } }

    /// When the key is next due, if it waits.
    func due(_ key: ObjectKey) -> ContinuousClock.Instant? { timers.withLock { $0[key]?.due } }

    /// Fires `key` once `delay` has passed, unless it already waits for an earlier time.
    func schedule(_ key: ObjectKey, after delay: Duration) {
        let due = ContinuousClock.now + delay
        timers.withLock { timers in
            if let existing = timers[key], existing.due <= due { return }
            timers[key]?.task.cancel()
            let task = Task { [weak self] in
                do {
                    try await Task.sleep(until: due, clock: .continuous)
                } catch {
                    return
                }
                self?.expire(key, due: due)
            }
            timers[key] = Timer(due: due, task: task)
        }
    }

    /// Drops every timer.
    func cancelAll() {
        let cancelled = timers.withLock { timers -> [Timer] in
            defer { timers.removeAll() }
            return Array(timers.values)
        }
        for timer in cancelled { timer.task.cancel() }
    }

    private func expire(_ key: ObjectKey, due: ContinuousClock.Instant) {
        let current = timers.withLock { timers -> Bool in
            guard timers[key]?.due == due else { return false }
            timers[key] = nil
            return true
        }
        if current { fire(key) }
    }
}

/// A reconciler whose delayed requeues go to `RequeueTimers`: `requeueAfter` after its delay, a
/// failure (logged here) or `requeue` after the key's rate-limited backoff. The work queue only
/// ever sees `done`, so its delay heap stays empty.
struct TimedRequeueReconciler<Inner: Reconciler>: Reconciler {
    let inner: Inner
    let timers: RequeueTimers
    let backoff: LockedState<RateLimiter<ObjectKey>>
    let logger: Logger

    init(inner: Inner, timers: RequeueTimers, backoff: RateLimiter<ObjectKey>.Configuration, logger: Logger) {
        self.inner = inner
        self.timers = timers
        self.backoff = LockedState(RateLimiter(configuration: backoff))
        self.logger = logger
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        let result: ReconcileResult
        do {
            result = try await inner.reconcile(key)
        } catch {
            if Task.isCancelled { throw error }
            let (delay, retries) = backoff.withLock { ($0.when(key, now: .now), $0.numRequeues(key)) }
            logger.error("reconcile failed: \(error)", metadata: ["key": "\(key)", "retries": "\(retries - 1)"])
            timers.schedule(key, after: delay)
            return .done
        }
        switch result {
        case .done:
            backoff.withLock { $0.forget(key) }
        case .requeue:
            timers.schedule(key, after: backoff.withLock { $0.when(key, now: .now) })
        case .requeueAfter(let delay):
            backoff.withLock { $0.forget(key) }
            timers.schedule(key, after: delay)
        }
        return .done
    }
}
