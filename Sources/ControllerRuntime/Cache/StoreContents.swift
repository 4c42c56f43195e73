import KubeClient

/// The pure state of a `Store`: objects by key and the secondary indexes over them. Every
/// mutation returns the `ObjectEvent` it amounts to, so the reflector can hand it to handlers.
struct StoreContents<T: Sendable>: Sendable {
    private(set) var objects: [ObjectKey: StoredObject<T>] = [:]
    /// index name → index value → keys.
    private(set) var indexes: [String: [String: Set<ObjectKey>]] = [:]
    private let indexers: [Indexer<T>]
    private let metadata: @Sendable (T) -> ObjectMeta
    /// When set, objects are held encoded (see `StoreCodec`).
    let codec: StoreCodec<T>?

    init(indexers: [Indexer<T>], metadata: @escaping @Sendable (T) -> ObjectMeta, codec: StoreCodec<T>? = nil) {
        self.indexers = indexers
        self.metadata = metadata
        self.codec = codec
        for indexer in indexers { indexes[indexer.name] = [:] }
    }

    /// The cached object with this key.
    func object(_ key: ObjectKey) -> T? { objects[key]?.object(codec) }

    /// The stored forms of the objects with these keys (to decode outside a lock).
    func entries<S: Sequence<ObjectKey>>(_ keys: S) -> [StoredObject<T>] { keys.compactMap { objects[$0] } }

    private func stored(_ object: T, _ meta: ObjectMeta) -> StoredObject<T> {
        StoredObject(object, resourceVersion: meta.resourceVersion, codec: codec)
    }

    /// Inserts or replaces an object. Returns `.added`, or `.updated` with the previous state;
    /// nil when the cached object already has the same resourceVersion (a replayed event).
    mutating func upsert(_ object: T) -> ObjectEvent<T>? {
        let meta = metadata(object)
        let key = ObjectKey(meta)
        if let entry = objects[key] {
            if let version = meta.resourceVersion, version == entry.resourceVersion { return nil }
            objects[key] = stored(object, meta)
            guard let old = entry.object(codec) else {
                // Cannot happen with a codec that decodes what it encoded; index afresh.
                removeFromIndexes(key)
                index(key, meta: meta, object: object)
                return .added(object)
            }
            unindex(key, meta: metadata(old), object: old)
            index(key, meta: meta, object: object)
            return .updated(old: old, new: object)
        }
        objects[key] = stored(object, meta)
        index(key, meta: meta, object: object)
        return .added(object)
    }

    /// Removes an object. Returns `.deleted` with the given final state (or the cached one when
    /// none is given); nil when the object was not cached.
    mutating func remove(_ key: ObjectKey, finalState: T? = nil) -> ObjectEvent<T>? {
        guard let entry = objects.removeValue(forKey: key) else { return nil }
        guard let old = entry.object(codec) else {
            removeFromIndexes(key)
            return finalState.map { .deleted($0) }
        }
        unindex(key, meta: metadata(old), object: old)
        return .deleted(finalState ?? old)
    }

    /// Replaces the whole contents with a fresh list, returning the differences as events:
    /// additions, updates (only where the resourceVersion changed) and deletions of every cached
    /// object the list no longer has.
    mutating func replace(with items: [T]) -> [ObjectEvent<T>] {
        var events: [ObjectEvent<T>] = []
        var seen = Set<ObjectKey>()
        seen.reserveCapacity(items.count)
        for item in items {
            seen.insert(ObjectKey(metadata(item)))
            if let event = upsert(item) { events.append(event) }
        }
        let gone = objects.keys.filter { !seen.contains($0) }.sorted()
        for key in gone {
            if let event = remove(key) { events.append(event) }
        }
        return events
    }

    /// The keys filed under `value` in the index `name`.
    func keys(index name: String, value: String) -> Set<ObjectKey> {
        indexes[name]?[value] ?? []
    }

    private mutating func index(_ key: ObjectKey, meta: ObjectMeta, object: T) {
        for indexer in indexers {
            for value in indexer.values(object, meta) {
                indexes[indexer.name, default: [:]][value, default: []].insert(key)
            }
        }
    }

    /// Drops a key from every index (when its cached object cannot be read back).
    private mutating func removeFromIndexes(_ key: ObjectKey) {
        for (name, values) in indexes {
            for (value, keys) in values where keys.contains(key) {
                indexes[name]?[value]?.remove(key)
                if indexes[name]?[value]?.isEmpty == true { indexes[name]?[value] = nil }
            }
        }
    }

    private mutating func unindex(_ key: ObjectKey, meta: ObjectMeta, object: T) {
        for indexer in indexers {
            for value in indexer.values(object, meta) {
                indexes[indexer.name]?[value]?.remove(key)
                if indexes[indexer.name]?[value]?.isEmpty == true { indexes[indexer.name]?[value] = nil }
            }
        }
    }
}
