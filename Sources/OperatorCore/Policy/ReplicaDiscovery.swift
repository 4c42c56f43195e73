import KubeModel
import OperatorAPI
import PolicyDistribution

/// Finds the gateways of a server's ready replicas in the cache: its server pods (by the
/// `mcpoperator.io/server` label and the `server` component) that run, are Ready, have an IP and
/// are not being deleted. A pod's admin address is its IP and the port of its container port
/// named `admin` (the gateway's), or `GatewayLayout.adminPort` when no container names one;
/// `resolveAddress` can replace that (a test may map pods to local gateways).
public struct ReplicaDiscovery: Sendable {
    /// The admin base URL of a ready pod's gateway, or nil to skip the pod.
    public typealias AddressResolver = @Sendable (Pod) -> String?

    let resolveAddress: AddressResolver

    /// Discovery with the default address (pod IP and admin container port) or `resolveAddress`.
    public init(resolveAddress: AddressResolver? = nil) {
        self.resolveAddress = resolveAddress ?? ReplicaDiscovery.adminURL(of:)
    }

    /// The push targets among `pods`, by pod name, with `token`.
    public func targets(pods: [Pod], token: String) -> [PolicyPushTarget] {
        pods.filter(Self.isReadyServerPod).compactMap { pod in
            resolveAddress(pod).map { PolicyPushTarget(replica: pod.name, adminURL: $0, adminToken: token) }
        }.sorted { $0.replica < $1.replica }
    }

    /// Whether a pod is a running, ready, addressed server pod that is not going away.
    public static func isReadyServerPod(_ pod: Pod) -> Bool {
        guard pod.metadata.labels?[OperatorLabels.component] == OperatorLabels.serverComponent,
              pod.metadata.deletionTimestamp == nil, pod.status?.phase == "Running",
              let ip = pod.status?.podIP, !ip.isEmpty else { return false }
        return pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } == true
    }

    /// `http://<pod IP>:<admin port>`, the IPv6 address in brackets.
    @Sendable public static func adminURL(of pod: Pod) -> String? {
        guard let ip = pod.status?.podIP, !ip.isEmpty else { return nil }
        let ports = (pod.spec?.containers ?? []).flatMap { $0.ports ?? [] }
        let port = ports.first { $0.name == "admin" }?.containerPort ?? GatewayLayout.adminPort
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return "http://\(host):\(port)"
    }
}
