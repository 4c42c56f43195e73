import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Logging
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import Testing

/// The operator's MCPServer and policy controllers against the fake API server, with server pods
/// that point at real gateways of a `GatewayFleet` (pod IP 127.0.0.1, the gateway's admin port as
/// the pod's `admin` container port).
final class PolicyOperatorHarness: @unchecked Sendable {
    let api: FakeAPIServer
    let client: KubernetesClient
    let manager: Manager
    let servers: MCPServerController
    let policy: PolicyController
    private let run: Task<Void, Error>
    private let distribution: Task<Void, Never>

    static let fast = PolicyPusher.Configuration(backoff: PushBackoff(initial: .milliseconds(50), maximum: .milliseconds(300)),
                                                 verifyInterval: .milliseconds(500), retryTick: .milliseconds(20))

    /// `operatorToken`: the operator's client sends this bearer token (bind RBAC rules to it before
    /// the operator's first request with `rbac`); `client` stays the test's own, unrestricted.
    /// `feeds` may be built from the operator's client (`makeFeeds`).
    init(pusher: PolicyPusher = PolicyPusher(configuration: PolicyOperatorHarness.fast, logger: quietLogger), feeds: (any ThreatFeedResolving)? = nil,
         operatorToken: String? = nil, rbac: [RBACRule] = [], makeFeeds: ((KubernetesClient) -> any ThreatFeedResolving)? = nil) async throws {
        api = try await FakeAPIServer.start()
        api.registerBuiltins()
        api.register(MCPServer.resourceType, statusSubresource: true,
                     scale: ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                             labelSelectorPath: ".status.selector"))
        api.register(MCPPolicy.resourceType, statusSubresource: true)
        client = KubernetesClient(configuration: ClientConfiguration(server: api.baseURL), retryPolicy: .none)
        var operatorClient = client
        if let operatorToken {
            api.bindRBAC(token: operatorToken, user: "system:serviceaccount:mcp-system:mcp-operator", rules: rbac)
            operatorClient = KubernetesClient(configuration: ClientConfiguration(server: api.baseURL, credentials: StaticTokenSource(operatorToken)),
                                              retryPolicy: .none)
        }
        let feeds = makeFeeds.map { $0(operatorClient) } ?? feeds
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        manager = Manager(client: operatorClient, logger: logger)
        let settings = OperatorSettings(resyncPeriod: nil, planner: PlannerOptions(gatewayImage: "example.com/mcp-gateway:1",
                                                                                   operatorNamespace: "mcp-system"))
        servers = MCPServerController(manager: manager, settings: settings, logger: logger)
        policy = PolicyController(manager: manager, servers: servers, settings: settings, pusher: pusher, feeds: feeds, logger: logger)
        let manager = self.manager
        let policy = self.policy
        run = Task { try await manager.run() }
        distribution = Task { await policy.run() }
    }

    func stop() async {
        distribution.cancel()
        manager.requestShutdown()
        run.cancel()
        _ = try? await run.value
        await distribution.value
        await api.shutdown()
    }

    /// The admin Secret of `server` with the fleet's token, as the operator would have made it.
    func createAdminSecret(server: String) async throws {
        var secret = Secret(metadata: ObjectMeta(name: "\(server)-gateway-admin", namespace: "default",
                                                 labels: ChildNaming(server: server).labels(component: OperatorLabels.serverComponent)),
                            type: "Opaque")
        secret.setData(Data(GatewayFleet.token.utf8), forKey: "token")
        _ = try await client.create(secret)
    }

    /// A ready server pod whose admin endpoint is `adminPort` on 127.0.0.1.
    func createPod(_ name: String, server: String, adminPort: Int) throws {
        let labels = ChildNaming(server: server).labels(component: OperatorLabels.serverComponent)
        let pod = Pod(metadata: ObjectMeta(name: name, namespace: "default", labels: labels),
                      spec: PodSpec(containers: [Container(name: "gateway", image: "example.com/mcp-gateway:1",
                                                           ports: [ContainerPort(name: "admin", containerPort: adminPort)])]))
        try api.create(Pod.resourceType, try JSONValue(encoding: pod))
        try api.modify(Pod.resourceType, namespace: "default", name: name) { object in
            object["status"] = ["phase": "Running", "podIP": "127.0.0.1",
                                "conditions": [["type": "Ready", "status": "True"]]]
        }
    }

    func mcpServer(_ name: String) -> MCPServer? {
        try? api.object(MCPServer.resourceType, namespace: "default", name: name)?.decode(as: MCPServer.self)
    }

    func mcpPolicy(_ name: String) -> MCPPolicy? {
        try? api.object(MCPPolicy.resourceType, namespace: "default", name: name)?.decode(as: MCPPolicy.self)
    }

    func condition(_ type: String, server: String) -> Condition? {
        mcpServer(server)?.status?.conditions?.first { $0.type == type }
    }

    func policyCondition(_ type: String, policy: String) -> Condition? {
        mcpPolicy(policy)?.status?.conditions?.first { $0.type == type }
    }

    /// Sets the spec of policy `name` (an update, as `kubectl apply` would).
    /// The operator writes the policy's status meanwhile: on a conflict, read it again.
    func updatePolicy(_ name: String, _ spec: PolicyDocument) async throws {
        for attempt in 1...10 {
            var current = try await client.get(MCPPolicy.self, name: name, namespace: "default")
            current.spec = spec
            do {
                _ = try await client.update(current)
                return
            } catch let error as KubernetesError where error.isConflict && attempt < 10 {
                continue
            }
        }
    }

    /// Waits until no controller has a key queued, delayed or in process and nothing was
    /// written, throughout `quiet` and over at least `checks` polls in a row (a stalled poller
    /// cannot mistake one lucky look for quiet); records an issue on timeout.
    func settle(quiet: Duration = .milliseconds(600), checks: Int = 3, timeout: Duration = .seconds(15),
                sourceLocation: SourceLocation = #_sourceLocation) async {
        let queues = [("policy-distribution", policy.distribution.queue), ("mcppolicy", policy.policies.queue),
                      ("mcpserver", servers.controller.queue)]
        let deadline = ContinuousClock.now + timeout
        var lastCount = -1
        var stableSince = ContinuousClock.now
        var idleChecks = 0
        while ContinuousClock.now < deadline {
            let count = api.writes.count
            let idle = queues.allSatisfy { $0.1.count == 0 && $0.1.waitingCount == 0 && $0.1.processingCount == 0 }
            if count != lastCount || !idle {
                lastCount = count
                stableSince = .now
                idleChecks = 0
            } else {
                idleChecks += 1
                if idleChecks >= checks, stableSince.duration(to: .now) >= quiet { return }
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        let busy = queues.map { "\($0.0): \($0.1.count) queued, \($0.1.waitingCount) delayed, \($0.1.processingCount) in process" }
        Issue.record("did not settle within \(timeout) (\(api.writes.count) writes): \(busy.joined(separator: "; "))",
                     sourceLocation: sourceLocation)
    }
}

extension PolicyDocument {
    /// This document naming servers labelled `app=<value>`.
    func selecting(app: String) -> PolicyDocument {
        var document = self
        document.serverSelector = LabelSelector(matchLabels: ["app": app])
        return document
    }
}
