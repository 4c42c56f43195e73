import ControlPlaneHTTP
import DockerEngine
import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import PolicyDistribution

extension LocalServerReconciler {
    /// Observes the containers, pushes the policy to the ready gateways, records the acks and
    /// writes the status. Returns whether the server is ready (every gateway and plugin).
    @discardableResult
    func writeStatus(_ server: MCPServer, failure: LocalPlanError?, plan: LocalPlan?, policy: PolicyRelease?,
                     token: String? = nil) async throws -> Bool {
        let namespace = server.metadata.namespace ?? "default"
        let name = server.metadata.name ?? ""
        let desiredReplicas = Self.desiredReplicas(server)
        var gateways: [GatewayObservation] = []
        var adminPorts: [String: Int] = [:]
        var plugins: [LocalPluginStatus] = []
        var crashLooping: [(name: String, reason: String, message: String)] = []
        if let plan {
            for desired in plan.gateways {
                let details = try? await docker.inspectContainer(desired.name)
                let running = details?.state.running == true
                let client = details.flatMap { Self.hostPort($0, "\(LocalPlanner.clientPort)/tcp") }
                let admin = details.flatMap { Self.hostPort($0, "\(LocalPlanner.adminPort)/tcp") }
                var ready = false
                if running, let admin {
                    ready = await isReady(adminPort: admin)
                    if ready { adminPorts[desired.name] = admin }
                }
                gateways.append(GatewayObservation(container: desired.name, running: running, ready: ready,
                                                   clientPort: client ?? desired.config.labels?[LocalLabels.clientPort].flatMap(Int.init)))
            }
            for desired in plan.plugins {
                let details = try? await docker.inspectContainer(desired.name)
                let record = runtime.withRestarts { $0.records[desired.name] }
                let looping = runtime.withRestarts { $0.isCrashLooping(desired.name) }
                let running = details?.state.running == true
                let usage = running ? runtime.usage(desired.name) : nil
                var state = details?.state.status ?? "missing"
                if !running, runtime.withRestarts({ $0.delay(desired.name, now: Date()) }) > .zero { state = "restarting" }
                let pluginName = desired.plugin ?? ""
                plugins.append(LocalPluginStatus(
                    name: pluginName, ready: running, restarts: record?.restarts ?? 0, lastExitReason: record?.lastExit?.reason,
                    lastExitCode: record?.lastExit?.code, state: state, container: desired.name, oomKills: record?.oomKills ?? 0,
                    memoryBytes: usage?.memoryBytes, memoryLimitBytes: usage?.memoryLimitBytes ?? desired.hostConfig.memory,
                    cpuMillicores: usage?.cpuMillicores))
                if looping, let exit = record?.lastExit {
                    let reason = exit.oomKilled ? LocalStatusBuilder.Reason.oomKilled : LocalStatusBuilder.Reason.crashLoopBackOff
                    let limit = exit.oomKilled ? " (memory limit \(desired.hostConfig.memory ?? 0) bytes)" : ""
                    crashLooping.append((pluginName, reason,
                                         "plugin \(pluginName) keeps exiting: \(record?.consecutiveExits ?? 0) exits in a row, the last with code \(exit.code) (\(exit.reason))\(limit); restarting with backoff"))
                }
            }
        }

        var replicaPolicies: [MCPServerStatus.ReplicaPolicy] = []
        if let policy, let plan, failure == nil, let token {
            let targets = plan.gateways.compactMap { desired in
                adminPorts[desired.name].map {
                    PolicyPushTarget(replica: desired.name, adminURL: "http://\(options.plan.publishAddress):\($0)", adminToken: token)
                }
            }
            let distribution = await pusher.distribute(policy, to: targets, group: "\(namespace)/\(name)")
            let states = Dictionary(distribution.replicas.map { ($0.replica, $0) }) { first, _ in first }
            for desired in plan.gateways {
                guard let state = states[desired.name] else {
                    replicaPolicies.append(MCPServerStatus.ReplicaPolicy(name: desired.name, lastError: "the gateway is not ready"))
                    continue
                }
                let rejected = state.rejectedVersion == policy.version
                let error = rejected ? "rejected: \(state.lastError ?? "the gateway refused the document")" : state.lastError
                replicaPolicies.append(MCPServerStatus.ReplicaPolicy(
                    name: desired.name, version: state.ackedVersion, ackedAt: state.ackedAt.map(LocalStateStore.timestamp), lastError: error))
                if state.ackedVersion != nil || error != nil {
                    try store.recordPolicyAck(PolicyAckRecord(namespace: namespace, server: name, replica: desired.name,
                                                              version: state.ackedVersion ?? "", sha256: state.ackedSHA256,
                                                              at: state.ackedAt ?? Date(), error: error))
                }
            }
            try store.removePolicyAcks(namespace: namespace, server: name, keeping: Set(plan.gateways.map(\.name)))
        }

        let selector = [LocalLabels.managedBy: LocalLabels.managerName, LocalLabels.namespace: namespace,
                        LocalLabels.server: name, LocalLabels.component: LocalRole.gateway.rawValue]
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let inputs = LocalStatusInputs(
            server: server, failure: failure, desiredReplicas: desiredReplicas, gateways: gateways, plugins: plugins,
            crashLooping: crashLooping, policyVersion: failure == nil ? policy?.version : nil, policyReplicas: replicaPolicies,
            publishAddress: options.plan.publishAddress, selector: selector, now: LocalStateStore.timestamp(Date()))
        let document = try LocalStatusBuilder.document(inputs)
        try store.writeStatus(.server, namespace: namespace, name: name, status: document)
        let ready = failure == nil && gateways.filter(\.ready).count >= desiredReplicas && plugins.allSatisfy(\.ready)
        let policyDone = replicaPolicies.allSatisfy { $0.version == policy?.version }
        return ready && policyDone
    }

    /// The host port a container port is published on.
    static func hostPort(_ details: ContainerDetails, _ key: String) -> Int? {
        guard let bindings = details.networkSettings.ports?[key] ?? nil else { return nil }
        return bindings.compactMap { $0.hostPort.flatMap(Int.init) }.first
    }

    /// Whether the gateway's admin `/readyz` answers 200.
    func isReady(adminPort: Int) async -> Bool {
        let request = HTTPRequest(method: "GET", url: "http://\(options.plan.publishAddress):\(adminPort)/readyz", timeout: .seconds(2))
        guard let response = try? await probe.send(request) else { return false }
        return response.status == 200
    }
}
