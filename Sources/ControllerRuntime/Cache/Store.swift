import KubeClient

/// A thread-safe, indexed cache of one kind of object, keyed by namespace/name: what reconcilers
/// read instead of the API server. A reflector fills it; `hasSynced` turns true once its first
/// list has been stored. Reads return copies (the objects are values), so callers may keep them.
public final class Store<T: Sendable>: Sendable {
    private let state: Locked<(contents: StoreContents<T>, synced: Bool)>
    private let metadata: @Sendable (T) -> ObjectMeta

    /// Makes an empty store with the given secondary indexes (by namespace and by owner UID by
    /// default; add `.label` or your own). With a `codec`, objects are held encoded, which
    /// takes a fraction of the memory of decoded values; reads decode them again.
    public init(metadata: @escaping @Sendable (T) -> ObjectMeta,
                indexers: [Indexer<T>] = [.namespace, .ownerUID], codec: StoreCodec<T>? = nil) {
        self.metadata = metadata
        state = Locked((StoreContents(indexers: indexers, metadata: metadata, codec: codec), false))
    }

    /// Whether objects are held encoded.
    public var isCompact: Bool { state.withLock { $0.contents.codec != nil } }

    /// Whether the first complete list has been stored.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The number of cached objects.
    public var count: Int { state.withLock { $0.contents.objects.count } }

    /// The object with this key.
    public func get(_ key: ObjectKey) -> T? { state.withLock { $0.contents.object(key) } }

    /// The object with this namespace and name.
    public func get(namespace: String?, name: String) -> T? { get(ObjectKey(namespace: namespace, name: name)) }

    /// Every cached object, in no particular order.
    public func list() -> [T] {
        decoded(state.withLock { (Array($0.contents.objects.values), $0.contents.codec) })
    }

    /// Decodes outside the lock, so readers and the reflector do not wait on each other's decoding.
    private func decoded(_ taken: (entries: [StoredObject<T>], codec: StoreCodec<T>?)) -> [T] {
        taken.entries.compactMap { $0.object(taken.codec) }
    }

    /// Every cached object in a namespace (needs the `namespace` index; otherwise filters).
    public func list(namespace: String) -> [T] {
        decoded(state.withLock { state in
            if state.contents.indexes["namespace"] != nil {
                return (state.contents.entries(state.contents.keys(index: "namespace", value: namespace)), state.contents.codec)
            }
            return (state.contents.entries(state.contents.objects.keys.filter { $0.namespace ?? "" == namespace }), state.contents.codec)
        })
    }

    /// Every cached key.
    public func keys() -> [ObjectKey] { state.withLock { Array($0.contents.objects.keys) } }

    /// The objects filed under `value` in the index `name` (empty for an unknown index).
    public func byIndex(_ name: String, _ value: String) -> [T] {
        decoded(state.withLock { state in
            (state.contents.entries(state.contents.keys(index: name, value: value)), state.contents.codec)
        })
    }

    /// The keys filed under `value` in the index `name`.
    public func keys(byIndex name: String, _ value: String) -> [ObjectKey] {
        state.withLock { Array($0.contents.keys(index: name, value: value)) }
    }

    /// The objects carrying every label in `selector` (an equality selector).
    public func list(matchingLabels selector: [String: String]) -> [T] {
        list().filter { object in
            let labels = metadata(object).labels ?? [:]
            return selector.allSatisfy { labels[$0.key] == $0.value }
        }
    }

    // MARK: Writes (the reflector's)

    /// Stores an object; returns the event it amounts to.
    @discardableResult
    public func upsert(_ object: T) -> ObjectEvent<T>? { state.withLock { $0.contents.upsert(object) } }

    /// Removes an object; returns the deletion event, or nil when it was not cached.
    @discardableResult
    public func remove(_ object: T) -> ObjectEvent<T>? {
        let key = ObjectKey(metadata(object))
        return state.withLock { $0.contents.remove(key, finalState: object) }
    }

    /// Replaces the contents with a complete list, marks the store synced, and returns the
    /// differences as events.
    @discardableResult
    public func replace(with items: [T]) -> [ObjectEvent<T>] {
        state.withLock { state in
            let events = state.contents.replace(with: items)
            state.synced = true
            return events
        }
    }
}
