import Foundation

/// A cluster-scoped scope for names (core/v1 Namespace).
public struct Namespace: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)

    public var apiVersion: String = "v1"
    public var kind: String = "Namespace"
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NamespaceSpec? = nil, status: NamespaceStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Namespace"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(NamespaceSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(NamespaceStatus.self, forKey: .status)
    }
}

/// The desired state of a namespace.
public struct NamespaceSpec: Codable, Sendable, Hashable {
    /// Finalizers that must be removed before the namespace is deleted.
    public var finalizers: [String]?

    public init(finalizers: [String]? = nil) {
        self.finalizers = finalizers
    }
}

/// The observed state of a namespace.
public struct NamespaceStatus: Codable, Sendable, Hashable {
    /// `Active` or `Terminating`.
    public var phase: String?
    public var conditions: [Condition]?

    public init(phase: String? = nil, conditions: [Condition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}

/// Non-secret configuration data (core/v1 ConfigMap).
public struct ConfigMap: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)

    public var apiVersion: String = "v1"
    public var kind: String = "ConfigMap"
    public var metadata: ObjectMeta
    /// UTF-8 values by key.
    public var data: [String: String]?
    /// Binary values by key, base64-encoded as on the wire.
    public var binaryData: [String: String]?
    /// When true, the data can no longer be changed.
    public var immutable: Bool?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        data: [String: String]? = nil,
        binaryData: [String: String]? = nil,
        immutable: Bool? = nil
    ) {
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
        self.immutable = immutable
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, binaryData, immutable
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "ConfigMap"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        data = try container.decodeIfPresent([String: String].self, forKey: .data)
        binaryData = try container.decodeIfPresent([String: String].self, forKey: .binaryData)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }
}

/// Sensitive data such as tokens and keys (core/v1 Secret).
public struct Secret: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)

    public var apiVersion: String = "v1"
    public var kind: String = "Secret"
    public var metadata: ObjectMeta
    /// Such as `Opaque` or `kubernetes.io/tls`.
    public var type: String?
    /// Values by key, base64-encoded as on the wire; see `decodedData`.
    public var data: [String: String]?
    /// Plain-text values, write-only: the server merges them into `data`.
    public var stringData: [String: String]?
    /// When true, the data can no longer be changed.
    public var immutable: Bool?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        type: String? = nil,
        data: [String: String]? = nil,
        stringData: [String: String]? = nil,
        immutable: Bool? = nil
    ) {
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
        self.immutable = immutable
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, type, data, stringData, immutable
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Secret"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        type = try container.decodeIfPresent(String.self, forKey: .type)
        data = try container.decodeIfPresent([String: String].self, forKey: .data)
        stringData = try container.decodeIfPresent([String: String].self, forKey: .stringData)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }
}

extension Secret {
    /// The values of `data`, base64-decoded; entries that are not valid base64 are left out.
    public var decodedData: [String: Data] {
        (data ?? [:]).compactMapValues { Data(base64Encoded: $0) }
    }

    /// Sets `data[key]` to the base64 encoding of `value`.
    public mutating func setData(_ value: Data, forKey key: String) {
        var entries = data ?? [:]
        entries[key] = value.base64EncodedString()
        data = entries
    }
}

/// An identity for processes in pods (core/v1 ServiceAccount).
public struct ServiceAccount: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)

    public var apiVersion: String = "v1"
    public var kind: String = "ServiceAccount"
    public var metadata: ObjectMeta
    /// Whether pods using this account get an API token mounted by default.
    public var automountServiceAccountToken: Bool?
    public var imagePullSecrets: [LocalObjectReference]?
    public var secrets: [ObjectReference]?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        automountServiceAccountToken: Bool? = nil,
        imagePullSecrets: [LocalObjectReference]? = nil,
        secrets: [ObjectReference]? = nil
    ) {
        self.metadata = metadata
        self.automountServiceAccountToken = automountServiceAccountToken
        self.imagePullSecrets = imagePullSecrets
        self.secrets = secrets
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, automountServiceAccountToken, imagePullSecrets, secrets
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "ServiceAccount"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        automountServiceAccountToken = try container.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
        imagePullSecrets = try container.decodeIfPresent([LocalObjectReference].self, forKey: .imagePullSecrets)
        secrets = try container.decodeIfPresent([ObjectReference].self, forKey: .secrets)
    }
}
