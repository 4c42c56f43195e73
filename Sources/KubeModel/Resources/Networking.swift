/// Which traffic may reach and leave a set of pods (networking.k8s.io/v1 NetworkPolicy).
public struct NetworkPolicy: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "networking.k8s.io", version: "v1", plural: "networkpolicies", kind: "NetworkPolicy", namespaced: true)

    public var apiVersion: String = "networking.k8s.io/v1"
    public var kind: String = "NetworkPolicy"
    public var metadata: ObjectMeta
    public var spec: NetworkPolicySpec?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NetworkPolicySpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "networking.k8s.io/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "NetworkPolicy"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(NetworkPolicySpec.self, forKey: .spec)
    }
}

/// The pods a network policy isolates and the traffic it allows them.
public struct NetworkPolicySpec: Codable, Sendable, Hashable {
    /// The pods the policy applies to; empty selects every pod in the namespace.
    public var podSelector: LabelSelector
    /// `Ingress`, `Egress` or both.
    public var policyTypes: [String]?
    public var ingress: [NetworkPolicyIngressRule]?
    public var egress: [NetworkPolicyEgressRule]?

    public init(
        podSelector: LabelSelector = LabelSelector(),
        policyTypes: [String]? = nil,
        ingress: [NetworkPolicyIngressRule]? = nil,
        egress: [NetworkPolicyEgressRule]? = nil
    ) {
        self.podSelector = podSelector
        self.policyTypes = policyTypes
        self.ingress = ingress
        self.egress = egress
    }
}

/// Traffic allowed in: from any of `from`, to any of `ports`.
public struct NetworkPolicyIngressRule: Codable, Sendable, Hashable {
    /// Empty allows every source.
    public var from: [NetworkPolicyPeer]?
    /// Empty allows every port.
    public var ports: [NetworkPolicyPort]?

    public init(from: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.from = from
        self.ports = ports
    }
}

/// Traffic allowed out: to any of `to`, on any of `ports`.
public struct NetworkPolicyEgressRule: Codable, Sendable, Hashable {
    /// Empty allows every destination.
    public var to: [NetworkPolicyPeer]?
    /// Empty allows every port.
    public var ports: [NetworkPolicyPort]?

    public init(to: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.to = to
        self.ports = ports
    }
}

/// A set of peers: pods by label (in namespaces by label), or an IP block.
public struct NetworkPolicyPeer: Codable, Sendable, Hashable {
    public var podSelector: LabelSelector?
    public var namespaceSelector: LabelSelector?
    public var ipBlock: IPBlock?

    public init(podSelector: LabelSelector? = nil, namespaceSelector: LabelSelector? = nil, ipBlock: IPBlock? = nil) {
        self.podSelector = podSelector
        self.namespaceSelector = namespaceSelector
        self.ipBlock = ipBlock
    }
}

/// A CIDR range, less some sub-ranges.
public struct IPBlock: Codable, Sendable, Hashable {
    public var cidr: String
    public var except: [String]?

    public init(cidr: String, except: [String]? = nil) {
        self.cidr = cidr
        self.except = except
    }
}

/// A port, or a range of ports, of a network policy rule.
public struct NetworkPolicyPort: Codable, Sendable, Hashable {
    /// `TCP` (the default), `UDP` or `SCTP`.
    public var `protocol`: String?
    /// By number or by named container port; nil means every port.
    public var port: IntOrString?
    /// With a numeric `port`, the last port of the range.
    public var endPort: Int?

    public init(`protocol`: String? = nil, port: IntOrString? = nil, endPort: Int? = nil) {
        self.`protocol` = `protocol`
        self.port = port
        self.endPort = endPort
    }
}
