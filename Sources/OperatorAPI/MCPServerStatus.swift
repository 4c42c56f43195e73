import KubeModel

/// What the operator observed of an MCPServer, written through the status subresource.
public struct MCPServerStatus: Codable, Sendable, Hashable {
    /// The generation this status describes.
    public var observedGeneration: Int64?
    /// `Ready`, `Progressing`, `Degraded` and `PolicyApplied`.
    public var conditions: [Condition]?
    /// Replicas running (the scale subresource's status.replicas).
    public var replicas: Int?
    /// Replicas ready to serve.
    public var readyReplicas: Int?
    /// The label selector of the server's pods, as a string (the scale subresource's selector).
    public var selector: String?
    /// The URL an MCP client connects to.
    public var endpoint: String?
    /// The policy version wanted and what each replica acknowledged.
    public var policy: PolicyStatus?
    /// Each plugin's readiness and restarts.
    public var plugins: [PluginStatus]?

    public init(observedGeneration: Int64? = nil, conditions: [Condition]? = nil, replicas: Int? = nil,
                readyReplicas: Int? = nil, selector: String? = nil, endpoint: String? = nil,
                policy: PolicyStatus? = nil, plugins: [PluginStatus]? = nil) {
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.selector = selector
        self.endpoint = endpoint
        self.policy = policy
        self.plugins = plugins
    }

    /// The desired policy version and per-replica acknowledgements.
    public struct PolicyStatus: Codable, Sendable, Hashable {
        /// `sha256:<hex>` of the canonical document every replica should enforce.
        public var desiredVersion: String?
        /// One entry per replica.
        public var replicas: [ReplicaPolicy]?

        public init(desiredVersion: String? = nil, replicas: [ReplicaPolicy]? = nil) {
            self.desiredVersion = desiredVersion
            self.replicas = replicas
        }
    }

    /// What one replica's gateway enforces.
    public struct ReplicaPolicy: Codable, Sendable, Hashable {
        /// The pod (or container) name.
        public var name: String
        /// The version it acknowledged.
        public var version: String?
        /// When it acknowledged (RFC 3339).
        public var ackedAt: String?
        /// The last push error, if the last push failed.
        public var lastError: String?

        public init(name: String, version: String? = nil, ackedAt: String? = nil, lastError: String? = nil) {
            self.name = name
            self.version = version
            self.ackedAt = ackedAt
            self.lastError = lastError
        }
    }

    /// One plugin's state.
    public struct PluginStatus: Codable, Sendable, Hashable {
        public var name: String
        public var ready: Bool?
        public var restarts: Int?
        /// Why the plugin last exited (`OOMKilled`, `Error`, ...).
        public var lastExitReason: String?

        public init(name: String, ready: Bool? = nil, restarts: Int? = nil, lastExitReason: String? = nil) {
            self.name = name
            self.ready = ready
            self.restarts = restarts
            self.lastExitReason = lastExitReason
        }
    }
}

/// The condition types of an MCPServer.
public enum MCPServerConditionType {
    public static let ready = "Ready"
    public static let progressing = "Progressing"
    public static let degraded = "Degraded"
    public static let policyApplied = "PolicyApplied"
}
