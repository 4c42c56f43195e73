import KubeClient
import Logging

/// Runs a `Reconciler` for one primary resource: event handlers turn cache events into keys on a
/// `WorkQueue`, and `workers` tasks reconcile them, each key by one worker at a time. A failed
/// reconcile is requeued with rate-limited backoff; a successful one resets the key's backoff.
/// Every `resyncPeriod` (with jitter) all primary objects are enqueued again.
///
/// Register sources with `watch(_:filter:)`, `owns(_:owner:)` or `watch(_:map:)` before `run()`.
/// A controller runs once: cancelling `run()` (as on lost leadership) stops it at once;
/// `shutDown()` lets reconciles in flight finish first.
public final class Controller: Sendable {
    /// The controller's name (the `controller` metric dimension and log label).
    public let name: String
    /// The queue of keys to reconcile.
    public let queue: WorkQueue<ObjectKey>
    /// How it runs.
    public let configuration: ControllerConfiguration
    private let reconciler: any Reconciler
    private let logger: Logger
    private let metrics: ControllerMetrics
    private let resyncSources = Locked<[@Sendable () -> [ObjectKey]]>([])

    /// Makes a controller.
    public init(name: String, reconciler: any Reconciler, configuration: ControllerConfiguration = .init(),
                logger: Logger = Logger(label: "controller")) {
        self.name = name
        self.reconciler = reconciler
        self.configuration = configuration
        queue = WorkQueue(name: name, rateLimiter: configuration.rateLimiter, clock: configuration.clock)
        var logger = logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        metrics = ControllerMetrics(controller: name)
    }

    // MARK: Sources

    /// Watches the primary resource: each object's own key is enqueued on additions, deletions
    /// and the updates the filter lets through (by default, generation changes; see
    /// `EventFilter.generationChanged`). Its objects are also what resync re-enqueues.
    public func watch<T>(_ reflector: Reflector<T>, filter: EventFilter = .generationChanged) {
        let metadata = reflector.resource.metadata
        let store = reflector.store
        resyncSources.withLock { $0.append { store.keys() } }
        reflector.addHandler { [queue] event in
            for key in EventMapping.primaryKeys(event, metadata: metadata, filter: filter) { queue.add(key) }
        }
    }

    /// Watches objects this controller creates: every change of a child enqueues its controlling
    /// owner's key, when that owner is of the `owner` kind (so a child edited or deleted by
    /// someone else is put right).
    public func owns<T>(_ reflector: Reflector<T>, owner: ResourceType) {
        let metadata = reflector.resource.metadata
        reflector.addHandler { [queue] event in
            for key in EventMapping.ownerKeys(event, metadata: metadata, owner: owner) { queue.add(key) }
        }
    }

    /// Watches anything, with a custom mapping from its events to keys to reconcile (such as
    /// every server a policy selects).
    public func watch<T>(_ reflector: Reflector<T>, map: @escaping @Sendable (ObjectEvent<T>) -> [ObjectKey]) {
        reflector.addHandler { [queue] event in
            for key in map(event) { queue.add(key) }
        }
    }

    // MARK: Running

    /// Runs the workers, the queue's timer and resync until `shutDown()` (after in-flight
    /// reconciles finish) or cancellation (at once; reconciles in flight see the cancellation).
    public func run() async {
        logger.info("starting", metadata: ["workers": "\(configuration.workers)"])
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.queue.run(); return false }
            if configuration.resyncPeriod != nil {
                group.addTask { await self.resyncLoop(); return false }
            }
            for _ in 0..<configuration.workers {
                group.addTask { await self.worker(); return true }
            }
            var workers = configuration.workers
            while let isWorker = await group.next() {
                guard isWorker else { continue }
                workers -= 1
                if workers == 0 { group.cancelAll() }
            }
        }
        queue.shutDown()
        logger.info("stopped")
    }

    /// Stops taking new keys; `run()` returns once the reconciles in flight have finished.
    public func shutDown() { queue.shutDown() }

    /// Enqueues every primary object now (what resync does periodically).
    public func enqueueAll() {
        let sources = resyncSources.current
        for source in sources {
            for key in source() { queue.add(key) }
        }
    }

    private func worker() async {
        while let key = await queue.next() {
            await process(key)
            queue.done(key)
            if Task.isCancelled { return }
        }
    }

    private func process(_ key: ObjectKey) async {
        let started = configuration.clock.now()
        metrics.activeWorkers.increment()
        defer {
            metrics.activeWorkers.decrement()
            metrics.duration.record(started.duration(to: configuration.clock.now()))
        }
        do {
            let result = try await reconciler.reconcile(key)
            metrics.record(result)
            switch result {
            case .done:
                queue.forget(key)
            case .requeue:
                queue.addRateLimited(key)
            case .requeueAfter(let delay):
                queue.forget(key)
                queue.add(key, after: delay)
            }
        } catch {
            if Task.isCancelled { return }
            metrics.error.increment()
            metrics.errors.increment()
            let retries = queue.numRequeues(key)
            logger.error("reconcile failed: \(error)", metadata: ["key": "\(key)", "retries": "\(retries)"])
            queue.addRateLimited(key)
        }
    }

    private func resyncLoop() async {
        guard let period = configuration.resyncPeriod, period > .zero else { return }
        while !Task.isCancelled {
            let delay = period * (1 + configuration.resyncJitter * configuration.jitter.next())
            do {
                try await configuration.clock.sleep(for: delay)
            } catch {
                return
            }
            if queue.isShuttingDown { return }
            logger.debug("resync")
            enqueueAll()
        }
    }
}
