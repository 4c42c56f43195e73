import Foundation

/// The metadata every persisted Kubernetes object carries (meta/v1 ObjectMeta).
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: [ManagedFieldsEntry]?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, ownerReferences: [OwnerReference]? = nil, finalizers: [String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }
}

/// A pointer from a dependent to the object that owns it; the garbage collector deletes
/// dependents whose owners are gone.
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// Which field manager owns which fields of an object (server-side apply bookkeeping).
public struct ManagedFieldsEntry: Codable, Sendable, Hashable {
    public var manager: String?
    public var operation: String?
    public var apiVersion: String?
    public var time: String?
    public var fieldsType: String?
    public var fieldsV1: JSONValue?
    public var subresource: String?

    public init(manager: String? = nil, operation: String? = nil, apiVersion: String? = nil, time: String? = nil,
                fieldsType: String? = nil, fieldsV1: JSONValue? = nil, subresource: String? = nil) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fieldsType = fieldsType
        self.fieldsV1 = fieldsV1
        self.subresource = subresource
    }
}

/// The metadata of a list response: where it was read and how to get the next page.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// A kind of object the client can read and write with types.
public protocol KubernetesResource: Codable, Sendable {
    /// Where objects of this kind live in the API.
    static var resourceType: ResourceType { get }
    /// The object's metadata.
    var metadata: ObjectMeta { get set }
}

extension KubernetesResource {
    /// The object's name, or the empty string when unset.
    public var name: String { metadata.name ?? "" }
    /// The object's namespace, when it has one.
    public var namespace: String? { metadata.namespace }
}

/// A page of objects from a list call.
public struct ObjectList<Item: Decodable & Sendable>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [Item]

    public init(metadata: ListMeta, items: [Item]) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case metadata, items }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([Item].self, forKey: .items) ?? []
    }
}

/// An object of any kind, held as JSON: custom resources and kinds the client has no type for.
public struct DynamicObject: Codable, Sendable, Hashable {
    /// The whole object, including apiVersion, kind and metadata.
    public var json: JSONValue
    /// The decoded metadata, kept in step with `json`.
    public var metadata: ObjectMeta {
        get { (try? json["metadata"]?.decode(as: ObjectMeta.self)) ?? ObjectMeta() }
        set { json["metadata"] = try? JSONValue(encoding: newValue) }
    }

    public init(json: JSONValue) { self.json = json }

    public init(from decoder: Decoder) throws {
        json = try JSONValue(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try json.encode(to: encoder)
    }

    /// The object's name, or the empty string.
    public var name: String { json[path: ["metadata", "name"]]?.stringValue ?? "" }
    /// The object's namespace, when it has one.
    public var namespace: String? { json[path: ["metadata", "namespace"]]?.stringValue }
    /// The object's resourceVersion, when it has one.
    public var resourceVersion: String? { json[path: ["metadata", "resourceVersion"]]?.stringValue }
}
