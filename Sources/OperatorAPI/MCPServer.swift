import KubeModel

/// An MCP server the operator runs: its container, how many replicas, its isolated plugins, the
/// policies it enforces and how clients reach it (`mcpoperator.io/v1alpha1`, kind `MCPServer`).
public struct MCPServer: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(group: OperatorGroup.name, version: OperatorGroup.version,
                                                  plural: "mcpservers", kind: "MCPServer", namespaced: true)
    public var apiVersion: String = OperatorGroup.apiVersion
    public var kind: String = "MCPServer"
    public var metadata: ObjectMeta
    public var spec: MCPServerSpec
    public var status: MCPServerStatus?

    public init(metadata: ObjectMeta, spec: MCPServerSpec, status: MCPServerStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? OperatorGroup.apiVersion
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "MCPServer"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(MCPServerSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(MCPServerStatus.self, forKey: .status)
    }
}

/// The API group and version of the operator's resources.
public enum OperatorGroup {
    public static let name = "mcpoperator.io"
    public static let version = "v1alpha1"
    public static let apiVersion = "\(name)/\(version)"
}

/// How the gateway talks to an MCP server or plugin.
public enum MCPTransport: String, Codable, Sendable, Hashable, CaseIterable {
    /// JSON-RPC over the process's stdin/stdout; the gateway runs the command.
    case stdio
    /// MCP Streamable HTTP at `port` and `path` (default `/mcp`).
    case streamableHTTP = "streamable-http"
    /// The older HTTP+SSE transport at `port` and `path` (default `/sse`).
    case sse

    /// Whether the server listens on a port.
    public var isHTTP: Bool { self != .stdio }

    /// The path used when the spec gives none.
    public var defaultPath: String? {
        switch self {
        case .stdio: return nil
        case .streamableHTTP: return "/mcp"
        case .sse: return "/sse"
        }
    }
}

/// What runs, how many, with which plugins and policies.
public struct MCPServerSpec: Codable, Sendable, Hashable {
    /// The server's container image.
    public var image: String
    /// The entrypoint; the image's when empty.
    public var command: [String]?
    /// Arguments to the entrypoint.
    public var args: [String]?
    /// Environment variables, from values, Secrets or ConfigMaps.
    public var env: [EnvVar]?
    /// Environment from whole Secrets or ConfigMaps.
    public var envFrom: [EnvFromSource]?
    /// How the gateway reaches the server. Default `stdio`.
    public var transport: MCPTransport?
    /// The port of an HTTP server; required for `streamable-http` and `sse`.
    public var port: Int?
    /// The HTTP path of the MCP endpoint; `/mcp` or `/sse` by default.
    public var path: String?
    /// CPU and memory requests and limits of the server container.
    public var resources: ResourceRequirements?
    /// Desired replicas when `autoscaling` is not set. Default 1.
    public var replicas: Int?
    /// Scale between bounds on CPU/memory use (an HPA then owns the replica count).
    public var autoscaling: Autoscaling?
    /// `ClientIP` keeps a client on one replica (for stateful MCP sessions). Default `None`.
    public var sessionAffinity: SessionAffinity?
    /// Isolated plugin containers whose tools are merged into the server's, prefixed `<name>__`.
    public var plugins: [Plugin]?
    /// Names of `MCPPolicy` objects in the namespace this server enforces.
    public var policyRefs: [String]?
    /// The gateway in front of the server: authentication and exposure.
    public var gateway: Gateway?

    public init(image: String, command: [String]? = nil, args: [String]? = nil, env: [EnvVar]? = nil,
                envFrom: [EnvFromSource]? = nil, transport: MCPTransport? = nil, port: Int? = nil, path: String? = nil,
                resources: ResourceRequirements? = nil, replicas: Int? = nil, autoscaling: Autoscaling? = nil,
                sessionAffinity: SessionAffinity? = nil, plugins: [Plugin]? = nil, policyRefs: [String]? = nil,
                gateway: Gateway? = nil) {
        self.image = image
        self.command = command
        self.args = args
        self.env = env
        self.envFrom = envFrom
        self.transport = transport
        self.port = port
        self.path = path
        self.resources = resources
        self.replicas = replicas
        self.autoscaling = autoscaling
        self.sessionAffinity = sessionAffinity
        self.plugins = plugins
        self.policyRefs = policyRefs
        self.gateway = gateway
    }

    /// Whether clients stick to one replica.
    public enum SessionAffinity: String, Codable, Sendable, Hashable, CaseIterable {
        case none = "None"
        case clientIP = "ClientIP"
    }

    /// Horizontal autoscaling bounds and targets.
    public struct Autoscaling: Codable, Sendable, Hashable {
        /// The fewest replicas. Default 1.
        public var minReplicas: Int?
        /// The most replicas.
        public var maxReplicas: Int
        /// Target average CPU use, percent of requests.
        public var targetCPUUtilizationPercentage: Int?
        /// Target average memory use, percent of requests.
        public var targetMemoryUtilizationPercentage: Int?

        public init(minReplicas: Int? = nil, maxReplicas: Int, targetCPUUtilizationPercentage: Int? = nil,
                    targetMemoryUtilizationPercentage: Int? = nil) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage
            self.targetMemoryUtilizationPercentage = targetMemoryUtilizationPercentage
        }
    }

    /// A plugin: an MCP server of its own in an isolated container.
    public struct Plugin: Codable, Sendable, Hashable {
        /// A DNS label, unique in the server; its tools appear as `<name>__<tool>`.
        public var name: String
        /// The plugin's image.
        public var image: String
        /// The entrypoint; the image's when empty.
        public var command: [String]?
        /// Arguments to the entrypoint.
        public var args: [String]?
        /// Environment variables.
        public var env: [EnvVar]?
        /// How the gateway reaches the plugin. Default `streamable-http`.
        public var transport: MCPTransport?
        /// The plugin's port for HTTP transports.
        public var port: Int?
        /// The HTTP path; `/mcp` or `/sse` by default.
        public var path: String?
        /// CPU and memory requests and limits.
        public var resources: ResourceRequirements?
        /// Where the plugin may connect. Default: nowhere.
        public var egress: Egress?

        public init(name: String, image: String, command: [String]? = nil, args: [String]? = nil, env: [EnvVar]? = nil,
                    transport: MCPTransport? = nil, port: Int? = nil, path: String? = nil,
                    resources: ResourceRequirements? = nil, egress: Egress? = nil) {
            self.name = name
            self.image = image
            self.command = command
            self.args = args
            self.env = env
            self.transport = transport
            self.port = port
            self.path = path
            self.resources = resources
            self.egress = egress
        }
    }

    /// A plugin's outbound allow-list; empty or absent means no egress at all.
    public struct Egress: Codable, Sendable, Hashable {
        /// Destinations the plugin may reach.
        public var allow: [EgressRule]?
        /// Whether the plugin may query the cluster's DNS (the `k8s-app: kube-dns` pods of
        /// `kube-system`, UDP and TCP 53). Default: false. Local mode resolves names for a plugin
        /// that has `allow` rules.
        public var allowDNS: Bool?

        public init(allow: [EgressRule]? = nil, allowDNS: Bool? = nil) {
            self.allow = allow
            self.allowDNS = allowDNS
        }
    }

    /// One allowed destination: a CIDR and, optionally, TCP ports.
    public struct EgressRule: Codable, Sendable, Hashable {
        public var cidr: String
        public var ports: [Int]?

        public init(cidr: String, ports: [Int]? = nil) {
            self.cidr = cidr
            self.ports = ports
        }
    }

    /// The gateway's authentication and exposure.
    public struct Gateway: Codable, Sendable, Hashable {
        /// The gateway image; the operator's default when empty.
        public var image: String?
        /// The Service type: `ClusterIP` (default), `NodePort` or `LoadBalancer`.
        public var serviceType: String?
        /// The port clients connect to. Default 8080.
        public var port: Int?
        /// Which pods may connect, besides those in the namespace. Default: the namespace only.
        public var allowFrom: [LabelSelector]?
        /// API keys (name → key) from a Secret, hashed by the gateway.
        public var apiKeysSecretRef: String?
        /// CPU and memory of the gateway container.
        public var resources: ResourceRequirements?
        /// Origins of browser-based clients admitted besides localhost ones (`scheme://host[:port]`,
        /// or `*` for any); they also get CORS headers. Default: localhost origins only.
        public var allowedOrigins: [String]?

        public init(image: String? = nil, serviceType: String? = nil, port: Int? = nil, allowFrom: [LabelSelector]? = nil,
                    apiKeysSecretRef: String? = nil, resources: ResourceRequirements? = nil, allowedOrigins: [String]? = nil) {
            self.allowedOrigins = allowedOrigins
            self.image = image
            self.serviceType = serviceType
            self.port = port
            self.allowFrom = allowFrom
            self.apiKeysSecretRef = apiKeysSecretRef
            self.resources = resources
        }
    }
}
