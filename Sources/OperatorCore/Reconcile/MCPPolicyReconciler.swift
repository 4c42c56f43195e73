import ControllerRuntime
import Foundation
import KubeClient
import Logging
import OperatorAPI
import PolicyDistribution

/// Keeps an MCPPolicy's status true (keys are MCPPolicies): `Valid` (the policy engine's
/// verdict, naming each field and reason), `version` (of its document with its feeds' blocks),
/// `FeedsReady` when it names feeds, the servers it applies to (`serverSelector` and the
/// servers' `policyRefs`) and how many of them enforce their current merged document on every
/// replica (`Propagated`), and when a change last reached its last replica; and tells the
/// threat-feed cache which feeds the policies still name. It pushes nothing itself:
/// distribution is per server (`PolicyDistributionReconciler`).
public final class MCPPolicyReconciler: Reconciler {
    let client: KubernetesClient
    let cache: OperatorCache
    let renderer: PolicyRenderer
    let pusher: PolicyPusher
    let wallClock: @Sendable () -> Date

    /// A reconciler reading the pusher's state for acknowledgements.
    public init(client: KubernetesClient, cache: OperatorCache, renderer: PolicyRenderer, pusher: PolicyPusher,
                wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.cache = cache
        self.renderer = renderer
        self.pusher = pusher
        self.wallClock = wallClock
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        // A deleted policy, or one whose feeds changed, may leave a feed that no policy names.
        if let feeds = renderer.feeds {
            await feeds.retainOnly(FeedIdentity.named(by: cache.policies.list()
                .filter { $0.metadata.deletionTimestamp == nil }
                .map { (feeds: $0.spec.threatIntel?.feeds ?? [], namespace: $0.metadata.namespace ?? "default") }))
        }
        guard let policy = cache.policies.get(key), policy.metadata.deletionTimestamp == nil else { return .done }
        let namespace = policy.metadata.namespace ?? "default"
        let own = await renderer.render(policy: policy)
        let policies = cache.policies.list(namespace: namespace)
        var servers: [(name: String, acked: Bool)] = []
        var lastPropagation: Date?
        for server in cache.servers.list(namespace: namespace).sorted(by: { $0.name < $1.name })
        where PolicyMerger.applies(policy, to: server) {
            let group = PolicyDistributionReconciler.group(ObjectKey(server.metadata))
            let distribution = await pusher.status(of: group)
            var acked = false
            if let distribution, case .success(let rendered) = await renderer.render(server: server, policies: policies) {
                acked = distribution.desiredVersion == rendered.effectiveDocument.version && distribution.isComplete
            }
            if let time = distribution?.lastPropagation, lastPropagation.map({ $0 < time }) ?? true { lastPropagation = time }
            servers.append((group, acked))
        }
        let inputs = PolicyStatusBuilder.PolicyInputs(
            policy: policy, version: own.document?.version, issues: own.issues, feedProblems: own.feedProblems, servers: servers,
            lastPropagation: lastPropagation, now: KubeTime.string(from: wallClock()))
        try await StatusWriter.write(policy, client: client) { current in
            var updated = current
            var recomputed = inputs
            recomputed.policy = current
            updated.status = PolicyStatusBuilder.policyStatus(recomputed)
            return updated
        }
        return .done
    }
}
