import ControllerRuntime
import Foundation
import KubeClient
import Logging
import OperatorAPI
import PolicyDistribution
import PolicyEngine
import Synchronization

/// Makes the cluster match one MCPServer. Level-triggered and idempotent; every read comes from
/// the cache, so a reconcile of an unchanged server makes no request at all:
///
/// 1. A server that is gone or being deleted needs nothing: its children carry controlling
///    owner references and the garbage collector removes them (no finalizer: the operator has
///    nothing outside the cluster to clean up).
/// 2. Its policies are resolved, merged and given their feeds' blocks (`PolicyRenderer`); a
///    missing one is `PolicyNotFound`, an invalid one `InvalidPolicy`.
/// 3. The children are planned (`ServerPlan`); a spec that cannot be realized is a `PlanError`.
/// 4. Each planned child that is not already up to date in the cache (`AppliedState`) is
///    server-side applied with force; children no longer planned are deleted.
/// 5. The status is computed from the cache (`MCPServerStatusBuilder`) and written through the
///    status subresource only when it changed.
///
/// When step 2 or 3 fails, the existing children are left as they are (the last good state
/// keeps serving), the failure becomes `Degraded` with its reason, and a Warning event is
/// recorded when the reason first appears. Other servers are unaffected.
public final class MCPServerReconciler: Reconciler {
    let client: KubernetesClient
    let cache: OperatorCache
    let options: PlannerOptions
    let events: EventRecorder
    let logger: Logger
    let wallClock: @Sendable () -> Date
    let makeToken: @Sendable () -> String
    private let rendererSlot: Mutex<PolicyRenderer>
    /// How policies are rendered (with feeds once `use(feeds:)` was called).
    var renderer: PolicyRenderer { rendererSlot.withLock { $0 } }

    /// Makes a reconciler. `makeToken` generates a new admin token (32 random bytes as hex by
    /// default); it is called only when the server's admin Secret does not exist yet.
    public init(client: KubernetesClient, cache: OperatorCache, options: PlannerOptions, events: EventRecorder,
                logger: Logger = Logger(label: "mcpserver-reconciler"), wallClock: @escaping @Sendable () -> Date = { Date() },
                makeToken: @escaping @Sendable () -> String = MCPServerReconciler.randomToken,
                renderer: PolicyRenderer = PolicyRenderer()) {
        rendererSlot = Mutex(renderer)
        self.client = client
        self.cache = cache
        self.options = options
        self.events = events
        self.logger = logger
        self.wallClock = wallClock
        self.makeToken = makeToken
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let server = cache.servers.get(key) else { return .done }
        guard server.metadata.deletionTimestamp == nil else { return .done }
        var logger = self.logger
        logger[metadataKey: "mcpserver"] = "\(key)"

        var failure: (reason: String, message: String)?
        var plan: ServerPlan?
        switch await policyDocument(for: server) {
        case .failure(let problem):
            failure = (problem.reason, problem.message)
        case .success(let document):
            do {
                let token = try await adminToken(for: server)
                plan = try ServerPlan(server: server, policy: document, adminToken: token, options: options)
            } catch let error as PlanError {
                failure = (error.reason, error.description)
            }
        }

        var applyError: (any Error)?
        if let plan {
            do {
                try await apply(plan, for: server)
                try await prune(plan, for: server)
            } catch {
                if Task.isCancelled { throw error }
                applyError = error
                failure = (MCPServerReason.applyFailed, "\(error)")
            }
        }
        try await writeStatus(server, failure: failure, plan: plan, logger: logger)
        if let applyError { throw applyError }
        return .done
    }

    // MARK: Policy

    /// Merges the blocks of threat-intel feeds from `feeds` into the policies rendered from now on
    /// (as policy distribution does, so the ConfigMap and the pushes agree).
    public func use(feeds: any ThreatFeedResolving) {
        rendererSlot.withLock { $0 = PolicyRenderer(feeds: feeds) }
    }

    /// The merged, validated policy document with its feeds (nil when no policy applies), or the
    /// failure; rendered as policy distribution renders it (`PolicyRenderer`).
    func policyDocument(for server: MCPServer) async -> Result<PolicyDocument?, FailureReason> {
        let namespace = server.metadata.namespace ?? "default"
        switch await renderer.render(server: server, policies: cache.policies.list(namespace: namespace)) {
        case .failure(let failure):
            return .failure(FailureReason(reason: failure.reason, message: failure.message))
        case .success(let rendered):
            return .success(rendered.document)
        }
    }

    // MARK: Status

    private func writeStatus(_ server: MCPServer, failure: (reason: String, message: String)?, plan: ServerPlan?,
                             logger: Logger) async throws {
        let namespace = server.metadata.namespace ?? "default"
        let naming = ChildNaming(server: server.name)
        let pods = cache.pods.byIndex(OperatorCache.podsByServer, "\(namespace)/\(server.name)")
        var plugins: [String: Deployment] = [:]
        for plugin in server.spec.plugins ?? [] {
            plugins[plugin.name] = cache.deployments.get(namespace: namespace, name: naming.plugin(plugin.name))
        }
        let inputs = StatusInputs(
            server: server, failure: failure, policyVersion: plan?.policyVersion,
            deployment: cache.deployments.get(namespace: namespace, name: naming.workload), pluginDeployments: plugins,
            pods: pods, clusterDomain: options.clusterDomain, now: KubeTime.string(from: wallClock()))
        let status = MCPServerStatusBuilder.status(inputs)
        await recordTransitions(server, from: server.status, to: status)
        guard status != server.status else { return }
        // Policy distribution writes this status too: on a conflict, recompute from the fresh object.
        let written = try await StatusWriter.write(server, client: client) { current in
            var fresh = inputs
            fresh.server = current
            var updated = current
            updated.status = MCPServerStatusBuilder.status(fresh)
            return updated
        }
        if written { logger.debug("status written") }
    }

    /// Warning events when `Degraded` turns true or changes reason; a Normal one when it clears.
    private func recordTransitions(_ server: MCPServer, from old: MCPServerStatus?, to new: MCPServerStatus) async {
        let before = old?.conditions?.first { $0.type == MCPServerConditionType.degraded }
        guard let after = new.conditions?.first(where: { $0.type == MCPServerConditionType.degraded }) else { return }
        if after.status == "True", before?.status != "True" || before?.reason != after.reason {
            await events.record(server, type: .warning, reason: after.reason ?? "Degraded", action: "Reconcile",
                                note: after.message ?? "")
        } else if after.status == "False", before?.status == "True" {
            await events.record(server, type: .normal, reason: "Recovered", action: "Reconcile",
                                note: "no longer degraded (was \(before?.reason ?? "Degraded"))")
        }
    }

    /// 32 random bytes from the system's secure generator, as lowercase hex.
    @Sendable public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// A reason and message for the `Degraded` condition.
struct FailureReason: Error, Sendable {
    var reason: String
    var message: String
}
