import ControllerRuntime
import KubeClient
import Logging
import OperatorAPI
import PolicyDistribution
import Synchronization

/// Wires live policy distribution into a `Manager`, next to the MCPServer controller whose
/// reflectors it shares: two controllers and the pusher.
///
/// - `policy-distribution` (keys: MCPServers, `PolicyDistributionReconciler`) is enqueued by a
///   change of a policy that applies to the server (before or after the change), debounced per
///   policy (the first change at once, then bursts coalesced: 50 ms of quiet, at most 250 ms);
///   by the server's own changes (spec, labels); by its pods and its admin Secret; by the
///   pusher when a retry or a verification changed a replica's state; and by a threat-intel
///   feed of one of its policies whose content changed.
/// - `mcppolicy` (keys: MCPPolicies, `MCPPolicyReconciler`) is enqueued by the policy's own
///   changes and after every distribution to a server it applies to.
///
/// `run()` runs the pusher's retries and verification and follows the pusher's and the feeds'
/// changes; run it next to the manager.
public final class PolicyController: Sendable {
    /// The per-server distribution controller.
    public let distribution: Controller
    /// The per-policy status controller.
    public let policies: Controller
    /// The pusher (shared by every server).
    public let pusher: PolicyPusher
    /// The distribution reconciler.
    public let distributionReconciler: PolicyDistributionReconciler
    private let feeds: (any ThreatFeedResolving)?
    private let cache: OperatorCache
    private let debouncer: PolicyDebouncer
    private let observed: ObservedChanges

    /// Adds both controllers to `manager`, sharing `servers`' reflectors and cache. `feeds`
    /// resolves threat-intel feeds (also handed to the MCPServer reconciler, so the ConfigMap
    /// and the pushes agree); `discovery` maps pods to admin addresses.
    public init(manager: Manager, servers: MCPServerController, settings: OperatorSettings,
                pusher: PolicyPusher = PolicyPusher(), feeds: (any ThreatFeedResolving)? = nil,
                discovery: ReplicaDiscovery = ReplicaDiscovery(), events: EventRecorder? = nil,
                debounce: (quiet: Duration, maxDelay: Duration) = (.milliseconds(50), .milliseconds(250)),
                logger: Logger = Logger(label: "mcp-operator")) {
        self.pusher = pusher
        self.feeds = feeds
        let cache = servers.cache
        self.cache = cache
        if let feeds { servers.reconciler.use(feeds: feeds) }
        let renderer = PolicyRenderer(feeds: feeds)
        let recorder = events ?? EventRecorder(client: manager.client, reportingInstance: settings.reportingInstance, logger: logger)
        let observed = ObservedChanges()
        self.observed = observed
        let configuration = ControllerConfiguration(workers: max(2, settings.maxConcurrentReconciles), resyncPeriod: settings.resyncPeriod)
        let policies = Controller(name: "mcppolicy",
                                  reconciler: MCPPolicyReconciler(client: manager.client, cache: cache, renderer: renderer, pusher: pusher),
                                  configuration: configuration, logger: logger)
        self.policies = policies
        let serverView = cache.servers
        let policyView = cache.policies
        let reconciler = PolicyDistributionReconciler(
            client: manager.client, cache: cache, options: settings.planner, renderer: renderer, discovery: discovery, pusher: pusher,
            events: recorder, logger: logger,
            changeObservedAt: { key in observed.take(key) },
            afterStatus: { server in
                for key in Self.policyKeys(of: server, policies: policyView) { policies.queue.add(key) }
            })
        distributionReconciler = reconciler
        let distribution = Controller(name: "policy-distribution", reconciler: reconciler, configuration: configuration, logger: logger)
        self.distribution = distribution
        debouncer = PolicyDebouncer(quiet: debounce.quiet, maxDelay: debounce.maxDelay) { policy, affected, at in
            observed.note(affected, at: at)
            for server in affected.sorted() { distribution.queue.add(server) }
            policies.queue.add(policy)
        }

        let debouncer = self.debouncer
        for reflector in servers.sources.policies {
            // Every policy is the primary resource of `mcppolicy` (resync), but its changes reach
            // both controllers through the debouncer.
            policies.watch(reflector, filter: EventFilter { _, _ in false })
            reflector.addHandler { event in
                let affected = Set(MCPServerController.policyKeys(event, servers: serverView))
                switch event {
                case .updated(let old, let new) where old.metadata.generation == new.metadata.generation
                    && old.metadata.labels == new.metadata.labels && old.metadata.deletionTimestamp == new.metadata.deletionTimestamp:
                    return  // a status write
                default:
                    debouncer.note(ObjectKey(event.object.metadata), servers: affected)
                }
            }
        }
        for reflector in servers.sources.servers {
            distribution.watch(reflector, filter: .generationOrMetadataChanged)
            reflector.addHandler { event in
                let versions: [MCPServer]
                switch event {
                case .added(let server), .deleted(let server): versions = [server]
                case .updated(let old, let new):
                    guard old.metadata.labels != new.metadata.labels || old.spec.policyRefs != new.spec.policyRefs else { return }
                    versions = [old, new]
                }
                for key in Set(versions.flatMap { Self.policyKeys(of: $0, policies: policyView) }) { policies.queue.add(key) }
            }
        }
        for reflector in servers.sources.pods { distribution.watch(reflector, map: MCPServerController.podKeys) }
        for reflector in servers.sources.secrets { distribution.owns(reflector, owner: MCPServer.resourceType) }
        manager.add(distribution)
        manager.add(policies)
    }

    /// The policies in the server's namespace that apply to it.
    static func policyKeys(of server: MCPServer, policies: CacheView<MCPPolicy>) -> [ObjectKey] {
        policies.list(namespace: server.metadata.namespace ?? "default")
            .filter { PolicyMerger.applies($0, to: server) }
            .map { ObjectKey($0.metadata) }
    }

    /// Runs the pusher's retries and verification, and turns the pusher's updates and the
    /// feeds' content changes into reconciles, until cancelled.
    public func run() async {
        let pusher = self.pusher
        let distribution = self.distribution
        let updates = await pusher.updates()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pusher.run() }
            group.addTask {
                for await status in updates {
                    let parts = status.group.split(separator: "/", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }
                    distribution.queue.add(ObjectKey(namespace: parts[0], name: parts[1]))
                }
            }
            if let feeds {
                let cache = self.cache
                let debouncer = self.debouncer
                group.addTask {
                    for await identity in feeds.contentChanges() {
                        for policy in cache.policies.list() where Self.uses(policy, feed: identity) {
                            let affected = cache.servers.list(namespace: policy.metadata.namespace ?? "default")
                                .filter { PolicyMerger.applies(policy, to: $0) }.map { ObjectKey($0.metadata) }
                            debouncer.note(ObjectKey(policy.metadata), servers: Set(affected))
                        }
                    }
                }
            }
            await group.waitForAll()
        }
    }

    /// Whether a policy names this feed.
    static func uses(_ policy: MCPPolicy, feed identity: FeedIdentity) -> Bool {
        let namespace = policy.metadata.namespace ?? "default"
        return (policy.spec.threatIntel?.feeds ?? []).contains { FeedIdentity($0, namespace: namespace) == identity }
    }
}

/// When the changes waiting to be distributed to each server were first observed.
final class ObservedChanges: Sendable {
    private let times = Mutex<[ObjectKey: ContinuousClock.Instant]>([:])

    /// Records a change affecting `servers` observed at `instant` (the earliest is kept).
    func note(_ servers: Set<ObjectKey>, at instant: ContinuousClock.Instant) {
        times.withLock { times in
            for server in servers where times[server].map({ $0 > instant }) ?? true { times[server] = instant }
        }
    }

    /// When the change waiting for `server` was observed, forgetting it.
    func take(_ server: ObjectKey) -> ContinuousClock.Instant? { times.withLock { $0.removeValue(forKey: server) } }
}
