import KubeModel
import OperatorAPI

/// What the status of an MCPServer is computed from: the server, how the reconcile went, and
/// its children as the cache holds them.
public struct StatusInputs: Sendable {
    /// The server as read (its status is the previous one).
    public var server: MCPServer
    /// Why the spec could not be realized or applied, when it could not: a CamelCase reason
    /// and a message.
    public var failure: (reason: String, message: String)?
    /// The version of the policy document planned, when planning succeeded.
    public var policyVersion: String?
    /// The server Deployment, when it exists.
    public var deployment: Deployment?
    /// The plugin Deployments by plugin name.
    public var pluginDeployments: [String: Deployment]
    /// The server's pods (server and plugin pods), for waiting reasons and restarts.
    public var pods: [Pod]
    /// The cluster DNS domain, for the endpoint.
    public var clusterDomain: String
    /// Now, as an RFC 3339 timestamp, for conditions that flip.
    public var now: String

    /// Inputs for `MCPServerStatusBuilder`.
    public init(server: MCPServer, failure: (reason: String, message: String)? = nil, policyVersion: String? = nil,
                deployment: Deployment? = nil, pluginDeployments: [String: Deployment] = [:], pods: [Pod] = [],
                clusterDomain: String = "cluster.local", now: String) {
        self.server = server
        self.failure = failure
        self.policyVersion = policyVersion
        self.deployment = deployment
        self.pluginDeployments = pluginDeployments
        self.pods = pods
        self.clusterDomain = clusterDomain
        self.now = now
    }
}
