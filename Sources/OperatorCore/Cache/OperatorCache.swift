import ControllerRuntime
import KubeClient
import OperatorAPI

/// The caches the MCPServer reconciler reads: the operator's resources, the children it owns
/// (only objects labelled `app.kubernetes.io/managed-by=mcp-operator` are cached, which keeps
/// memory and RBAC small) and the pods of its servers.
public struct OperatorCache: Sendable {
    public var servers: CacheView<MCPServer>
    public var policies: CacheView<MCPPolicy>
    public var deployments: CacheView<Deployment>
    public var services: CacheView<Service>
    public var configMaps: CacheView<ConfigMap>
    public var secrets: CacheView<Secret>
    public var serviceAccounts: CacheView<ServiceAccount>
    public var networkPolicies: CacheView<NetworkPolicy>
    public var autoscalers: CacheView<HorizontalPodAutoscaler>
    public var disruptionBudgets: CacheView<PodDisruptionBudget>
    /// Pods indexed by server (`podsByServer`: `namespace/name`).
    public var pods: CacheView<Pod>

    /// The name of the pod index by server.
    public static let podsByServer = "server"

    /// The pod index by server: pods labelled `mcpoperator.io/server` filed under `namespace/name`.
    public static var podIndexer: Indexer<Pod> {
        Indexer(name: podsByServer) { _, meta in
            guard let server = meta.labels?[OperatorLabels.server] else { return [] }
            return ["\(meta.namespace ?? "")/\(server)"]
        }
    }

    /// The cached child a planned object corresponds to, as JSON, for `AppliedState`.
    func liveJSON(_ reference: ChildReference) -> JSONValue? {
        func encode<T: Encodable>(_ object: T?) -> JSONValue? { object.flatMap { try? JSONValue(encoding: $0) } }
        let (namespace, name) = (reference.namespace, reference.name)
        switch reference.resourceType {
        case Deployment.resourceType: return encode(deployments.get(namespace: namespace, name: name))
        case Service.resourceType: return encode(services.get(namespace: namespace, name: name))
        case ConfigMap.resourceType: return encode(configMaps.get(namespace: namespace, name: name))
        case Secret.resourceType: return encode(secrets.get(namespace: namespace, name: name))
        case ServiceAccount.resourceType: return encode(serviceAccounts.get(namespace: namespace, name: name))
        case NetworkPolicy.resourceType: return encode(networkPolicies.get(namespace: namespace, name: name))
        case HorizontalPodAutoscaler.resourceType: return encode(autoscalers.get(namespace: namespace, name: name))
        case PodDisruptionBudget.resourceType: return encode(disruptionBudgets.get(namespace: namespace, name: name))
        default: return nil
        }
    }

    /// The children of prunable kinds whose owner references name this UID.
    func ownedChildren(uid: String) -> [ChildReference] {
        func references<T: KubernetesResource>(_ view: CacheView<T>) -> [ChildReference] {
            view.owned(by: uid).map { ChildReference(T.resourceType, namespace: $0.metadata.namespace ?? "default", name: $0.name) }
        }
        return references(deployments) + references(services) + references(networkPolicies) + references(autoscalers)
            + references(disruptionBudgets)
    }
}
