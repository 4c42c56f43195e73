/// A stable virtual address in front of a set of pods (core/v1 Service).
public struct Service: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)

    public var apiVersion: String = "v1"
    public var kind: String = "Service"
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec? = nil, status: ServiceStatus? = nil) {
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
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Service"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(ServiceSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(ServiceStatus.self, forKey: .status)
    }
}

/// The desired behavior of a service.
public struct ServiceSpec: Codable, Sendable, Hashable {
    /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: String?
    /// Routes traffic to pods with these labels.
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var externalIPs: [String]?
    public var externalName: String?
    /// `None` or `ClientIP`.
    public var sessionAffinity: String?
    public var sessionAffinityConfig: SessionAffinityConfig?
    public var loadBalancerClass: String?
    public var loadBalancerSourceRanges: [String]?
    /// `Cluster` or `Local`.
    public var externalTrafficPolicy: String?
    /// `Cluster` or `Local`.
    public var internalTrafficPolicy: String?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var publishNotReadyAddresses: Bool?
    public var allocateLoadBalancerNodePorts: Bool?
    public var healthCheckNodePort: Int?
    public var trafficDistribution: String?

    public init(
        type: String? = nil,
        selector: [String: String]? = nil,
        ports: [ServicePort]? = nil,
        clusterIP: String? = nil,
        clusterIPs: [String]? = nil,
        externalIPs: [String]? = nil,
        externalName: String? = nil,
        sessionAffinity: String? = nil,
        sessionAffinityConfig: SessionAffinityConfig? = nil,
        loadBalancerClass: String? = nil,
        loadBalancerSourceRanges: [String]? = nil,
        externalTrafficPolicy: String? = nil,
        internalTrafficPolicy: String? = nil,
        ipFamilies: [String]? = nil,
        ipFamilyPolicy: String? = nil,
        publishNotReadyAddresses: Bool? = nil,
        allocateLoadBalancerNodePorts: Bool? = nil,
        healthCheckNodePort: Int? = nil,
        trafficDistribution: String? = nil
    ) {
        self.type = type
        self.selector = selector
        self.ports = ports
        self.clusterIP = clusterIP
        self.clusterIPs = clusterIPs
        self.externalIPs = externalIPs
        self.externalName = externalName
        self.sessionAffinity = sessionAffinity
        self.sessionAffinityConfig = sessionAffinityConfig
        self.loadBalancerClass = loadBalancerClass
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.externalTrafficPolicy = externalTrafficPolicy
        self.internalTrafficPolicy = internalTrafficPolicy
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.publishNotReadyAddresses = publishNotReadyAddresses
        self.allocateLoadBalancerNodePorts = allocateLoadBalancerNodePorts
        self.healthCheckNodePort = healthCheckNodePort
        self.trafficDistribution = trafficDistribution
    }
}

/// One port a service exposes.
public struct ServicePort: Codable, Sendable, Hashable {
    /// Required when the service has more than one port.
    public var name: String?
    /// `TCP` (the default), `UDP` or `SCTP`.
    public var `protocol`: String?
    public var appProtocol: String?
    /// The port the service listens on.
    public var port: Int
    /// The pod port, by number or by container port name; defaults to `port`.
    public var targetPort: IntOrString?
    public var nodePort: Int?

    public init(
        name: String? = nil,
        `protocol`: String? = nil,
        appProtocol: String? = nil,
        port: Int,
        targetPort: IntOrString? = nil,
        nodePort: Int? = nil
    ) {
        self.name = name
        self.`protocol` = `protocol`
        self.appProtocol = appProtocol
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

/// Settings of session affinity.
public struct SessionAffinityConfig: Codable, Sendable, Hashable {
    public var clientIP: ClientIPConfig?

    public init(clientIP: ClientIPConfig? = nil) {
        self.clientIP = clientIP
    }
}

/// Settings of client-IP session affinity.
public struct ClientIPConfig: Codable, Sendable, Hashable {
    /// How long a client sticks to a pod; defaults to 10800.
    public var timeoutSeconds: Int?

    public init(timeoutSeconds: Int? = nil) {
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The observed state of a service.
public struct ServiceStatus: Codable, Sendable, Hashable {
    public var loadBalancer: LoadBalancerStatus?
    public var conditions: [Condition]?

    public init(loadBalancer: LoadBalancerStatus? = nil, conditions: [Condition]? = nil) {
        self.loadBalancer = loadBalancer
        self.conditions = conditions
    }
}

/// The state of a load balancer.
public struct LoadBalancerStatus: Codable, Sendable, Hashable {
    public var ingress: [LoadBalancerIngress]?

    public init(ingress: [LoadBalancerIngress]? = nil) {
        self.ingress = ingress
    }
}

/// One address of a load balancer.
public struct LoadBalancerIngress: Codable, Sendable, Hashable {
    public var ip: String?
    public var hostname: String?
    public var ipMode: String?
    public var ports: [PortStatus]?

    public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil, ports: [PortStatus]? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
        self.ports = ports
    }
}

/// The state of one port of a load balancer.
public struct PortStatus: Codable, Sendable, Hashable {
    public var port: Int
    public var `protocol`: String
    public var error: String?

    public init(port: Int, `protocol`: String, error: String? = nil) {
        self.port = port
        self.`protocol` = `protocol`
        self.error = error
    }
}
