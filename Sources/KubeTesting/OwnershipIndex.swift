import KubeClient

/// Where an object is stored: its type's storage key and its object key. Ordered as the
/// garbage collector visits objects (type, then etcd key order).
struct ObjectLocation: Hashable, Comparable, Sendable {
    var typeKey: String
    var objectKey: String

    static func < (a: ObjectLocation, b: ObjectLocation) -> Bool {
        a.typeKey != b.typeKey ? a.typeKey < b.typeKey : StoreCore.keyOrder(a.objectKey, b.objectKey)
    }
}

/// What the garbage collector needs to know without walking the store: which uids exist, which
/// objects name each uid as an owner, and which objects a change may have left work for. Kept up
/// to date by every commit, so collecting after a write costs the objects it touched, not the
/// size of the store.
struct OwnershipIndex: Sendable {
    /// Every stored object by uid.
    private(set) var locations: [String: ObjectLocation] = [:]
    /// Objects by the uid of each owner they reference.
    private(set) var dependents: [String: Set<ObjectLocation>] = [:]
    /// Objects the collector must look at again.
    private(set) var candidates: Set<ObjectLocation> = []

    /// Whether the collector has work to look at.
    var hasCandidates: Bool { !candidates.isEmpty }

    /// Whether an object with this uid is stored (being deleted or not).
    func isAlive(_ uid: String) -> Bool { locations[uid] != nil }

    /// The objects that reference `uid` as an owner, in collector order.
    func dependents(of uid: String) -> [ObjectLocation] { (dependents[uid] ?? []).sorted() }

    /// Whether anything references `uid` as an owner.
    func hasDependents(_ uid: String) -> Bool { !(dependents[uid]?.isEmpty ?? true) }

    /// Takes the objects to look at, in collector order.
    mutating func takeCandidates() -> [ObjectLocation] {
        defer { candidates.removeAll(keepingCapacity: true) }
        return candidates.sorted()
    }

    /// Records a commit at `location`: `old` is the stored object before it (nil for a create),
    /// `new` after it (nil for a removal). Marks what the change may have left garbage-collection
    /// work for: the object itself when it has owners or is being deleted, its owners (a
    /// foreground deletion may be waiting on it), and, when it is removed, its dependents.
    mutating func record(_ location: ObjectLocation, old: JSONValue?, new: JSONValue?) {
        let oldOwners = old.map(OwnershipIndex.ownerUIDs) ?? []
        let newOwners = new.map(OwnershipIndex.ownerUIDs) ?? []
        if let old, new == nil || new?.metadataUID != old.metadataUID {
            locations.removeValue(forKey: old.metadataUID)
        }
        if let new { locations[new.metadataUID] = location }
        for owner in oldOwners.subtracting(newOwners) {
            dependents[owner]?.remove(location)
            if dependents[owner]?.isEmpty == true { dependents.removeValue(forKey: owner) }
        }
        for owner in newOwners.subtracting(oldOwners) { dependents[owner, default: []].insert(location) }

        guard let new else {
            // Removed: dependents may have lost their last owner; owners may be waiting on it.
            if let uid = old?.metadataUID { candidates.formUnion(dependents[uid] ?? []) }
            markOwners(oldOwners)
            return
        }
        let referencesChanged = old?["metadata"]?["ownerReferences"] != new["metadata"]?["ownerReferences"]
        if !newOwners.isEmpty || new.isBeingDeleted || referencesChanged {
            candidates.insert(location)
            markOwners(oldOwners.union(newOwners))
        }
    }

    private mutating func markOwners(_ owners: Set<String>) {
        for owner in owners {
            if let location = locations[owner] { candidates.insert(location) }
        }
    }

    /// The uids of an object's owner references.
    static func ownerUIDs(_ object: JSONValue) -> Set<String> {
        Set((object["metadata"]?["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue })
    }
}
