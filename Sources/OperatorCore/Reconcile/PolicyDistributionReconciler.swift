import ControllerRuntime
import Foundation
import KubeClient
import Logging
import OperatorAPI
import PolicyDistribution
import PolicyEngine

/// Keeps one MCPServer's running gateways at its rendered policy (keys are MCPServers):
///
/// 1. A server that is gone or being deleted is forgotten by the pusher.
/// 2. Its policy is rendered (`PolicyRenderer`); a missing or invalid policy is never pushed:
///    `PolicyApplied` turns false naming the policy, field and reason, and the replicas keep the
///    last good policy.
/// 3. The ConfigMap is brought to the rendered document first (so a pod that starts later boots
///    with it), unless the cache shows it there already.
/// 4. The ready replicas are discovered in the cache (`ReplicaDiscovery`) and the release is
///    handed to the pusher with the admin token from the server's Secret; replicas already at the
///    version are not pushed to.
/// 5. `status.policy` and `PolicyApplied` are written from the pusher's state when they changed,
///    and a Warning event is recorded when a replica newly rejects the version.
///
/// Retries of replicas that are down and periodic verification run in the pusher; each change
/// they make comes back as a reconcile of the server (see `PolicyController`).
public final class PolicyDistributionReconciler: Reconciler {
    let client: KubernetesClient
    let cache: OperatorCache
    let options: PlannerOptions
    let renderer: PolicyRenderer
    let discovery: ReplicaDiscovery
    let pusher: PolicyPusher
    let events: EventRecorder
    let logger: Logger
    let wallClock: @Sendable () -> Date
    let changeObservedAt: @Sendable (ObjectKey) -> ContinuousClock.Instant?
    let afterStatus: @Sendable (MCPServer) -> Void

    /// A reconciler. `changeObservedAt` gives (and forgets) when a change affecting a server was
    /// first observed, for `policy_propagation_seconds`; `afterStatus` is called after each
    /// reconcile that pushed or recorded something (the policy controller then updates the
    /// MCPPolicies of the server).
    public init(client: KubernetesClient, cache: OperatorCache, options: PlannerOptions, renderer: PolicyRenderer,
                discovery: ReplicaDiscovery = ReplicaDiscovery(), pusher: PolicyPusher, events: EventRecorder,
                logger: Logger = Logger(label: "policy-distribution"), wallClock: @escaping @Sendable () -> Date = { Date() },
                changeObservedAt: @escaping @Sendable (ObjectKey) -> ContinuousClock.Instant? = { _ in nil },
                afterStatus: @escaping @Sendable (MCPServer) -> Void = { _ in }) {
        self.client = client
        self.cache = cache
        self.options = options
        self.renderer = renderer
        self.discovery = discovery
        self.pusher = pusher
        self.events = events
        self.logger = logger
        self.wallClock = wallClock
        self.changeObservedAt = changeObservedAt
        self.afterStatus = afterStatus
    }

    /// The pusher's group of a server.
    public static func group(_ key: ObjectKey) -> String { "\(key.namespace ?? "default")/\(key.name)" }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        let observedAt = changeObservedAt(key)
        guard let server = cache.servers.get(key), server.metadata.deletionTimestamp == nil else {
            await pusher.remove(group: Self.group(key))
            return .done
        }
        let namespace = server.metadata.namespace ?? "default"
        let generation = server.metadata.generation
        let now = KubeTime.string(from: wallClock())
        let rendered: RenderedPolicy
        switch await renderer.render(server: server, policies: cache.policies.list(namespace: namespace)) {
        case .failure(let failure):
            try await StatusWriter.write(server, client: client) { current in
                var updated = current
                updated.status = PolicyStatusBuilder.serverStatus(current.status, failure: failure, generation: generation, now: now)
                return updated
            }
            afterStatus(server)
            return .done
        case .success(let value):
            rendered = value
        }
        let secret = cache.secrets.get(namespace: namespace, name: ChildNaming(server: server.name).adminSecret)
        guard let token = MCPServerReconciler.token(in: secret) else {
            // The MCPServer reconciler creates the Secret; its arrival enqueues the server again.
            return .requeueAfter(.seconds(2))
        }
        try await ensureConfigMap(server, document: rendered.document, token: token)

        let release = PolicyRelease(rendered.effectiveDocument)
        let pods = cache.pods.byIndex(OperatorCache.podsByServer, "\(namespace)/\(server.name)")
        let targets = discovery.targets(pods: pods, token: token)
        let distribution = await pusher.distribute(release, to: targets, group: Self.group(key), changeObservedAt: observedAt)
        await recordRejections(server, distribution: distribution)
        try await StatusWriter.write(server, client: client) { current in
            var updated = current
            updated.status = PolicyStatusBuilder.serverStatus(current.status, distribution: distribution, generation: generation, now: now)
            return updated
        }
        afterStatus(server)
        return .done
    }

    /// Applies the policy ConfigMap when the cache does not show it holding this document.
    private func ensureConfigMap(_ server: MCPServer, document: PolicyDocument?, token: String) async throws {
        let plan: ServerPlan
        do {
            plan = try ServerPlan(server: server, policy: document, adminToken: token, options: options)
        } catch {
            // The MCPServer reconciler reports why the server cannot be planned; running replicas
            // still get the policy.
            return
        }
        let object = DesiredObject(plan.policyConfigMap)
        if let live = cache.liveJSON(object.reference), AppliedState.isUpToDate(object, live: live) { return }
        _ = try await client.apply(object.resourceType, DynamicObject(json: object.body), name: object.name, namespace: object.namespace,
                                   fieldManager: options.fieldManager, force: true, as: DynamicObject.self)
    }

    /// A Warning event per replica that newly rejected the desired version.
    private func recordRejections(_ server: MCPServer, distribution: PolicyDistributionStatus) async {
        let previous = Dictionary((server.status?.policy?.replicas ?? []).map { ($0.name, $0.lastError) }, uniquingKeysWith: { first, _ in first })
        for replica in distribution.replicas where replica.phase(desired: distribution.desiredVersion) == .rejected {
            guard let error = replica.lastError, previous[replica.replica] != .some(error) else { continue }
            await events.record(server, type: .warning, reason: "PolicyRejected", action: "PushPolicy",
                                note: "replica \(replica.replica) \(error); it keeps its last good policy")
        }
    }
}
