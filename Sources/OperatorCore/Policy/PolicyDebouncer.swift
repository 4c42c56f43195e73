import ControllerRuntime
import Synchronization

/// Debounces policy changes (`DebounceCore`) and fires `onFire` with everything gathered for the
/// key since the last fire: the servers affected and when the first of the coalesced changes was
/// observed.
final class PolicyDebouncer: Sendable {
    typealias Fire = @Sendable (_ key: ObjectKey, _ servers: Set<ObjectKey>, _ observedAt: ContinuousClock.Instant) -> Void

    private struct State: Sendable {
        var core: DebounceCore<ObjectKey>
        var servers: [ObjectKey: Set<ObjectKey>] = [:]
        var observedAt: [ObjectKey: ContinuousClock.Instant] = [:]
    }

    private let state: Mutex<State>
    private let onFire: Fire

    init(quiet: Duration = .milliseconds(50), maxDelay: Duration = .milliseconds(250), onFire: @escaping Fire) {
        state = Mutex(State(core: DebounceCore(quiet: quiet, maxDelay: maxDelay)))
        self.onFire = onFire
    }

    /// A change of the policy `key` affecting `servers`.
    func note(_ key: ObjectKey, servers: Set<ObjectKey>) {
        let now = ContinuousClock.now
        let action = state.withLock { state in
            state.servers[key, default: []].formUnion(servers)
            if state.observedAt[key] == nil { state.observedAt[key] = now }
            return state.core.note(key, now: now)
        }
        carryOut(action, key: key)
    }

    private func wake(_ key: ObjectKey) {
        let action = state.withLock { $0.core.wake(key, now: .now) }
        carryOut(action, key: key)
    }

    private func carryOut(_ action: DebounceCore<ObjectKey>.Action, key: ObjectKey) {
        switch action {
        case .none:
            return
        case .wake(let at):
            schedule(key, at: at)
        case .fire(let at):
            let (servers, observed) = state.withLock { state in
                (state.servers.removeValue(forKey: key) ?? [], state.observedAt.removeValue(forKey: key) ?? .now)
            }
            onFire(key, servers, observed)
            schedule(key, at: at)
        }
    }

    private func schedule(_ key: ObjectKey, at instant: ContinuousClock.Instant) {
        Task { [weak self] in
            try? await Task.sleep(until: instant, clock: .continuous)
            self?.wake(key)
        }
    }
}
