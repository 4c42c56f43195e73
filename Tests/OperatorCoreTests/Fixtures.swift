import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Logging
import OperatorAPI
import OperatorCore
import PolicyEngine
import Testing

/// Sample objects for the tests.
enum Fixtures {
    static let options = PlannerOptions(gatewayImage: "example.com/mcp-gateway:1", operatorNamespace: "mcp-system")

    static func stdioServer(_ name: String = "files", namespace: String = "default", replicas: Int? = nil,
                            plugins: [MCPServerSpec.Plugin]? = nil, policyRefs: [String]? = nil,
                            autoscaling: MCPServerSpec.Autoscaling? = nil, labels: [String: String]? = nil) -> MCPServer {
        var metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        metadata.uid = "uid-\(name)"
        metadata.generation = 1
        return MCPServer(metadata: metadata, spec: MCPServerSpec(
            image: "example.com/files:1", command: ["node", "server.js"], args: ["--root", "/data"],
            replicas: replicas, autoscaling: autoscaling, plugins: plugins, policyRefs: policyRefs))
    }

    static func httpServer(_ name: String = "web", port: Int = 3000) -> MCPServer {
        var server = stdioServer(name)
        server.spec.transport = .streamableHTTP
        server.spec.port = port
        server.spec.command = nil
        server.spec.args = nil
        return server
    }

    static let plugin = MCPServerSpec.Plugin(name: "search", image: "example.com/search:2", port: 7000,
                                             egress: MCPServerSpec.Egress(allow: [MCPServerSpec.EgressRule(cidr: "10.0.0.0/8", ports: [443])]))

    static func policy(_ name: String, namespace: String = "default", selector: [String: String]? = nil,
                       allow: [String] = ["*"]) -> MCPPolicy {
        MCPPolicy(metadata: ObjectMeta(name: name, namespace: namespace), spec: PolicyDocument(
            serverSelector: selector.map { PolicyDocument.LabelSelector(matchLabels: $0) }, defaultAction: .deny,
            roles: [PolicyDocument.Role(name: "users-\(name)", subjects: ["*"], allowTools: allow)]))
    }
}

/// A fake API server serving the built-ins and the operator's CRDs, a client, and a running
/// manager with the MCPServer controller.
final class OperatorHarness: Sendable {
    let server: FakeAPIServer
    let client: KubernetesClient
    let manager: Manager
    let operatorController: MCPServerController
    private let run: Task<Void, Error>

    static let scale = ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                        labelSelectorPath: ".status.selector")

    private init(server: FakeAPIServer, client: KubernetesClient, manager: Manager, controller: MCPServerController) {
        self.server = server
        self.client = client
        self.manager = manager
        self.operatorController = controller
        run = Task { try await manager.run() }
    }

    static func start() async throws -> OperatorHarness {
        let server = try await FakeAPIServer.start()
        server.registerBuiltins()
        server.register(MCPServer.resourceType, statusSubresource: true, scale: scale)
        server.register(MCPPolicy.resourceType, statusSubresource: true)
        let client = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL), retryPolicy: .none)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let manager = Manager(client: client, logger: logger)
        let settings = OperatorSettings(resyncPeriod: nil, planner: Fixtures.options)
        let controller = MCPServerController(manager: manager, settings: settings, logger: logger)
        return OperatorHarness(server: server, client: client, manager: manager, controller: controller)
    }

    /// Runs `body` with a started harness, stopping everything afterwards.
    static func with(_ body: (OperatorHarness) async throws -> Void) async throws {
        let harness = try await start()
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func stop() async {
        manager.requestShutdown()
        run.cancel()
        _ = try? await run.value
        await server.shutdown()
    }

    /// Creates a server as a user would (no uid or generation: the server assigns them).
    @discardableResult
    func create(_ server: MCPServer) async throws -> MCPServer {
        var server = server
        server.metadata.uid = nil
        server.metadata.generation = nil
        return try await client.create(server)
    }

    @discardableResult
    func create(_ policy: MCPPolicy) async throws -> MCPPolicy { try await client.create(policy) }

    func deployment(_ name: String, namespace: String = "default") -> Deployment? {
        try? server.object(Deployment.resourceType, namespace: namespace, name: name)?.decode(as: Deployment.self)
    }

    func mcpServer(_ name: String, namespace: String = "default") -> MCPServer? {
        try? server.object(MCPServer.resourceType, namespace: namespace, name: name)?.decode(as: MCPServer.self)
    }

    /// Changes an MCPServer as a user's client does: read, change, update, and again on a 409 (the
    /// operator writes its status in between).
    func updateServer(_ name: String, namespace: String = "default", _ change: (inout MCPServer) -> Void) async throws {
        try await client.update(MCPServer.self, name: name, namespace: namespace, retryingConflicts: change)
    }

    func condition(_ type: String, of name: String) -> Condition? {
        mcpServer(name)?.status?.conditions?.first { $0.type == type }
    }

    /// Waits until the controller has no key queued, delayed or in process and nothing was
    /// written, throughout `quiet` and over at least `checks` polls in a row (a stalled poller
    /// cannot mistake one lucky look for quiet); records an issue on timeout.
    func settle(quiet: Duration = .milliseconds(400), checks: Int = 3, timeout: Duration = .seconds(10),
                sourceLocation: SourceLocation = #_sourceLocation) async {
        let queue = operatorController.controller.queue
        let deadline = ContinuousClock.now + timeout
        var lastCount = -1
        var stableSince = ContinuousClock.now
        var idleChecks = 0
        while ContinuousClock.now < deadline {
            let count = server.writes.count
            let idle = queue.count == 0 && queue.waitingCount == 0 && queue.processingCount == 0
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
        let state = "\(queue.count) queued, \(queue.waitingCount) delayed, \(queue.processingCount) in process"
        Issue.record("did not settle within \(timeout) (\(server.writes.count) writes): \(state)", sourceLocation: sourceLocation)
    }
}

