import KubeClient

/// What the runtime needs to list, watch and cache one kind of object held as `T`: where it lives
/// in the API and how to read an object's metadata. Make one with `init(_:)` for a typed
/// `KubernetesResource` or `dynamic(_:)` for a custom resource held as JSON.
public struct WatchedResource<T: Decodable & Sendable>: Sendable {
    /// The kind's place in the API.
    public var resourceType: ResourceType
    /// Reads an object's metadata.
    public var metadata: @Sendable (T) -> ObjectMeta
    /// Rewrites an object before it is cached, such as to drop `managedFields` and save memory.
    public var transform: (@Sendable (T) -> T)?
    /// How the cache holds objects compactly, or nil to hold decoded values.
    public var codec: StoreCodec<T>?

    /// Describes a kind by its resource type and a metadata accessor.
    public init(resourceType: ResourceType, metadata: @escaping @Sendable (T) -> ObjectMeta,
                transform: (@Sendable (T) -> T)? = nil, codec: StoreCodec<T>? = nil) {
        self.resourceType = resourceType
        self.metadata = metadata
        self.transform = transform
        self.codec = codec
    }

    /// The key of an object.
    public func key(of object: T) -> ObjectKey { ObjectKey(metadata(object)) }
}

extension WatchedResource where T: KubernetesResource {
    /// Describes a typed kind. With `stripManagedFields`, cached objects carry no `managedFields`
    /// (the biggest part of most objects' metadata, which reconcilers using server-side apply do
    /// not read). With `compact`, the cache holds each object as its JSON (see `StoreCodec`).
    public init(_ type: T.Type, stripManagedFields: Bool = true, compact: Bool = true) {
        let transform: (@Sendable (T) -> T)? = stripManagedFields ? Self.withoutManagedFields : nil
        self.init(resourceType: T.resourceType, metadata: { $0.metadata }, transform: transform, codec: compact ? .json : nil)
    }

    @Sendable private static func withoutManagedFields(_ object: T) -> T {
        guard object.metadata.managedFields != nil else { return object }
        var copy = object
        copy.metadata.managedFields = nil
        return copy
    }
}

extension WatchedResource where T == DynamicObject {
    /// Describes a kind held as JSON, such as a custom resource.
    public static func dynamic(_ resourceType: ResourceType, stripManagedFields: Bool = true) -> WatchedResource<DynamicObject> {
        let transform: (@Sendable (DynamicObject) -> DynamicObject)? = stripManagedFields ? dynamicWithoutManagedFields : nil
        return WatchedResource(resourceType: resourceType, metadata: { $0.metadata }, transform: transform)
    }

    @Sendable private static func dynamicWithoutManagedFields(_ object: DynamicObject) -> DynamicObject {
        guard case .object(var metadata)? = object.json["metadata"], metadata["managedFields"] != nil else { return object }
        var copy = object
        metadata["managedFields"] = nil
        copy.json["metadata"] = .object(metadata)
        return copy
    }
}
