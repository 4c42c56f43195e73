import KubeClient
import Logging

/// Keeps a `Store` in step with the API server for one kind: lists (paged), then watches from
/// the list's resourceVersion, and hands every change to the registered handlers.
///
/// - Bookmarks and events advance the resourceVersion a re-watch resumes from.
/// - A watch that ends normally (the server's timeout) is re-established at once from there.
/// - 410 Gone (history compacted) relists and replaces the store, turning the differences into
///   events, so no change is lost: objects deleted in the gap produce deletions.
/// - Any other failure re-watches after a `WatchBackoff`; a list failure retries the list.
///   Failures are logged every time (a missing RBAC permission shows, and the store stays unsynced).
public final class Reflector<T: Decodable & Sendable>: Sendable {
    /// The kind reflected.
    public let resource: WatchedResource<T>
    /// The cache this reflector fills.
    public let store: Store<T>
    /// How it lists and watches.
    public let configuration: ReflectorConfiguration
    private let client: KubernetesClient
    private let logger: Logger
    /// Handlers, behind the same lock that orders store writes with their dispatch.
    private let handlers = Locked<[ObjectEventHandler<T>]>([])
    private let state = Locked<(version: String?, lastError: String?, syncWaiters: [UInt64: CheckedContinuation<Void, Never>], nextWaiter: UInt64)>((nil, nil, [:], 0))

    /// Makes a reflector with its own store (indexed by namespace and owner UID unless given others).
    public init(client: KubernetesClient, resource: WatchedResource<T>, configuration: ReflectorConfiguration = .init(),
                indexers: [Indexer<T>] = [.namespace, .ownerUID], logger: Logger = Logger(label: "reflector")) {
        self.client = client
        self.resource = resource
        self.configuration = configuration
        self.store = Store(metadata: resource.metadata, indexers: indexers, codec: resource.codec)
        var logger = logger
        logger[metadataKey: "resource"] = "\(resource.resourceType)"
        self.logger = logger
    }

    /// Whether the first list has been stored.
    public var hasSynced: Bool { store.hasSynced }
    /// The resourceVersion the next watch resumes from.
    public var resourceVersion: String? { state.withLock { $0.version } }
    /// The last list or watch failure, for diagnostics.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Registers a handler. It first receives an `.added` for every object already cached, then
    /// every change. Handlers run under the reflector's dispatch lock: they must not register
    /// handlers themselves.
    public func addHandler(_ handler: @escaping ObjectEventHandler<T>) {
        handlers.withLock { handlers in
            for object in store.list() { handler(.added(object)) }
            handlers.append(handler)
        }
    }

    /// Waits until the first list has been stored (or the task is cancelled).
    /// Returns early, unsynced, when the waiting task is cancelled (so a shutdown is never stuck
    /// behind a cache that cannot sync, such as one the operator lacks RBAC for).
    public func waitForSync() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if store.hasSynced || Task.isCancelled { return true }
                    state.syncWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.syncWaiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Lists and watches until the task is cancelled.
    public func run() async {
        var backoff = configuration.backoff
        relist: while !Task.isCancelled {
            do {
                try await listAndReplace()
            } catch {
                if Task.isCancelled { return }
                record(error, during: "list")
                guard await sleep(backoff.nextDelay(now: configuration.clock.now(), random: configuration.jitter.next())) else { return }
                continue relist
            }
            while !Task.isCancelled {
                let started = configuration.clock.now()
                do {
                    let delivered = try await watchOnce()
                    if delivered || started.duration(to: configuration.clock.now()) >= configuration.minimumWatchDuration {
                        continue
                    }
                    record(ReflectorError.watchClosedEarly, during: "watch")
                } catch let error as KubernetesError where error.isGone {
                    if Task.isCancelled { return }
                    logger.info("watch history expired; relisting", metadata: ["resourceVersion": "\(resourceVersion ?? "")"])
                    continue relist
                } catch {
                    if Task.isCancelled { return }
                    record(error, during: "watch")
                }
                guard await sleep(backoff.nextDelay(now: configuration.clock.now(), random: configuration.jitter.next())) else { return }
            }
        }
    }

    // MARK: List and watch

    private var allNamespaces: Bool { configuration.namespace == nil }

    private func listAndReplace() async throws {
        let options = ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
        let list = try await client.listAll(resource.resourceType, namespace: configuration.namespace, allNamespaces: allNamespaces,
                                            options: options, pageSize: configuration.pageSize, as: Lossy<T>.self)
        let decoded = list.items.compactMap { item -> T? in
            switch item {
            case .decoded(let object): return object
            case .undecodable(let object):
                skip(object)
                return nil
            }
        }
        let items = resource.transform.map { decoded.map($0) } ?? decoded
        let waiters = handlers.withLock { handlers -> [CheckedContinuation<Void, Never>] in
            let events = store.replace(with: items)
            for event in events { handlers.forEach { $0(event) } }
            return state.withLock { state in
                state.version = list.metadata.resourceVersion
                defer { state.syncWaiters.removeAll() }
                return Array(state.syncWaiters.values)
            }
        }
        waiters.forEach { $0.resume() }
        logger.debug("listed", metadata: ["count": "\(items.count)", "resourceVersion": "\(list.metadata.resourceVersion ?? "")"])
    }

    /// One watch connection, until the server ends it; returns whether any event arrived.
    private func watchOnce() async throws -> Bool {
        let options = WatchOptions(resourceVersion: resourceVersion, allowWatchBookmarks: true,
                                   timeoutSeconds: configuration.drawWatchTimeoutSeconds(),
                                   labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector,
                                   idleTimeout: configuration.idleTimeout)
        let stream = try await client.watch(resource.resourceType, namespace: configuration.namespace, allNamespaces: allNamespaces,
                                            options: options, as: Lossy<T>.self)
        var delivered = false
        for try await event in stream {
            delivered = true
            switch event {
            case .added(.decoded(let object)), .modified(.decoded(let object)):
                let object = resource.transform?(object) ?? object
                apply(version: resource.metadata(object).resourceVersion) { store.upsert(object) }
            case .deleted(.decoded(let object)):
                let object = resource.transform?(object) ?? object
                apply(version: resource.metadata(object).resourceVersion) { store.remove(object) }
            case .deleted(.undecodable(let object)):
                // Gone all the same: its last decodable state leaves the cache.
                skip(object)
                let cached = store.get(namespace: object.namespace, name: object.name ?? "")
                apply(version: object.resourceVersion) { cached.flatMap { store.remove($0) } }
            case .added(.undecodable(let object)), .modified(.undecodable(let object)):
                // The watch goes on past it (resuming at the same event would fail forever).
                skip(object)
                apply(version: object.resourceVersion) { nil }
            case .bookmark(let version):
                if !version.isEmpty { state.withLock { $0.version = version } }
            case .error(let status):
                throw ReflectorError.watchError(status)
            }
        }
        return delivered
    }

    /// Writes to the store and dispatches the resulting event under the dispatch lock, then
    /// records the version.
    private func apply(version: String?, _ write: () -> ObjectEvent<T>?) {
        handlers.withLock { handlers in
            if let event = write() { handlers.forEach { $0(event) } }
            if let version, !version.isEmpty { state.withLock { $0.version = version } }
        }
    }

    /// Logs an object the operator's types refuse, naming it; the cache goes on without it.
    private func skip(_ object: Lossy<T>.Undecodable) {
        let message = "skipped an object that does not decode: \(object)"
        state.withLock { $0.lastError = message }
        logger.error("\(message)")
    }

    private func record(_ error: any Error, during phase: String) {
        state.withLock { $0.lastError = "\(phase): \(error)" }
        logger.warning("\(phase) failed: \(error)")
    }

    /// Sleeps on the configured clock; false when cancelled.
    private func sleep(_ duration: Duration) async -> Bool {
        do {
            try await configuration.clock.sleep(for: duration)
            return true
        } catch {
            return false
        }
    }
}

/// A failure of a reflector's watch that is not an API error response.
public struct ReflectorError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable { case watchError(KubernetesStatus), closedEarly }
    private let kind: Kind

    /// The server sent an ERROR event other than 410.
    static func watchError(_ status: KubernetesStatus) -> ReflectorError { ReflectorError(kind: .watchError(status)) }
    /// The server closed the watch at once without an event.
    static let watchClosedEarly = ReflectorError(kind: .closedEarly)

    public var description: String {
        switch kind {
        case .watchError(let status): return "watch error event: \(status.code ?? 0) \(status.reason ?? ""): \(status.message ?? "")"
        case .closedEarly: return "watch closed immediately without events"
        }
    }
}
