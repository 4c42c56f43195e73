import NIOConcurrencyHelpers

/// Holds the policy in force. Readers take the current snapshot synchronously on the hot path;
/// `swap` publishes a new one atomically, and observers hear about it after the swap.
public final class PolicyStore: Sendable {
    private let state: NIOLockedValueBox<State>

    private struct State {
        var current: PolicySnapshot?
        var observers: [Int: @Sendable (PolicySnapshot) -> Void] = [:]
        var nextObserver = 0
    }

    /// A store enforcing `initial`, or nothing (requests are then refused as not ready).
    public init(initial: PolicySnapshot? = nil) {
        state = NIOLockedValueBox(State(current: initial))
    }

    /// The snapshot in force, if any policy has been loaded.
    public var current: PolicySnapshot? { state.withLockedValue { $0.current } }

    /// Publishes `snapshot`; requests that already hold the old one finish under it.
    public func swap(to snapshot: PolicySnapshot) {
        let observers = state.withLockedValue { state in
            state.current = snapshot
            return Array(state.observers.values)
        }
        for observer in observers { observer(snapshot) }
    }

    /// Calls `observer` after every swap until the returned token is passed to `removeObserver`.
    @discardableResult
    public func addObserver(_ observer: @escaping @Sendable (PolicySnapshot) -> Void) -> Int {
        state.withLockedValue { state in
            let token = state.nextObserver
            state.nextObserver += 1
            state.observers[token] = observer
            return token
        }
    }

    /// Stops calling the observer registered as `token`.
    public func removeObserver(_ token: Int) {
        _ = state.withLockedValue { $0.observers.removeValue(forKey: token) }
    }
}
