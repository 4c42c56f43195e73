/// A one-shot signal tasks can wait for: `fire()` wakes every waiter, now and later.
final class Signal: Sendable {
    private let state = Locked<(fired: Bool, waiters: [UInt64: CheckedContinuation<Void, Never>], nextID: UInt64)>((false, [:], 0))

    /// Whether the signal has fired.
    var hasFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal.
    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the signal fired or the task is cancelled.
    func wait() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
