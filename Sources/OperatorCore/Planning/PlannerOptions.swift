import KubeModel

/// What the planner needs besides the MCPServer and its policy: settings of the operator
/// installation that every server shares.
public struct PlannerOptions: Sendable, Hashable {
    /// The gateway image used when a server does not name its own (`spec.gateway.image`).
    public var gatewayImage: String
    /// When the kubelet pulls the gateway image, for every container that runs it.
    public var gatewayImagePullPolicy: ImagePullPolicy
    /// The namespace the operator runs in: its pods alone may reach the gateways' admin port.
    public var operatorNamespace: String
    /// Labels that select the operator's pods (in `operatorNamespace`) for the admin-port
    /// NetworkPolicy rule. Default: `app.kubernetes.io/name: mcp-operator`, as in manifests/.
    public var operatorPodLabels: [String: String]
    /// The server-side apply field manager every child is written with.
    public var fieldManager: String
    /// The cluster's DNS domain, for the endpoint URL in status. Default `cluster.local`.
    public var clusterDomain: String

    /// Makes options; the defaults match the install manifests.
    public init(gatewayImage: String = PlannerOptions.defaultGatewayImage, gatewayImagePullPolicy: ImagePullPolicy = .ifNotPresent,
                operatorNamespace: String = "mcp-operator-system",
                operatorPodLabels: [String: String] = ["app.kubernetes.io/name": "mcp-operator"],
                fieldManager: String = "mcp-operator", clusterDomain: String = "cluster.local") {
        self.gatewayImage = gatewayImage
        self.gatewayImagePullPolicy = gatewayImagePullPolicy
        self.operatorNamespace = operatorNamespace
        self.operatorPodLabels = operatorPodLabels
        self.fieldManager = fieldManager
        self.clusterDomain = clusterDomain
    }

    /// The gateway image of this release.
    public static let defaultGatewayImage = "ghcr.io/mcp-operator/mcp-gateway:0.1.0"
}
