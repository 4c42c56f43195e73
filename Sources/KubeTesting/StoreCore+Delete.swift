import KubeClient

extension StoreCore {
    /// The manager recorded for changes the garbage collector makes.
    static let garbageCollectorManager = "generic-garbage-collector"
    static let orphanFinalizer = "orphan"
    static let foregroundFinalizer = "foregroundDeletion"

    /// DELETE: checks preconditions, then removes the object or, when finalizers remain (its own
    /// or the `orphan`/`foregroundDeletion` finalizer the propagation policy adds), marks it deleting.
    /// Deleting a namespace first deletes everything in it (no Terminating phase).
    mutating func delete(_ type: ResourceType, namespace: String?, name: String,
                         options: DeleteOptions) throws(FakeAPIError) -> DeleteOutcome {
        let registration = try registration(type)
        let old = try existing(registration, namespace: namespace ?? "", name: name)
        if let uid = options.preconditionUID, uid != old.metadataUID {
            throw .conflict(type, name: name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.metadataUID)")
        }
        if let version = options.preconditionResourceVersion, version != old.metadataResourceVersion {
            throw .conflict(type, name: name,
                            "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(old.metadataResourceVersion)")
        }
        if type.group.isEmpty, type.plural == "namespaces" { deleteContents(ofNamespace: name) }
        return deleteObject(registration, stored(registration, namespace: namespace ?? "", name: name) ?? old,
                            propagation: options.propagation)
    }

    /// Deletes one object by the rules of `propagation` (nil keeps the GC finalizers it has).
    mutating func deleteObject(_ registration: RegisteredType, _ old: JSONValue, propagation: DeleteOptions.Propagation?) -> DeleteOutcome {
        var finalizers = old.metadataFinalizers
        func ensure(_ finalizer: String) { if !finalizers.contains(finalizer) { finalizers.append(finalizer) } }
        switch propagation {
        case .orphan:
            ensure(StoreCore.orphanFinalizer)
            finalizers.removeAll { $0 == StoreCore.foregroundFinalizer }
        case .foreground:
            ensure(StoreCore.foregroundFinalizer)
            finalizers.removeAll { $0 == StoreCore.orphanFinalizer }
        case .background:
            finalizers.removeAll { $0 == StoreCore.orphanFinalizer || $0 == StoreCore.foregroundFinalizer }
        case nil:
            break
        }
        if finalizers.isEmpty { return .deleted(commitRemoval(registration, old)) }
        var new = old
        new.setMetadata("finalizers", .array(finalizers.map(JSONValue.string)))
        if !old.isBeingDeleted {
            if let generation = old["metadata"]?["generation"]?.intValue, generation > 0 {
                new.setMetadata("generation", .number(Double(generation + 1)))
            }
            new.setMetadata("deletionTimestamp", .string(timestamp))
            new.setMetadata("deletionGracePeriodSeconds", 0)
        }
        return .pending(commitUpdate(registration, old: old, new: new))
    }

    private mutating func deleteContents(ofNamespace namespace: String) {
        for registration in types.values.sorted(by: { $0.key < $1.key }) where registration.type.namespaced {
            for object in allObjects(registration) where object.metadataNamespace == namespace && !object.isBeingDeleted {
                _ = deleteObject(registration, object, propagation: .background)
            }
        }
    }

    // MARK: Garbage collection

    /// Runs the garbage collector to a fixed point, synchronously: orphans dependents of owners
    /// deleted with `Orphan`, deletes dependents of owners deleted with `Foreground` (removing the
    /// owner once no dependent with `blockOwnerDeletion` remains), deletes objects whose owners
    /// are all gone (by uid), and drops owner references to gone owners when another owner lives.
    mutating func collectGarbage() {
        var rounds = 0
        while ownership.hasCandidates, rounds < 10_000 {
            rounds += 1
            collectGarbageOnce()
        }
    }

    private typealias Entry = (registration: RegisteredType, object: JSONValue)

    private func current(_ entry: Entry) -> JSONValue? {
        stored(entry.registration, namespace: entry.object.metadataNamespace, name: entry.object.metadataName)
    }

    private func entry(at location: ObjectLocation) -> Entry? {
        guard let registration = types[location.typeKey], let object = objects[location.typeKey]?[location.objectKey] else { return nil }
        return (registration, object)
    }

    /// One round over the objects the last changes marked (see `OwnershipIndex.record`), in type
    /// then key order, so that what the collector does (and the events) is deterministic. What
    /// this round changes marks the objects for the next.
    private mutating func collectGarbageOnce() {
        let all = ownership.takeCandidates().compactMap(entry(at:))

        for entry in all where entry.object.isBeingDeleted {
            let uid = entry.object.metadataUID
            let finalizers = entry.object.metadataFinalizers
            let dependents = ownership.dependents(of: uid).compactMap(self.entry(at:))
            if finalizers.contains(StoreCore.orphanFinalizer) {
                for dependent in dependents {
                    guard let object = current(dependent) else { continue }
                    let kept = (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
                    var new = object
                    new.setMetadata("ownerReferences", kept.isEmpty ? nil : .array(kept))
                    _ = garbageCollectorUpdate(dependent.registration, old: object, new: new)
                }
                removeFinalizer(StoreCore.orphanFinalizer, from: entry)
            } else if finalizers.contains(StoreCore.foregroundFinalizer) {
                for dependent in dependents {
                    // Like the real collector: foreground only for dependents that have dependents.
                    if let object = current(dependent), !object.isBeingDeleted {
                        let hasDependents = ownership.hasDependents(object.metadataUID)
                        _ = deleteObject(dependent.registration, object, propagation: hasDependents ? .foreground : .background)
                    }
                }
                let blocking = dependents.contains { dependent in
                    guard let object = current(dependent) else { return false }
                    return (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains {
                        $0["uid"]?.stringValue == uid && $0["blockOwnerDeletion"]?.boolValue == true
                    }
                }
                if !blocking { removeFinalizer(StoreCore.foregroundFinalizer, from: entry) }
            }
        }

        for entry in all {
            guard let object = current(entry), !object.isBeingDeleted else { continue }
            let references = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
            let owners = references.compactMap { $0["uid"]?.stringValue }
            guard !owners.isEmpty else { continue }
            let living = owners.filter(ownership.isAlive)
            if living.isEmpty {
                _ = deleteObject(entry.registration, object, propagation: .background)
            } else if living.count < owners.count {
                let kept = references.filter { ownership.isAlive($0["uid"]?.stringValue ?? "") }
                var new = object
                new.setMetadata("ownerReferences", .array(kept))
                _ = garbageCollectorUpdate(entry.registration, old: object, new: new)
            }
        }
    }

    private mutating func removeFinalizer(_ finalizer: String, from entry: Entry) {
        guard let object = current(entry) else { return }
        var new = object
        let kept = object.metadataFinalizers.filter { $0 != finalizer }
        new.setMetadata("finalizers", kept.isEmpty ? nil : .array(kept.map(JSONValue.string)))
        _ = garbageCollectorUpdate(entry.registration, old: object, new: new)
    }

    private mutating func garbageCollectorUpdate(_ registration: RegisteredType, old: JSONValue, new: JSONValue) -> JSONValue {
        finishUpdate(registration, old: old, new: new, context: WriteContext(fieldManager: StoreCore.garbageCollectorManager),
                     subresource: nil)
    }
}
