/// A change the cache observed, as handed to event handlers. A relist after a compacted watch
/// produces the same events for the differences it finds (with `deleted` carrying the last state
/// the cache knew), so handlers never miss a change.
public enum ObjectEvent<T: Sendable>: Sendable {
    /// An object appeared.
    case added(T)
    /// An object changed from `old` to `new`.
    case updated(old: T, new: T)
    /// An object disappeared; the value is its last known state.
    case deleted(T)

    /// The object after the event (the last known state for a deletion).
    public var object: T {
        switch self {
        case .added(let object), .deleted(let object): return object
        case .updated(_, let new): return new
        }
    }
}

/// Receives a cache's events. Handlers run synchronously on the reflector's task, in order, and
/// must be quick: map the object to keys and enqueue them.
public typealias ObjectEventHandler<T: Sendable> = @Sendable (ObjectEvent<T>) -> Void
