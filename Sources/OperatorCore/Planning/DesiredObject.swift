import KubeModel

/// One planned object as the JSON sent with server-side apply, with the hash of that
/// configuration in the `mcpoperator.io/applied-hash` annotation.
public struct DesiredObject: Sendable, Hashable {
    /// The kind.
    public var resourceType: ResourceType
    /// The namespace.
    public var namespace: String
    /// The name.
    public var name: String
    /// The applied configuration: only the fields the operator owns.
    public var body: JSONValue
    /// The hash of `body` without the annotation (see `AppliedState`).
    public var appliedHash: String

    /// Encodes a typed object and stamps the hash of its configuration.
    public init<R: KubernetesResource>(_ object: R) {
        resourceType = R.resourceType
        namespace = object.metadata.namespace ?? "default"
        name = object.name
        // Typed objects always encode; a failure here is a programming error.
        var body = (try? JSONValue(encoding: object)) ?? .object([:])
        let hash = AppliedState.hash(of: body)
        var annotations = body[path: ["metadata", "annotations"]]?.objectValue ?? [:]
        annotations[OperatorAnnotations.appliedHash] = .string(hash)
        if case .object(var metadata)? = body["metadata"] {
            metadata["annotations"] = .object(annotations)
            body["metadata"] = .object(metadata)
        }
        self.body = body
        self.appliedHash = hash
    }

    /// The reference to this object.
    public var reference: ChildReference { ChildReference(resourceType, namespace: namespace, name: name) }
}
