import KubeClient

/// The pure mappings from cache events to work-queue keys.
public enum EventMapping {
    /// The keys an event of the primary resource enqueues: the object's own key, unless the
    /// filter drops the update.
    public static func primaryKeys<T>(_ event: ObjectEvent<T>, metadata: (T) -> ObjectMeta, filter: EventFilter) -> [ObjectKey] {
        switch event {
        case .added(let object), .deleted(let object):
            return [ObjectKey(metadata(object))]
        case .updated(let old, let new):
            let newMeta = metadata(new)
            return filter.shouldReconcile(metadata(old), newMeta) ? [ObjectKey(newMeta)] : []
        }
    }

    /// The keys an event of a child enqueues: its controlling owner's key, when the controller
    /// reference (`controller: true`) names an owner of the given kind (the API group must
    /// match; the version may differ, as owners are found by group and kind). For an update,
    /// both the old and the new owner, so a child moved between owners notifies both.
    public static func ownerKeys<T>(_ event: ObjectEvent<T>, metadata: (T) -> ObjectMeta, owner: ResourceType) -> [ObjectKey] {
        switch event {
        case .added(let object), .deleted(let object):
            return controllerOwner(of: metadata(object), owner: owner).map { [$0] } ?? []
        case .updated(let old, let new):
            let keys = [controllerOwner(of: metadata(old), owner: owner), controllerOwner(of: metadata(new), owner: owner)]
            var unique: [ObjectKey] = []
            for case let key? in keys where !unique.contains(key) { unique.append(key) }
            return unique
        }
    }

    /// The key of the object's controlling owner when it is of the given kind.
    public static func controllerOwner(of meta: ObjectMeta, owner: ResourceType) -> ObjectKey? {
        guard let reference = meta.ownerReferences?.first(where: { $0.controller == true }) else { return nil }
        guard reference.kind == owner.kind, group(of: reference.apiVersion) == owner.group else { return nil }
        return ObjectKey(namespace: owner.namespaced ? meta.namespace : nil, name: reference.name)
    }

    /// The group part of an apiVersion (`apps/v1` → `apps`, `v1` → the core group, empty).
    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}
