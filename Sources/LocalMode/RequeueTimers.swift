import ControllerRuntime
import Foundation

/// Delayed re-adds of keys (a reconcile's `requeueAfter`), each key held once at its earliest
/// time, one sleeping task per key; a timer that is replaced or cancelled adds nothing.
///
/// The local controller keeps its periodic requeues here rather than in the work queue's delay
/// heap: while that heap is not empty, `WorkQueue.run()` re-arms a sleeper task per deadline, and
/// a sleeper cancelled by an earlier add still pokes the timer when it wakes, which cancels the
/// next sleeper, and so on: the queue's timer loop spins at a full core for as long as a key
/// waits. With every server requeued for its resync, that was always.
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

/// A reconciler whose `requeueAfter` results go to `RequeueTimers` (the work queue sees `done`,
/// which also resets the key's backoff, as `requeueAfter` does).
struct TimedRequeueReconciler<Inner: Reconciler>: Reconciler {
    let inner: Inner
    let timers: RequeueTimers

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        let result = try await inner.reconcile(key)
        guard case .requeueAfter(let delay) = result else { return result }
        timers.schedule(key, after: delay)
        return .done
    }
}
