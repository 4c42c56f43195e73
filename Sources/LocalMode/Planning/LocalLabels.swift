/// The labels local mode puts on every container, network and volume it makes: ownership, the
/// server it belongs to, the part it plays, and the hash of the configuration it was made from.
public enum LocalLabels {
    /// `app.kubernetes.io/managed-by`: always `mcp-operator`.
    public static let managedBy = "app.kubernetes.io/managed-by"
    /// The value of `managed-by`.
    public static let managerName = "mcp-operator"
    /// `app.kubernetes.io/component`: `gateway`, `server` or `plugin` (containers), `server-network`, ...
    public static let component = "app.kubernetes.io/component"
    /// Which local controller instance owns the object (`default` unless configured), so two
    /// state directories (or test runs) on one engine never touch each other's objects.
    public static let instance = "mcpoperator.io/local-instance"
    /// The MCPServer's namespace.
    public static let namespace = "mcpoperator.io/namespace"
    /// The MCPServer's name.
    public static let server = "mcpoperator.io/server"
    /// The replica index of a gateway or HTTP server container.
    public static let replica = "mcpoperator.io/replica"
    /// The plugin a plugin container runs.
    public static let plugin = "mcpoperator.io/plugin"
    /// The hash of the configuration the object was made from; a mismatch is drift.
    public static let specHash = "mcpoperator.io/spec-hash"
    /// On a gateway container: the host port its MCP listener is published on, kept across
    /// re-creations so the endpoint stays the same.
    public static let clientPort = "mcpoperator.io/client-port"
}

/// The part a container plays for its server.
public enum LocalRole: String, Sendable, Hashable, CaseIterable {
    /// A gateway replica (for a stdio server, with the server under it in the same container).
    case gateway
    /// A replica of an HTTP server, behind its gateway.
    case server
    /// A plugin, isolated on the plugin network.
    case plugin
    /// A short-lived container that fills a volume; never started.
    case helper
}
