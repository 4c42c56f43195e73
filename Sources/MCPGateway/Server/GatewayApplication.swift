import ControlPlaneHTTP
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The running gateway: the client listener, the admin listener, the session registry with its
/// expiry sweep, and the warm pool. A `Service`: run it in a `ServiceGroup`; graceful shutdown stops
/// the listeners, then closes every session and upstream.
public struct GatewayApplication: Service {
    /// The open sessions.
    public let registry: SessionRegistry
    /// The policy in force.
    public let policyStore: PolicyStore
    /// Applies pushed policies.
    public let administrator: PolicyAdministrator
    /// The metrics `/metrics` renders.
    public let metrics: GatewayMetrics
    let pool: WarmPool
    let services: [any Service]
    let ports: BoundPorts
    let logger: Logger

    /// The client listener's port once it is bound (useful with port 0).
    public func mainPort() async -> Int { await ports.wait(\.main) }
    /// The admin listener's port once it is bound.
    public func adminPort() async -> Int { await ports.wait(\.admin) }

    /// Whether the upstream has initialized and a policy is loaded.
    public func isReady() async -> Bool {
        guard policyStore.current != nil else { return false }
        return await pool.hasInitialized
    }

    public func run() async throws {
        Task { await pool.probe() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for service in services {
                group.addTask {
                    try await service.run()
                    return true
                }
            }
            let registry = self.registry
            group.addTask {
                try? await cancelWhenGracefulShutdown { await registry.runExpiry() }
                return false
            }
            // Open event streams would hold the listeners' graceful shutdown forever: end the
            // sessions as soon as shutdown begins so their streams finish.
            group.addTask {
                try? await gracefulShutdown()
                await registry.closeAllSessions()
                return false
            }
            defer { group.cancelAll() }
            // The gateway stops when both listeners have stopped.
            var stopped = 0
            while stopped < services.count, let isListener = try await group.next() {
                if isListener { stopped += 1 }
            }
        }
        await registry.shutdown()
    }
}

/// The ports the listeners bound, awaitable.
final class BoundPorts: Sendable {
    struct Ports {
        var main: Int?
        var admin: Int?
    }

    private let state = NIOLockedValueBox(Ports())

    func set(_ keyPath: WritableKeyPath<Ports, Int?> & Sendable, _ port: Int?) {
        state.withLockedValue { $0[keyPath: keyPath] = port }
    }

    func wait(_ keyPath: KeyPath<Ports, Int?> & Sendable) async -> Int {
        while true {
            if let port = state.withLockedValue({ $0[keyPath: keyPath] }) { return port }
            try? await Task.sleep(for: .milliseconds(10))
            if Task.isCancelled { return 0 }
        }
    }
}

/// Builds the gateway from `configuration`: loads the boot policy, reads the JWKS, wires the
/// routes of both listeners. The executable and the tests both start the gateway through here.
/// - Throws: `GatewayConfigurationError` for a policy file that does not compile or bad credentials
///   configuration.
public func buildGatewayApplication(configuration: GatewayConfiguration, logger: Logger = Logger(label: "mcp-gateway")) async throws -> GatewayApplication {
    let metrics = GatewayMetrics()
    let policyStore = PolicyStore(initial: configuration.initialPolicy)
    if let initial = configuration.initialPolicy { metrics.setPolicyVersion(initial.version) }
    let administrator = PolicyAdministrator(compiler: configuration.policyCompiler, store: policyStore, metrics: metrics)
    if let text = configuration.initialPolicyJSON {
        if case .failure(let rejection) = await administrator.applyFile(text: text) {
            throw GatewayConfigurationError.invalidPolicy(rejection.description)
        }
    }
    let authenticator: Authenticator
    do {
        authenticator = try await Authenticator(configuration: configuration.authentication)
    } catch {
        throw GatewayConfigurationError.invalidJWKS("\(error)")
    }
    for plugin in configuration.plugins where !PluginSpec.isValidName(plugin.name) {
        throw GatewayConfigurationError.invalidPlugin(plugin.name)
    }
    let upstreamHTTP = UpstreamFactory.makeHTTPTransport(tls: TLSConfiguration(certificateAuthorityPEM: configuration.upstreamCertificateAuthorityPEM))
    let factory = UpstreamFactory(initializeTimeout: configuration.upstreamInitializeTimeout, http: upstreamHTTP, logger: logger)
    let poolSize: Int
    if case .stdio = configuration.upstream { poolSize = configuration.warmPoolSize } else { poolSize = 0 }
    let pool = WarmPool(spec: configuration.upstream, size: poolSize, factory: factory, logger: logger)
    let registry = SessionRegistry(pool: pool, plugins: configuration.plugins, factory: factory, policyStore: policyStore,
                                   metrics: metrics, auditLog: configuration.auditLog, idleTimeout: configuration.sessionIdleTimeout,
                                   maxSessions: configuration.maxSessions, logger: logger)
    let gate = ClientGate(allowedOrigins: configuration.allowedOrigins, authenticator: authenticator, policyStore: policyStore, metrics: metrics)
    let ports = BoundPorts()

    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: CORSMiddleware(gate: gate))
    StreamableHTTPEndpoint(registry: registry, gate: gate, maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: router)
    LegacySSEEndpoint(registry: registry, gate: gate, maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: router)
    WebSocketEndpoint(registry: registry, gate: gate, maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: router)
    ProtectedResourceEndpoint(policyStore: policyStore).addRoutes(to: router)
    let mainApp = Application(
        router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
        configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "mcp-gateway"),
        onServerRunning: { channel in ports.set(\.main, channel.localAddress?.port) }, logger: logger)

    let adminRouter = Router(context: GatewayRequestContext.self)
    let isReady: @Sendable () async -> Bool = {
        guard policyStore.current != nil else { return false }
        return await pool.hasInitialized
    }
    AdminEndpoint(administrator: administrator, store: policyStore, metrics: metrics, adminToken: configuration.adminToken,
                  maxBodyBytes: configuration.maxBodyBytes, isReady: isReady).addRoutes(to: adminRouter)
    let adminApp = Application(
        router: adminRouter,
        configuration: .init(address: .hostname(configuration.adminListen.host, port: configuration.adminListen.port), serverName: "mcp-gateway-admin"),
        onServerRunning: { channel in ports.set(\.admin, channel.localAddress?.port) }, logger: logger)

    return GatewayApplication(registry: registry, policyStore: policyStore, administrator: administrator, metrics: metrics,
                              pool: pool, services: [mainApp, adminApp], ports: ports, logger: logger)
}

/// A configuration the gateway cannot start with.
public struct GatewayConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable { case invalidPolicy, invalidJWKS, invalidPlugin, invalidArgument }
    private let kind: Kind
    /// What was wrong, for the one-line message.
    public let detail: String

    /// The boot policy did not compile.
    public static func invalidPolicy(_ detail: String) -> Self { Self(kind: .invalidPolicy, detail: detail) }
    /// The JWKS could not be read.
    public static func invalidJWKS(_ detail: String) -> Self { Self(kind: .invalidJWKS, detail: detail) }
    /// A plugin name cannot be a tool prefix.
    public static func invalidPlugin(_ name: String) -> Self { Self(kind: .invalidPlugin, detail: "invalid plugin name \(name)") }
    /// A flag or variable has a bad value.
    public static func invalidArgument(_ detail: String) -> Self { Self(kind: .invalidArgument, detail: detail) }

    /// A one-line message.
    public var description: String {
        switch kind {
        case .invalidPolicy: return "invalid policy: \(detail)"
        case .invalidJWKS: return "invalid JWKS: \(detail)"
        case .invalidPlugin, .invalidArgument: return detail
        }
    }
}
