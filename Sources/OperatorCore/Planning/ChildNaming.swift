/// The names and labels of the objects the operator makes for one MCPServer. Names derive from
/// the server's name only, so they are stable across reconciles and operator restarts.
public struct ChildNaming: Sendable, Hashable {
    /// The MCPServer's name.
    public let server: String

    /// Naming for the server with this name.
    public init(server: String) { self.server = server }

    /// The ServiceAccount, Deployment, Service, HPA and PDB of the server.
    public var workload: String { server }
    /// The Secret holding the gateway admin token (key `token`).
    public var adminSecret: String { "\(server)-gateway-admin" }
    /// The ConfigMap holding the rendered policy (key `policy.json`).
    public var policyConfigMap: String { "\(server)-policy" }
    /// The NetworkPolicy of the server's pods.
    public var serverNetworkPolicy: String { "\(server)-server" }
    /// The Deployment, Service and NetworkPolicy of one plugin.
    public func plugin(_ name: String) -> String { "\(server)-plugin-\(name)" }

    /// The labels every child carries.
    public func labels(component: String, plugin: String? = nil) -> [String: String] {
        var labels = selector(component: component, plugin: plugin)
        labels[OperatorLabels.managedBy] = OperatorLabels.operatorName
        labels[OperatorLabels.partOf] = OperatorLabels.operatorName
        labels[OperatorLabels.server] = server
        return labels
    }

    /// The (immutable) pod selector of the server's or a plugin's Deployment.
    public func selector(component: String, plugin: String? = nil) -> [String: String] {
        var labels = [OperatorLabels.name: "mcp-server", OperatorLabels.instance: server, OperatorLabels.component: component]
        if let plugin { labels[OperatorLabels.plugin] = plugin }
        return labels
    }
}

/// The label keys and values the operator uses.
public enum OperatorLabels {
    public static let name = "app.kubernetes.io/name"
    public static let instance = "app.kubernetes.io/instance"
    public static let component = "app.kubernetes.io/component"
    public static let managedBy = "app.kubernetes.io/managed-by"
    public static let partOf = "app.kubernetes.io/part-of"
    /// The MCPServer a child (or pod) belongs to.
    public static let server = "mcpoperator.io/server"
    /// The plugin a plugin's objects and pods belong to.
    public static let plugin = "mcpoperator.io/plugin"
    /// The value of `managed-by` and `part-of`.
    public static let operatorName = "mcp-operator"
    /// `component` of the server's objects.
    public static let serverComponent = "server"
    /// `component` of plugin objects.
    public static let pluginComponent = "plugin"
    /// The label selector of everything the operator manages (what its caches watch).
    public static let managedSelector = "\(managedBy)=\(operatorName)"
}

/// The annotation keys the operator uses.
public enum OperatorAnnotations {
    /// On the policy ConfigMap: the version (`sha256:<hex>`) of the document it holds.
    public static let policyVersion = "mcpoperator.io/policy-version"
    /// On every child: a hash of the configuration last applied, so an unchanged child is not
    /// applied again (see `AppliedState`).
    public static let appliedHash = "mcpoperator.io/applied-hash"
    /// On the server's Deployment: who sets `spec.replicas`, `operator` or `autoscaler` (the
    /// HPA). A switch to `autoscaler` first hands the field over (see `MCPServerReconciler.apply`).
    public static let replicasOwner = "mcpoperator.io/replicas-owner"
    /// On the server's pod template: the first 16 hex digits of the SHA-256 of the admin token
    /// the pods get. Gateways read the token at start, so a new token (its Secret was deleted and
    /// made again) rolls the pods out rather than leaving pushes to fail with 401.
    public static let adminTokenHash = "mcpoperator.io/admin-token-sha256"
}
