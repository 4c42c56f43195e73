import KubeClient

/// The pure state of a `Store`: objects by key and the secondary indexes over them. Every
/// mutation returns the `ObjectEvent` it amounts to, so the reflector can hand it to handlers.
struct StoreContents<T: Sendable>: Sendable {
    private(set) var objects: [ObjectKey: T] = [:]
    /// index name → index value → keys.
    private(set) var indexes: [String: [String: Set<ObjectKey>]] = [:]
    private let indexers: [Indexer<T>]
    private let metadata: @Sendable (T) -> ObjectMeta

    init(indexers: [Indexer<T>], metadata: @escaping @Sendable (T) -> ObjectMeta) {
        self.indexers = indexers
        self.metadata = metadata
        for indexer in indexers { indexes[indexer.name] = [:] }
    }

    /// Inserts or replaces an object. Returns `.added`, or `.updated` with the previous state;
    /// nil when the cached object already has the same resourceVersion (a replayed event).
    mutating func upsert(_ object: T) -> ObjectEvent<T>? {
        let meta = metadata(object)
        let key = ObjectKey(meta)
        if let old = objects[key] {
            let oldMeta = metadata(old)
            if let version = meta.resourceVersion, version == oldMeta.resourceVersion { return nil }
            unindex(key, meta: oldMeta, object: old)
            objects[key] = object
            index(key, meta: meta, object: object)
            return .updated(old: old, new: object)
        }
        objects[key] = object
        index(key, meta: meta, object: object)
        return .added(object)
    }

    /// Removes an object. Returns `.deleted` with the given final state (or the cached one when
    /// none is given); nil when the object was not cached.
    mutating func remove(_ key: ObjectKey, finalState: T? = nil) -> ObjectEvent<T>? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
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

    private mutating func unindex(_ key: ObjectKey, meta: ObjectMeta, object: T) {
        for indexer in indexers {
            for value in indexer.values(object, meta) {
                indexes[indexer.name]?[value]?.remove(key)
                if indexes[indexer.name]?[value]?.isEmpty == true { indexes[indexer.name]?[value] = nil }
            }
        }
    }
}
