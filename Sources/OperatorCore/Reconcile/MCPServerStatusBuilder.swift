import KubeModel
import OperatorAPI

/// Computes an MCPServer's status from `StatusInputs`, purely. Conditions keep their
/// `lastTransitionTime` unless their status flips, and conditions of other types (such as
/// `PolicyApplied`, set by policy distribution) are kept as they are, so recomputing the status
/// of an unchanged server gives back the stored status exactly and no write is made.
public enum MCPServerStatusBuilder {
    /// The status to store.
    public static func status(_ inputs: StatusInputs) -> MCPServerStatus {
        let server = inputs.server
        let spec = server.spec.withDefaults()
        let previous = server.status ?? MCPServerStatus()
        let naming = ChildNaming(server: server.name)
        let generation = server.metadata.generation
        var status = previous
        status.observedGeneration = generation
        status.selector = LabelSelector(matchLabels: naming.selector(component: OperatorLabels.serverComponent)).queryString
        let namespace = server.metadata.namespace ?? "default"
        status.endpoint = "http://\(naming.workload).\(namespace).svc.\(inputs.clusterDomain):\(spec.gateway?.port ?? GatewayLayout.mcpPort)/mcp"
        status.replicas = inputs.deployment?.status?.replicas ?? 0
        status.readyReplicas = inputs.deployment?.status?.readyReplicas ?? 0
        if let version = inputs.policyVersion {
            var policy = previous.policy ?? MCPServerStatus.PolicyStatus()
            policy.desiredVersion = version
            status.policy = policy
        }
        status.plugins = pluginStatuses(spec: spec, inputs: inputs)

        let (ready, progressing, degraded) = conditions(spec: spec, inputs: inputs, plugins: status.plugins ?? [])
        var conditions = previous.conditions ?? []
        for (type, value, reason, message) in [(MCPServerConditionType.ready, ready.0, ready.1, ready.2),
                                               (MCPServerConditionType.progressing, progressing.0, progressing.1, progressing.2),
                                               (MCPServerConditionType.degraded, degraded.0, degraded.1, degraded.2)] {
            conditions.set(Condition(type: type, status: value ? "True" : "False", observedGeneration: generation,
                                       reason: reason, message: message), now: inputs.now)
        }
        status.conditions = conditions
        return status
    }

    private typealias Verdict = (Bool, String, String)

    private static func conditions(spec: MCPServerSpec, inputs: StatusInputs, plugins: [MCPServerStatus.PluginStatus])
        -> (ready: Verdict, progressing: Verdict, degraded: Verdict) {
        let deployment = inputs.deployment
        let desired = deployment?.spec?.replicas ?? spec.replicas ?? spec.autoscaling?.minReplicas ?? 1
        let readyCount = deployment?.status?.readyReplicas ?? 0
        let updated = deployment?.status?.updatedReplicas ?? 0
        let unreadyPlugins = plugins.filter { $0.ready != true }.map(\.name)

        var ready: Verdict
        if deployment == nil {
            ready = (false, inputs.failure?.reason ?? MCPServerReason.creating, inputs.failure?.message ?? "the server's objects are being created")
        } else if desired == 0 {
            ready = (false, MCPServerReason.scaledToZero, "the server is scaled to zero replicas")
        } else if readyCount < desired {
            ready = (false, MCPServerReason.replicasNotReady, "\(readyCount) of \(desired) replicas ready")
        } else if !unreadyPlugins.isEmpty {
            ready = (false, MCPServerReason.pluginsNotReady, "plugins not ready: " + unreadyPlugins.joined(separator: ", "))
        } else {
            ready = (true, MCPServerReason.available, "\(readyCount) of \(desired) replicas ready")
        }

        let podProblem = podFailure(inputs.pods)
        let deadlineExceeded = deployment?.status?.conditions?.first { $0.type == "Progressing" && $0.status == "False" }
        let degraded: Verdict
        if let failure = inputs.failure {
            degraded = (true, failure.reason, failure.message)
        } else if let podProblem {
            degraded = (true, podProblem.reason, podProblem.message)
        } else if let deadlineExceeded {
            degraded = (true, deadlineExceeded.reason ?? MCPServerReason.progressDeadlineExceeded, deadlineExceeded.message ?? "the rollout is stuck")
        } else {
            degraded = (false, MCPServerReason.asExpected, "no problem observed")
        }

        let progressing: Verdict
        if let failure = inputs.failure {
            progressing = (false, failure.reason, "changes are not rolled out until the problem is fixed")
        } else if let deployment {
            let current = (deployment.status?.observedGeneration ?? -1) >= (deployment.metadata.generation ?? 0)
            if !current || updated < desired || readyCount < desired {
                progressing = (true, MCPServerReason.rollingOut, "\(updated) of \(desired) replicas updated, \(readyCount) ready")
            } else {
                progressing = (false, MCPServerReason.complete, "the rollout is complete")
            }
        } else {
            progressing = (true, MCPServerReason.creating, "the server's objects are being created")
        }
        if degraded.0, podProblem != nil, inputs.failure == nil, ready.0 == false {
            ready = (false, degraded.1, degraded.2)
        }
        return (ready, progressing, degraded)
    }

    /// The first container stuck for a reason that will not clear by itself, across the pods.
    static func podFailure(_ pods: [Pod]) -> (reason: String, message: String)? {
        for pod in pods.sorted(by: { $0.name < $1.name }) {
            let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
            for container in statuses {
                guard let waiting = container.state?.waiting, let reason = waiting.reason,
                      MCPServerReason.podFailures.contains(reason) else { continue }
                let detail = waiting.message.map { ": \($0)" } ?? ""
                return (reason, "pod \(pod.name) container \(container.name): \(reason)\(detail)")
            }
        }
        return nil
    }

    private static func pluginStatuses(spec: MCPServerSpec, inputs: StatusInputs) -> [MCPServerStatus.PluginStatus]? {
        guard let plugins = spec.plugins, !plugins.isEmpty else { return nil }
        return plugins.map { plugin in
            let pods = inputs.pods.filter { $0.metadata.labels?[OperatorLabels.plugin] == plugin.name }
            let statuses = pods.flatMap { $0.status?.containerStatuses ?? [] }
            let restarts = statuses.reduce(0) { $0 + ($1.restartCount ?? 0) }
            let exit = statuses.compactMap { $0.lastState?.terminated?.reason }.first
            let ready = (inputs.pluginDeployments[plugin.name]?.status?.readyReplicas ?? 0) >= 1
            return MCPServerStatus.PluginStatus(name: plugin.name, ready: ready, restarts: restarts, lastExitReason: exit)
        }
    }
}
