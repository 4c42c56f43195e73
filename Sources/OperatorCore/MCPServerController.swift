import ControllerRuntime
import KubeClient
import Logging
import OperatorAPI

/// Wires the MCPServer controller into a `Manager`: a reflector per watched kind and namespace,
/// the cache views over them, the reconciler, and the event sources:
///
/// - MCPServer: additions, deletions, and updates that change the generation, labels or
///   annotations (labels decide which policies select a server; status writes are filtered out);
/// - owned Deployments, Services, ConfigMaps, Secrets, ServiceAccounts, NetworkPolicies, HPAs and
///   PDBs (only those labelled managed-by mcp-operator are cached): the controlling owner;
/// - pods of servers (by the `mcpoperator.io/server` label): their server, for readiness and
///   waiting reasons such as `ImagePullBackOff`;
/// - MCPPolicy: every server that references it or that its selector matches, before or after
///   the change.
public final class MCPServerController: Sendable {
    /// The controller (add it to the manager's, done by `init`).
    public let controller: Controller
    /// The caches the reconciler reads.
    public let cache: OperatorCache
    /// The reconciler.
    public let reconciler: MCPServerReconciler
    /// Every reflector, by a readable name, for readiness reporting.
    public let reflectors: [(name: String, reflector: any ReflectorStatus)]
    /// The reflectors of MCPServers, MCPPolicies, server pods and managed Secrets (one per watched
    /// namespace), which policy distribution watches too.
    public let sources: Sources

    /// Reflectors shared with other controllers.
    public struct Sources: Sendable {
        public let servers: [Reflector<MCPServer>]
        public let policies: [Reflector<MCPPolicy>]
        public let pods: [Reflector<Pod>]
        public let secrets: [Reflector<Secret>]
    }

    /// Adds the reflectors and the controller to `manager`.
    public init(manager: Manager, settings: OperatorSettings, logger: Logger = Logger(label: "mcp-operator"),
                events: EventRecorder? = nil) {
        let namespaces: [String?] = settings.namespaces.isEmpty ? [nil] : settings.namespaces.map { $0 }
        var all: [(String, any ReflectorStatus)] = []
        func reflectors<T: KubernetesResource>(_ type: T.Type, managedOnly: Bool, indexers: [Indexer<T>] = [.namespace, .ownerUID])
            -> [Reflector<T>] {
            namespaces.map { namespace in
                let configuration = ReflectorConfiguration(namespace: namespace,
                                                           labelSelector: managedOnly ? OperatorLabels.managedSelector : nil)
                let reflector = manager.reflector(for: WatchedResource(T.self), configuration: configuration, indexers: indexers)
                all.append(("\(T.resourceType)\(namespace.map { " in \($0)" } ?? "")", reflector))
                return reflector
            }
        }
        let servers = reflectors(MCPServer.self, managedOnly: false)
        let policies = reflectors(MCPPolicy.self, managedOnly: false)
        let deployments = reflectors(Deployment.self, managedOnly: true)
        let services = reflectors(Service.self, managedOnly: true)
        let configMaps = reflectors(ConfigMap.self, managedOnly: true)
        let secrets = reflectors(Secret.self, managedOnly: true)
        let serviceAccounts = reflectors(ServiceAccount.self, managedOnly: true)
        let networkPolicies = reflectors(NetworkPolicy.self, managedOnly: true)
        let autoscalers = reflectors(HorizontalPodAutoscaler.self, managedOnly: true)
        let budgets = reflectors(PodDisruptionBudget.self, managedOnly: true)
        let pods = reflectors(Pod.self, managedOnly: true, indexers: [.namespace, OperatorCache.podIndexer])
        self.reflectors = all
        sources = Sources(servers: servers, policies: policies, pods: pods, secrets: secrets)

        let cache = OperatorCache(
            servers: CacheView(servers.map(\.store)), policies: CacheView(policies.map(\.store)),
            deployments: CacheView(deployments.map(\.store)), services: CacheView(services.map(\.store)),
            configMaps: CacheView(configMaps.map(\.store)), secrets: CacheView(secrets.map(\.store)),
            serviceAccounts: CacheView(serviceAccounts.map(\.store)), networkPolicies: CacheView(networkPolicies.map(\.store)),
            autoscalers: CacheView(autoscalers.map(\.store)), disruptionBudgets: CacheView(budgets.map(\.store)),
            pods: CacheView(pods.map(\.store)))
        self.cache = cache
        let recorder = events ?? EventRecorder(client: manager.client, reportingInstance: settings.reportingInstance, logger: logger)
        reconciler = MCPServerReconciler(client: manager.client, cache: cache, options: settings.planner, events: recorder, logger: logger)
        controller = Controller(name: "mcpserver", reconciler: reconciler,
                                configuration: ControllerConfiguration(workers: settings.maxConcurrentReconciles,
                                                                       resyncPeriod: settings.resyncPeriod),
                                logger: logger)

        servers.forEach { controller.watch($0, filter: .generationOrMetadataChanged) }
        let owner = MCPServer.resourceType
        deployments.forEach { controller.owns($0, owner: owner) }
        services.forEach { controller.owns($0, owner: owner) }
        configMaps.forEach { controller.owns($0, owner: owner) }
        secrets.forEach { controller.owns($0, owner: owner) }
        serviceAccounts.forEach { controller.owns($0, owner: owner) }
        networkPolicies.forEach { controller.owns($0, owner: owner) }
        autoscalers.forEach { controller.owns($0, owner: owner) }
        budgets.forEach { controller.owns($0, owner: owner) }
        pods.forEach { controller.watch($0, map: Self.podKeys) }
        let serverView = cache.servers
        policies.forEach { controller.watch($0, map: { Self.policyKeys($0, servers: serverView) }) }
        manager.add(controller)
    }

    /// The server a pod belongs to, by its `mcpoperator.io/server` label.
    @Sendable static func podKeys(_ event: ObjectEvent<Pod>) -> [ObjectKey] {
        guard let server = event.object.metadata.labels?[OperatorLabels.server] else { return [] }
        return [ObjectKey(namespace: event.object.metadata.namespace, name: server)]
    }

    /// Every server a policy applies to, before or after the change.
    static func policyKeys(_ event: ObjectEvent<MCPPolicy>, servers: CacheView<MCPServer>) -> [ObjectKey] {
        let versions: [MCPPolicy]
        switch event {
        case .added(let policy), .deleted(let policy): versions = [policy]
        case .updated(let old, let new): versions = [old, new]
        }
        var keys = Set<ObjectKey>()
        for policy in versions {
            for server in servers.list(namespace: policy.metadata.namespace ?? "default") where PolicyMerger.applies(policy, to: server) {
                keys.insert(ObjectKey(server.metadata))
            }
        }
        return keys.sorted()
    }

    /// The reflectors that have not synced, with their last list or watch error: why the
    /// operator is not ready (a 403 here is missing RBAC).
    public var unsyncedCaches: [(name: String, lastError: String?)] {
        reflectors.filter { !$0.reflector.hasSynced }.map { ($0.name, $0.reflector.lastError) }
    }
}

/// What readiness reporting needs of a reflector.
public protocol ReflectorStatus: Sendable {
    /// Whether its first list has been stored.
    var hasSynced: Bool { get }
    /// The last list or watch failure.
    var lastError: String? { get }
}

extension Reflector: ReflectorStatus {}
