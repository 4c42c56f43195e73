/// Defines a custom resource type (apiextensions.k8s.io/v1 CustomResourceDefinition).
public struct CustomResourceDefinition: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition", namespaced: false)

    public var apiVersion: String = "apiextensions.k8s.io/v1"
    public var kind: String = "CustomResourceDefinition"
    public var metadata: ObjectMeta
    public var spec: CustomResourceDefinitionSpec?
    public var status: CustomResourceDefinitionStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        spec: CustomResourceDefinitionSpec? = nil,
        status: CustomResourceDefinitionStatus? = nil
    ) {
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
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "apiextensions.k8s.io/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "CustomResourceDefinition"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(CustomResourceDefinitionSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(CustomResourceDefinitionStatus.self, forKey: .status)
    }
}

/// The group, names, scope and versions of a custom resource.
public struct CustomResourceDefinitionSpec: Codable, Sendable, Hashable {
    public var group: String
    public var names: CustomResourceDefinitionNames
    /// `Namespaced` or `Cluster`.
    public var scope: String
    public var versions: [CustomResourceDefinitionVersion]
    /// How versions convert, untyped.
    public var conversion: JSONValue?
    public var preserveUnknownFields: Bool?

    public init(
        group: String,
        names: CustomResourceDefinitionNames,
        scope: String,
        versions: [CustomResourceDefinitionVersion],
        conversion: JSONValue? = nil,
        preserveUnknownFields: Bool? = nil
    ) {
        self.group = group
        self.names = names
        self.scope = scope
        self.versions = versions
        self.conversion = conversion
        self.preserveUnknownFields = preserveUnknownFields
    }
}

/// The names of a custom resource.
public struct CustomResourceDefinitionNames: Codable, Sendable, Hashable {
    public var plural: String
    public var singular: String?
    public var kind: String
    public var listKind: String?
    public var shortNames: [String]?
    /// Groups the resource joins, such as `all`.
    public var categories: [String]?

    public init(
        plural: String,
        singular: String? = nil,
        kind: String,
        listKind: String? = nil,
        shortNames: [String]? = nil,
        categories: [String]? = nil
    ) {
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.listKind = listKind
        self.shortNames = shortNames
        self.categories = categories
    }
}

/// One version of a custom resource.
public struct CustomResourceDefinitionVersion: Codable, Sendable, Hashable {
    public var name: String
    public var served: Bool
    /// Exactly one version is the storage version.
    public var storage: Bool
    public var deprecated: Bool?
    public var deprecationWarning: String?
    public var schema: CustomResourceValidation?
    public var subresources: CustomResourceSubresources?
    public var additionalPrinterColumns: [CustomResourceColumnDefinition]?
    public var selectableFields: [SelectableField]?

    public init(
        name: String,
        served: Bool,
        storage: Bool,
        deprecated: Bool? = nil,
        deprecationWarning: String? = nil,
        schema: CustomResourceValidation? = nil,
        subresources: CustomResourceSubresources? = nil,
        additionalPrinterColumns: [CustomResourceColumnDefinition]? = nil,
        selectableFields: [SelectableField]? = nil
    ) {
        self.name = name
        self.served = served
        self.storage = storage
        self.deprecated = deprecated
        self.deprecationWarning = deprecationWarning
        self.schema = schema
        self.subresources = subresources
        self.additionalPrinterColumns = additionalPrinterColumns
        self.selectableFields = selectableFields
    }
}

/// The schema objects of a version are validated against.
public struct CustomResourceValidation: Codable, Sendable, Hashable {
    public var openAPIV3Schema: JSONValue?

    public init(openAPIV3Schema: JSONValue? = nil) {
        self.openAPIV3Schema = openAPIV3Schema
    }
}

/// The subresources a version serves.
public struct CustomResourceSubresources: Codable, Sendable, Hashable {
    public var status: CustomResourceSubresourceStatus?
    public var scale: CustomResourceSubresourceScale?

    public init(status: CustomResourceSubresourceStatus? = nil, scale: CustomResourceSubresourceScale? = nil) {
        self.status = status
        self.scale = scale
    }
}

/// Enables the status subresource of a custom resource; it has no settings and encodes as `{}`.
public struct CustomResourceSubresourceStatus: Codable, Sendable, Hashable {
    public init() {}
}

/// Where the scale subresource finds replicas and the selector in a custom resource.
public struct CustomResourceSubresourceScale: Codable, Sendable, Hashable {
    /// Such as `.spec.replicas`.
    public var specReplicasPath: String
    /// Such as `.status.replicas`.
    public var statusReplicasPath: String
    /// Such as `.status.selector`; required for an HPA to target the resource.
    public var labelSelectorPath: String?

    public init(specReplicasPath: String, statusReplicasPath: String, labelSelectorPath: String? = nil) {
        self.specReplicasPath = specReplicasPath
        self.statusReplicasPath = statusReplicasPath
        self.labelSelectorPath = labelSelectorPath
    }
}

/// A column `kubectl get` shows for a custom resource.
public struct CustomResourceColumnDefinition: Codable, Sendable, Hashable {
    public var name: String
    /// `integer`, `number`, `string`, `boolean` or `date`.
    public var type: String
    public var format: String?
    public var description: String?
    /// 0 shows in the standard view; higher only with `-o wide`.
    public var priority: Int?
    public var jsonPath: String

    public init(
        name: String,
        type: String,
        format: String? = nil,
        description: String? = nil,
        priority: Int? = nil,
        jsonPath: String
    ) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
        self.jsonPath = jsonPath
    }
}

/// A field that field selectors can filter custom resources by.
public struct SelectableField: Codable, Sendable, Hashable {
    public var jsonPath: String

    public init(jsonPath: String) {
        self.jsonPath = jsonPath
    }
}

/// The observed state of a custom resource definition.
public struct CustomResourceDefinitionStatus: Codable, Sendable, Hashable {
    /// Such as `Established` and `NamesAccepted`.
    public var conditions: [Condition]?
    public var acceptedNames: CustomResourceDefinitionNames?
    public var storedVersions: [String]?

    public init(
        conditions: [Condition]? = nil,
        acceptedNames: CustomResourceDefinitionNames? = nil,
        storedVersions: [String]? = nil
    ) {
        self.conditions = conditions
        self.acceptedNames = acceptedNames
        self.storedVersions = storedVersions
    }
}
