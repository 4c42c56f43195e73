/// What a controller does with one key: read the object (from the cache), make the world match
/// it, and say whether to look again. It must be level-triggered and idempotent: it may be
/// called for a key whose object is gone, and more than once for the same state.
public protocol Reconciler: Sendable {
    /// Reconciles the object with this key. A thrown error requeues the key with rate-limited
    /// backoff (and counts as a reconcile error).
    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult
}

/// Whether and when a key should be reconciled again after a successful reconcile.
public enum ReconcileResult: Sendable, Hashable {
    /// Finished; the key's backoff is reset and it is reconciled again only on a change.
    case done
    /// Again after the rate-limited backoff (as after an error, without counting one).
    case requeue
    /// Again after this delay (for periodic checks, such as re-verifying a pushed policy).
    case requeueAfter(Duration)
}

/// A reconciler made from a closure.
public struct ReconcileFunction: Reconciler {
    private let body: @Sendable (ObjectKey) async throws -> ReconcileResult

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (ObjectKey) async throws -> ReconcileResult) { self.body = body }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult { try await body(key) }
}
