import KubeClient
import Logging
import ServiceLifecycle

/// Runs an operator's reflectors, controllers and leader election as one ServiceLifecycle
/// `Service`. Reflectors run from the start on every replica (so a standby's caches are warm
/// for failover); controllers run only while leading and after every cache has synced.
///
/// On graceful shutdown (SIGTERM through the `ServiceGroup`) controllers stop taking keys and
/// finish the reconciles in flight, the lease is released, then the reflectors stop. When the
/// lease is lost, controllers are cancelled at once and `run()` throws
/// `ManagerError.leadershipLost`, ending the service group so the process restarts.
public final class Manager: ServiceLifecycle.Service {
    /// How it runs.
    public let configuration: ManagerConfiguration
    /// The client reflectors and the elector use.
    public let client: KubernetesClient
    private let logger: Logger
    private let elector: LeaderElector?
    private let parts = Locked<(reflectors: [any RunnableReflector], controllers: [Controller])>(([], []))
    private let shutdownRequested = Signal()

    /// Makes a manager. `onLeadershipChange` is called as the elector gains or loses the lease.
    public init(client: KubernetesClient, configuration: ManagerConfiguration = .init(),
                onLeadershipChange: (@Sendable (Bool) -> Void)? = nil, logger: Logger = Logger(label: "manager")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        elector = configuration.leaderElection.map {
            LeaderElector(client: client, configuration: $0, onLeadershipChange: onLeadershipChange, logger: logger)
        }
    }

    /// Makes a reflector for a kind and adds it.
    public func reflector<T>(for resource: WatchedResource<T>, configuration: ReflectorConfiguration = .init(),
                             indexers: [Indexer<T>] = [.namespace, .ownerUID]) -> Reflector<T> {
        let reflector = Reflector(client: client, resource: resource, configuration: configuration, indexers: indexers, logger: logger)
        add(reflector)
        return reflector
    }

    /// Adds a reflector (before `run()`).
    public func add<T>(_ reflector: Reflector<T>) {
        parts.withLock { $0.reflectors.append(reflector) }
    }

    /// Adds a controller (before `run()`).
    public func add(_ controller: Controller) {
        parts.withLock { $0.controllers.append(controller) }
    }

    /// Whether every reflector's first list has been stored: the readiness probe.
    public var cachesSynced: Bool { parts.withLock { $0.reflectors.allSatisfy(\.hasSynced) } }

    /// Whether this replica leads (always true without leader election once running).
    public var isLeader: Bool { elector?.isLeader ?? true }

    /// The elector, when leader election is configured.
    public var leaderElector: LeaderElector? { elector }

    /// Runs until graceful shutdown or cancellation; throws when leadership is lost.
    public func run() async throws {
        let (reflectors, controllers) = parts.current
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reflector in reflectors {
                    group.addTask { await reflector.run() }
                }
                group.addTask { try await self.lead(controllers: controllers, reflectors: reflectors) }
                // The leading part ends first (shutdown, cancellation or lost lease); the reflectors follow.
                defer { group.cancelAll() }
                try await group.next()
            }
        } onGracefulShutdown: {
            self.requestShutdown(controllers)
        }
        logger.info("manager stopped")
    }

    /// Asks the controllers to finish what they are doing and stop.
    public func requestShutdown() { requestShutdown(parts.current.controllers) }

    private func requestShutdown(_ controllers: [Controller]) {
        logger.info("shutting down: draining controllers")
        shutdownRequested.fire()
        controllers.forEach { $0.shutDown() }
    }

    // MARK: Leading

    private func lead(controllers: [Controller], reflectors: [any RunnableReflector]) async throws {
        guard let elector else {
            await runControllers(controllers, reflectors: reflectors)
            return
        }
        let outcome = await withTaskGroup(of: LeaderElector.Outcome?.self) { group -> LeaderElector.Outcome in
            group.addTask { await elector.run { await self.runControllers(controllers, reflectors: reflectors) } }
            group.addTask { await self.shutdownRequested.wait(); return nil }
            while let result = await group.next() {
                if let outcome = result {
                    group.cancelAll()
                    return outcome
                }
                // Shutdown requested: a candidate stops campaigning; a leader drains, then releases.
                if !elector.isLeader { group.cancelAll() }
            }
            return .stopped
        }
        if outcome == .lost { throw ManagerError.leadershipLost }
    }

    private func runControllers(_ controllers: [Controller], reflectors: [any RunnableReflector]) async {
        if configuration.waitForCacheSync {
            logger.info("waiting for caches to sync")
            // A shutdown request ends the wait too: a cache that cannot sync (missing RBAC) must
            // not hold up SIGTERM.
            let synced = await withTaskGroup(of: Bool.self) { group -> Bool in
                group.addTask {
                    await withTaskGroup(of: Void.self) { inner in
                        for reflector in reflectors { inner.addTask { await reflector.waitForSync() } }
                        await inner.waitForAll()
                    }
                    return !Task.isCancelled
                }
                group.addTask {
                    await self.shutdownRequested.wait()
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !synced || Task.isCancelled || shutdownRequested.hasFired { return }
        }
        if shutdownRequested.hasFired { controllers.forEach { $0.shutDown() } }
        await withTaskGroup(of: Void.self) { group in
            for controller in controllers { group.addTask { await controller.run() } }
            await group.waitForAll()
        }
        // Controllers end only on shutdown or cancellation; without any, lead until then.
        await shutdownRequested.wait()
    }
}

/// The type-erased face of a `Reflector` the manager runs.
protocol RunnableReflector: Sendable {
    var hasSynced: Bool { get }
    func run() async
    func waitForSync() async
}

extension Reflector: RunnableReflector {}
