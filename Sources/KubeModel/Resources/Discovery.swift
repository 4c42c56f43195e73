/// A subset of the network endpoints of a service (discovery.k8s.io/v1 EndpointSlice).
public struct EndpointSlice: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true)

    public var apiVersion: String = "discovery.k8s.io/v1"
    public var kind: String = "EndpointSlice"
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String
    /// The server sends `null` for a slice with no endpoints.
    public var endpoints: [Endpoint]?
    public var ports: [EndpointPort]?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        addressType: String,
        endpoints: [Endpoint]? = nil,
        ports: [EndpointPort]? = nil
    ) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, addressType, endpoints, ports
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "discovery.k8s.io/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "EndpointSlice"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        addressType = try container.decode(String.self, forKey: .addressType)
        endpoints = try container.decodeIfPresent([Endpoint].self, forKey: .endpoints)
        ports = try container.decodeIfPresent([EndpointPort].self, forKey: .ports)
    }
}

/// One backend of an endpoint slice, usually a pod.
public struct Endpoint: Codable, Sendable, Hashable {
    public var addresses: [String]
    public var conditions: EndpointConditions?
    public var hostname: String?
    /// The object behind the endpoint, usually a Pod.
    public var targetRef: ObjectReference?
    public var nodeName: String?
    public var zone: String?
    /// Topology-aware routing hints, untyped.
    public var hints: JSONValue?

    public init(
        addresses: [String],
        conditions: EndpointConditions? = nil,
        hostname: String? = nil,
        targetRef: ObjectReference? = nil,
        nodeName: String? = nil,
        zone: String? = nil,
        hints: JSONValue? = nil
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.hostname = hostname
        self.targetRef = targetRef
        self.nodeName = nodeName
        self.zone = zone
        self.hints = hints
    }
}

/// Whether an endpoint takes traffic.
public struct EndpointConditions: Codable, Sendable, Hashable {
    /// Serving and not terminating; nil means unknown, to be read as ready.
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }
}

/// A port of the endpoints of a slice.
public struct EndpointPort: Codable, Sendable, Hashable {
    public var name: String?
    public var `protocol`: String?
    public var port: Int?
    public var appProtocol: String?

    public init(name: String? = nil, `protocol`: String? = nil, port: Int? = nil, appProtocol: String? = nil) {
        self.name = name
        self.`protocol` = `protocol`
        self.port = port
        self.appProtocol = appProtocol
    }
}
