import Foundation
import KubeClient

/// The state of the fake API server and the rules every write follows, without I/O or locking:
/// objects by type, the global resource version, the bounded event history, and garbage
/// collection. `FakeStore` wraps it with a lock and delivers `unpublished` events to watches.
struct StoreCore: Sendable {
    /// Served types by storage key.
    var types: [String: RegisteredType] = [:]
    /// Objects by type key, then object key (`namespace/name` or `name`).
    var objects: [String: [String: JSONValue]] = [:]
    /// The last resource version handed out (the etcd revision).
    var resourceVersion: Int
    /// Retained events, oldest first.
    var history: [StoredEvent] = []
    /// Every event at or below this version is gone: watches and continue tokens from older
    /// versions get 410 Expired.
    var compactedThrough: Int
    /// The most events `history` keeps.
    var historyLimit: Int
    /// Events not yet delivered to watches.
    var unpublished: [StoredEvent] = []
    /// Uids, owner references and the objects the garbage collector must look at.
    var ownership = OwnershipIndex()
    /// The clock for timestamps.
    var now: @Sendable () -> Date

    init(initialResourceVersion: Int = 1, historyLimit: Int = 1000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.resourceVersion = initialResourceVersion
        self.compactedThrough = initialResourceVersion
        self.historyLimit = historyLimit
        self.now = now
    }

    // MARK: Types and keys

    mutating func register(_ registration: RegisteredType) {
        types[registration.key] = registration
        if objects[registration.key] == nil { objects[registration.key] = [:] }
    }

    /// The registration of `type`, or the 404 the real server gives for an unknown resource.
    func registration(_ type: ResourceType) throws(FakeAPIError) -> RegisteredType {
        guard let found = types[RegisteredType.key(group: type.group, version: type.version, plural: type.plural)] else {
            throw .routeNotFound
        }
        return found
    }

    static func objectKey(_ registration: RegisteredType, namespace: String, name: String) -> String {
        registration.type.namespaced ? "\(namespace)/\(name)" : name
    }

    /// The stored object, if any.
    func stored(_ registration: RegisteredType, namespace: String, name: String) -> JSONValue? {
        objects[registration.key]?[StoreCore.objectKey(registration, namespace: namespace, name: name)]
    }

    /// The stored object or 404 NotFound.
    func existing(_ registration: RegisteredType, namespace: String, name: String) throws(FakeAPIError) -> JSONValue {
        guard let object = stored(registration, namespace: namespace, name: name) else {
            throw .notFound(registration.type, name: name)
        }
        return object
    }

    /// Whether `a` sorts before `b` in etcd key order (bytewise), the order lists come in.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    var timestamp: String { Timestamp.string(now()) }

    // MARK: Committing changes

    /// Stores a new object: next resource version, ADDED event.
    mutating func commitCreate(_ registration: RegisteredType, _ object: JSONValue) -> JSONValue {
        var object = object
        resourceVersion += 1
        object.setMetadata("resourceVersion", .string(String(resourceVersion)))
        let key = StoreCore.objectKey(registration, namespace: object.metadataNamespace, name: object.metadataName)
        objects[registration.key, default: [:]][key] = object
        emit(.added, registration, key: key, object: object, previous: nil)
        ownership.record(ObjectLocation(typeKey: registration.key, objectKey: key), old: nil, new: object)
        return object
    }

    /// Stores a changed object. Equal objects are a no-op (no version, no event), as in the real
    /// server. Generation follows the spec, and removing the last finalizer of an object that is
    /// being deleted deletes it.
    mutating func commitUpdate(_ registration: RegisteredType, old: JSONValue, new: JSONValue) -> JSONValue {
        var new = new
        new.setMetadata("resourceVersion", old["metadata"]?["resourceVersion"])
        if new == old { return old }
        if StoreCore.specChanged(registration, old: old, new: new) {
            new.setMetadata("generation", .number(Double((old["metadata"]?["generation"]?.intValue ?? 0) + 1)))
        }
        if new.isBeingDeleted, new.metadataFinalizers.isEmpty {
            // The real store deletes instead of writing; the DELETED event carries the last
            // stored state (with the finalizer the update removed) at the deletion's version.
            return commitRemoval(registration, old)
        }
        resourceVersion += 1
        new.setMetadata("resourceVersion", .string(String(resourceVersion)))
        let key = StoreCore.objectKey(registration, namespace: new.metadataNamespace, name: new.metadataName)
        objects[registration.key, default: [:]][key] = new
        emit(.modified, registration, key: key, object: new, previous: old)
        ownership.record(ObjectLocation(typeKey: registration.key, objectKey: key), old: old, new: new)
        return new
    }

    /// Removes an object: next resource version, DELETED event with the last state.
    @discardableResult
    mutating func commitRemoval(_ registration: RegisteredType, _ object: JSONValue) -> JSONValue {
        var object = object
        resourceVersion += 1
        object.setMetadata("resourceVersion", .string(String(resourceVersion)))
        let key = StoreCore.objectKey(registration, namespace: object.metadataNamespace, name: object.metadataName)
        let stored = objects[registration.key]?.removeValue(forKey: key)
        emit(.deleted, registration, key: key, object: object, previous: stored)
        ownership.record(ObjectLocation(typeKey: registration.key, objectKey: key), old: stored ?? object, new: nil)
        return object
    }

    /// Whether anything other than metadata (and status, when it has its own subresource) differs.
    static func specChanged(_ registration: RegisteredType, old: JSONValue, new: JSONValue) -> Bool {
        let ignored: Set<String> = registration.statusSubresource ? ["metadata", "status"] : ["metadata"]
        return old.removingMembers(ignored) != new.removingMembers(ignored)
    }

    private mutating func emit(_ kind: StoredEvent.Kind, _ registration: RegisteredType, key: String,
                               object: JSONValue, previous: JSONValue?) {
        let event = StoredEvent(resourceVersion: resourceVersion, kind: kind, typeKey: registration.key, objectKey: key,
                                namespace: object.metadataNamespace, object: object, previous: previous)
        history.append(event)
        trimHistory()
        unpublished.append(event)
    }

    /// Drops the oldest events beyond `historyLimit`.
    mutating func trimHistory() {
        let excess = history.count - max(historyLimit, 0)
        guard excess > 0 else { return }
        compactedThrough = history[excess - 1].resourceVersion
        history.removeFirst(excess)
    }

    /// Drops every retained event: any version older than the current one is now expired.
    mutating func compactHistory() {
        history.removeAll()
        compactedThrough = resourceVersion
    }

    /// The retained events after `version`, oldest first (the history is in version order, so
    /// this is a binary search, not a walk).
    func events(after version: Int) -> ArraySlice<StoredEvent> {
        var low = history.startIndex
        var high = history.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if history[middle].resourceVersion > version { high = middle } else { low = middle + 1 }
        }
        return history[low...]
    }

    /// Takes the events that watches have not seen yet.
    mutating func takeUnpublished() -> [StoredEvent] {
        defer { unpublished.removeAll() }
        return unpublished
    }
}
