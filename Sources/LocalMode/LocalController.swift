import ControlPlaneHTTP
import ControllerRuntime
import DockerEngine
import Foundation
import LocalStore
import Logging
import PolicyDistribution

/// The local-mode controller: the operator's reconciler contract over the Docker Engine API and
/// the SQLite store. It runs a `Controller` (work queue, workers, requeue with backoff) whose
/// keys are MCPServers (`namespace/name`), fed by
///
/// - the store: its change counter is polled every `pollInterval`; a server whose generation or
///   deletion changed, and every server of a namespace whose policies changed, is enqueued;
/// - the engine's events about the containers it owns (a container that dies, is killed or
///   removed enqueues its server; the subscription is renewed with `since` when it ends);
/// - a periodic resync per server (status, stats, policy verification).
///
/// Plugin containers' memory and CPU use is sampled every `statsInterval`; the policy pusher
/// retries and verifies gateways in the background. `run()` returns after `stop()` (reconciles in
/// flight finish) or when its task is cancelled.
public final class LocalController: Sendable {
    /// The store it reads and writes.
    public let store: LocalStateStore
    /// The engine it drives.
    public let docker: DockerClient
    /// How it runs.
    public let options: LocalControllerOptions
    private let logger: Logger
    private let controller: Controller
    private let reconciler: LocalServerReconciler
    private let runtime: LocalRuntime

    /// A controller for `store`'s servers on `docker`'s engine.
    public init(store: LocalStateStore, docker: DockerClient, options: LocalControllerOptions = LocalControllerOptions(),
                logger: Logger = Logger(label: "mcp-local-controller")) {
        self.store = store
        self.docker = docker
        self.options = options
        self.logger = logger
        runtime = LocalRuntime(backoff: options.restartBackoff)
        let queueBox = LockedState<WorkQueue<ObjectKey>?>(nil)
        let pusher = PolicyPusher(configuration: options.pusher, logger: logger) { status in
            // A retry or verification changed a server's acks: reconcile it to record them.
            queueBox.withLock { $0 }?.add(ObjectKey(parsing: status.group))
        }
        let tokens = AdminTokens(directory: options.tokenDirectory ?? (store.directory as NSString).appendingPathComponent("gateway-tokens"))
        let probe = HTTPTransport(configuration: HTTPTransportConfiguration(connectTimeout: .seconds(1), requestTimeout: .seconds(2),
                                                                            acceptCompression: false))
        reconciler = LocalServerReconciler(store: store, docker: docker, options: options, pusher: pusher, runtime: runtime,
                                           tokens: tokens, probe: probe, logger: logger)
        controller = Controller(name: "local-mcpserver", reconciler: reconciler,
                                configuration: ControllerConfiguration(
                                    workers: options.workers,
                                    rateLimiter: .init(baseDelay: .milliseconds(200), maxDelay: .seconds(60)),
                                    resyncPeriod: nil),
                                logger: logger)
        queueBox.withLock { $0 = controller.queue }
    }

    /// Runs until `stop()` or cancellation. Throws when no Docker engine answers at start or the
    /// store cannot be read.
    public func run() async throws {
        _ = try await docker.apiVersion()
        _ = try store.changeCounter()
        logger.info("local controller starting", metadata: ["instance": "\(options.plan.instance)", "engine": "\(docker.endpoint)"])
        try await enqueueOrphans()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.controller.run() }
            group.addTask { await self.reconciler.pusher.run() }
            group.addTask { await self.pollStore() }
            group.addTask { await self.watchEvents() }
            group.addTask { await self.sampleStats() }
            // The controller returns first (after stop() or cancellation); the loops follow it.
            await group.next()
            group.cancelAll()
        }
        logger.info("local controller stopped")
    }

    /// Stops taking new work; `run()` returns once the reconciles in flight have finished.
    public func stop() {
        controller.shutDown()
    }

    /// Enqueues a server now (what a store change does).
    public func enqueue(namespace: String, name: String) {
        controller.queue.add(ObjectKey(namespace: namespace, name: name))
    }

    // MARK: Sources

    /// Servers whose containers exist on the engine but which the store no longer has (deleted
    /// while no controller ran) are enqueued so their objects are removed.
    private func enqueueOrphans() async throws {
        let filters = DockerFilters.labels(instanceLabels)
        var keys = Set<ObjectKey>()
        for container in try await docker.listContainers(all: true, filters: filters) {
            if let key = Self.key(container.labels ?? [:]) { keys.insert(key) }
        }
        for network in try await docker.listNetworks(filters: filters) {
            if let key = Self.key(network.labels ?? [:]) { keys.insert(key) }
        }
        for key in keys { controller.queue.add(key) }
    }

    private var instanceLabels: [String: String] {
        var labels = options.plan.extraLabels
        labels[LocalLabels.managedBy] = LocalLabels.managerName
        labels[LocalLabels.instance] = options.plan.instance
        return labels
    }

    static func key(_ labels: [String: String]) -> ObjectKey? {
        guard let namespace = labels[LocalLabels.namespace], let name = labels[LocalLabels.server] else { return nil }
        return ObjectKey(namespace: namespace, name: name)
    }

    /// Polls the store's change counter and enqueues what changed.
    private func pollStore() async {
        var tracker = StoreChangeTracker()
        while !Task.isCancelled {
            do {
                let counter = try store.changeCounter()
                if tracker.needsListing(counter: counter) {
                    let servers = try store.list(.server, namespace: nil)
                    let policies = try store.list(.policy, namespace: nil)
                    for key in tracker.changes(servers: servers, policies: policies) { controller.queue.add(key) }
                    try writePolicyStatuses(policies: policies, servers: servers)
                    // Only now: a listing or write that failed is done again at the next poll.
                    tracker.handled(counter: counter)
                }
            } catch {
                logger.warning("could not read the store: \(error)")
            }
            do {
                try await Task.sleep(for: options.pollInterval)
            } catch {
                return
            }
        }
    }

    /// Writes the status of every policy (no write when it is unchanged). Run after each change
    /// of the store: acks, server statuses and policies all move its counter.
    private func writePolicyStatuses(policies: [StoredObject], servers: [StoredObject]) throws {
        guard !policies.isEmpty else { return }
        let documents = try LocalPolicyStatus.documents(policies: policies, servers: servers, now: Date()) { namespace, name in
            try store.policyAcks(namespace: namespace, server: name)
        }
        for (object, status) in documents where status != object.status {
            do {
                _ = try store.writeStatus(.policy, namespace: object.namespace, name: object.name, status: status)
            } catch let error as LocalStoreError where error.isNotFound {
                continue  // removed meanwhile
            }
        }
    }

    /// Follows the engine's events about this instance's containers; renews the subscription
    /// (from the last event's time) when the stream ends or fails.
    private func watchEvents() async {
        var filters = DockerFilters.labels(instanceLabels)
        filters.add("type", "container")
        var since: Int64?
        var failures = 0
        while !Task.isCancelled {
            do {
                let stream = try await docker.events(filters: filters, since: since)
                failures = 0
                for try await event in stream {
                    since = event.time
                    handle(event)
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("the engine's event stream failed: \(error); resubscribing")
            }
            let delay = Duration.milliseconds(min(100 * (1 << min(failures, 6)), 5000))
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }

    private func handle(_ event: DockerEvent) {
        guard let key = Self.key(event.actor.attributes) else { return }
        switch event.action {
        case "die", "destroy", "stop", "kill", "oom", "start", "pause", "unpause", "update", "rename":
            if event.action == "oom" {
                let container = event.actor.attributes["name"] ?? event.actor.id
                logger.warning("container \(container) was killed for exceeding its memory limit", metadata: ["mcpserver": "\(key)"])
            }
            controller.queue.add(key)
        default:
            if event.action.hasPrefix("health_status") { controller.queue.add(key) }
        }
    }

    /// Samples the memory and CPU use of every running plugin container.
    private func sampleStats() async {
        var filters = DockerFilters.labels(instanceLabels)
        filters = filters.label(LocalLabels.component, LocalRole.plugin.rawValue)
        filters.add("status", "running")
        while !Task.isCancelled {
            if let containers = try? await docker.listContainers(all: false, filters: filters) {
                await withTaskGroup(of: Void.self) { group in
                    for container in containers {
                        group.addTask {
                            guard let stats = try? await self.docker.stats(container.id), let name = container.name else { return }
                            self.runtime.record(usage: LocalRuntime.usage(of: stats), for: name)
                        }
                    }
                }
            }
            do {
                try await Task.sleep(for: options.statsInterval)
            } catch {
                return
            }
        }
    }
}
