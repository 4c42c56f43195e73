import KubeClient

/// Decides which updates of the primary resource are worth a reconcile. Additions and deletions
/// always pass; an update passes when `shouldReconcile(old, new)` says so.
public struct EventFilter: Sendable {
    /// Whether an update from `old` to `new` metadata needs a reconcile.
    public var shouldReconcile: @Sendable (_ old: ObjectMeta, _ new: ObjectMeta) -> Bool

    /// Makes a filter from a predicate over the old and new metadata.
    public init(_ shouldReconcile: @escaping @Sendable (_ old: ObjectMeta, _ new: ObjectMeta) -> Bool) {
        self.shouldReconcile = shouldReconcile
    }

    /// Every update passes.
    public static let all = EventFilter { _, _ in true }

    /// Updates pass when `metadata.generation` changed (a spec change), with exceptions that a
    /// reconciler must see although the generation stays: the object was marked for deletion
    /// (`deletionTimestamp` set), or its finalizers changed. Kinds that have no generation pass
    /// always. Status-only writes, and label or annotation edits, are filtered out — which also
    /// keeps a reconciler's own status writes from triggering it again. Resync still visits
    /// every object periodically.
    public static let generationChanged = EventFilter { old, new in
        guard let oldGeneration = old.generation, let newGeneration = new.generation else { return true }
        if oldGeneration != newGeneration { return true }
        if old.deletionTimestamp != new.deletionTimestamp { return true }
        return (old.finalizers ?? []) != (new.finalizers ?? [])
    }

    /// `generationChanged`, and also label and annotation changes (for reconcilers whose result
    /// depends on them, such as policy selection by label).
    public static let generationOrMetadataChanged = EventFilter { old, new in
        if EventFilter.generationChanged.shouldReconcile(old, new) { return true }
        return old.labels != new.labels || old.annotations != new.annotations
    }
}
