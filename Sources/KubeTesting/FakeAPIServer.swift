import Foundation
import Hummingbird
import KubeClient
import Logging
import NIOCore

/// A fake Kubernetes API server on 127.0.0.1 for tests: the REST layout, resource versions,
/// generation, optimistic concurrency, patches, server-side apply with managed fields, watches
/// with history, bookmarks and 410s, paging, finalizers and garbage collection of the real
/// kube-apiserver, with JSON bodies only. It also records every request and can inject faults.
///
/// ```swift
/// let server = try await FakeAPIServer.start()
/// server.registerBuiltins()
/// defer { Task { await server.shutdown() } }
/// // point a client at server.baseURL
/// ```
public final class FakeAPIServer: Sendable {
    /// Settings fixed at start.
    public struct Options: Sendable {
        /// How many events the watch history keeps; watches from older versions get 410 Expired.
        public var historyLimit: Int
        /// How often watches that allow bookmarks receive one.
        public var bookmarkInterval: Duration
        /// When set, every request must carry `Authorization: Bearer <token>`, else 401.
        public var bearerToken: String?
        /// The server's log level (Hummingbird's own logging). The default, `critical`, keeps test
        /// output clean: stopping the server cancels open connections, which Hummingbird logs as errors.
        public var logLevel: Logger.Level

        /// Options with test-friendly defaults: 1000 events of history, a bookmark every second.
        public init(historyLimit: Int = 1000, bookmarkInterval: Duration = .seconds(1), bearerToken: String? = nil,
                    logLevel: Logger.Level = .critical) {
            self.historyLimit = historyLimit
            self.bookmarkInterval = bookmarkInterval
            self.bearerToken = bearerToken
            self.logLevel = logLevel
        }
    }

    /// The base URL clients use, such as `http://127.0.0.1:50123`.
    public let baseURL: String
    /// The bound port.
    public let port: Int

    let store: FakeStore
    let recorder: RequestRecorder
    let faults: FaultInjector
    let authorizer: RBACAuthorizer
    private let runner: Task<Void, Never>

    private init(port: Int, store: FakeStore, recorder: RequestRecorder, faults: FaultInjector, authorizer: RBACAuthorizer,
                 runner: Task<Void, Never>) {
        self.port = port
        self.baseURL = "http://127.0.0.1:\(port)"
        self.store = store
        self.recorder = recorder
        self.faults = faults
        self.authorizer = authorizer
        self.runner = runner
    }

    /// Binds `rules` cluster-wide to the user whose requests carry `Authorization: Bearer <token>`:
    /// from then on the server authorizes that user's requests as RBAC does (verb, API group,
    /// resource or `resource/subresource`, resource names) and answers what is not granted with
    /// 403 Forbidden. Requests with other tokens, or none, are not restricted.
    public func bindRBAC(token: String, user: String, rules: [RBACRule]) {
        authorizer.bind(token: token, user: user, rules: rules)
    }

    /// Every request refused by RBAC so far, as the 403's message reads.
    public var rbacDenials: [RBACDenial] { authorizer.denied }

    /// Starts a server on 127.0.0.1 with an ephemeral port and returns once it accepts connections.
    /// No types are served until `register` or `registerBuiltins` is called.
    public static func start(options: Options = Options()) async throws -> FakeAPIServer {
        let store = FakeStore(historyLimit: options.historyLimit, bookmarkInterval: options.bookmarkInterval)
        let recorder = RequestRecorder()
        let faults = FaultInjector()
        let authorizer = RBACAuthorizer()
        let responder = FakeAPIResponder(store: store, recorder: recorder, faults: faults, bearerToken: options.bearerToken,
                                         authorizer: authorizer)
        var logger = Logger(label: "KubeTesting.FakeAPIServer")
        logger.logLevel = options.logLevel
        let bound = PortPromise()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in bound.fulfill(channel.localAddress?.port) },
            logger: logger)
        let runner = Task {
            do {
                try await app.run()
                bound.fail(CancellationError())
            } catch {
                bound.fail(error)
            }
        }
        do {
            let port = try await bound.value()
            return FakeAPIServer(port: port, store: store, recorder: recorder, faults: faults, authorizer: authorizer, runner: runner)
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// Ends every watch and stops the server; returns when it has stopped.
    public func shutdown() async {
        store.closeAllWatches()
        runner.cancel()
        await runner.value
    }

    // MARK: Types

    /// Serves `type`, optionally with `/status` and `/scale`. Types registered here behave like
    /// custom resources: PUT needs `metadata.resourceVersion`, strategic merge patch is refused
    /// (415), and an immediate DELETE answers with the deleted object.
    public func register(_ type: ResourceType, statusSubresource: Bool = false, scale: ScaleSubresource? = nil) {
        register(RegisteredType(type: type, statusSubresource: statusSubresource, scale: scale, builtin: false,
                                returnsDeletedObject: true, allowUnconditionalUpdate: false))
    }

    func register(_ registration: RegisteredType) {
        _ = try? store.write { core throws(FakeAPIError) in core.register(registration) }
    }

    // MARK: Direct access for tests

    /// The stored object, or nil (also for an unregistered type).
    public func object(_ type: ResourceType, namespace: String? = nil, name: String) -> JSONValue? {
        store.inspect { core in
            (try? core.registration(type)).flatMap { core.stored($0, namespace: namespace ?? "", name: name) }
        }
    }

    /// Every stored object of `type`, in the order a list returns them.
    public func objects(_ type: ResourceType) -> [JSONValue] {
        store.inspect { core in (try? core.registration(type)).map { core.allObjects($0) } ?? [] }
    }

    /// Creates `object` as a POST would (namespace from its metadata), recording `fieldManager`
    /// as the owner of its fields, and returns the stored object. A seed the server rejects is a
    /// mistake in the test's setup and stops the test process with the server's message; use
    /// `create(_:_:fieldManager:)` to handle the error instead.
    @discardableResult
    public func seed(_ type: ResourceType, _ object: JSONValue, fieldManager: String = "unknown") -> JSONValue {
        do {
            return try create(type, object, fieldManager: fieldManager)
        } catch {
            preconditionFailure("FakeAPIServer.seed(\(type), \(object.metadataNamespace)/\(object.metadataName)) failed: \(error)")
        }
    }

    /// Creates `object` as a POST would (namespace from its metadata) and returns the stored object,
    /// or throws the `FakeAPIError` the POST would answer with.
    @discardableResult
    public func create(_ type: ResourceType, _ object: JSONValue, fieldManager: String = "unknown") throws(FakeAPIError) -> JSONValue {
        try store.write { core throws(FakeAPIError) in
            try core.create(type, namespace: type.namespaced ? object.metadataNamespace : nil, body: object,
                            context: WriteContext(fieldManager: fieldManager))
        }
    }

    /// Changes a stored object as a controller would with one update, and through `/status` for
    /// the status when the type has a status subresource (each step that changes something is
    /// one write with its own resource version and event). Returns the stored result.
    @discardableResult
    public func modify(_ type: ResourceType, namespace: String? = nil, name: String, fieldManager: String = "unknown",
                       _ change: (inout JSONValue) -> Void) throws(FakeAPIError) -> JSONValue {
        try store.write { core throws(FakeAPIError) in
            let registration = try core.registration(type)
            let context = WriteContext(fieldManager: fieldManager)
            let old = try core.existing(registration, namespace: namespace ?? "", name: name)
            var desired = old
            change(&desired)
            let main = try core.prepareUpdate(registration, old: old, body: desired, name: name, status: false,
                                              requireResourceVersion: false)
            var current = core.finishUpdate(registration, old: old, new: main, context: context, subresource: nil)
            if registration.statusSubresource, let live = core.stored(registration, namespace: namespace ?? "", name: name) {
                var body = desired
                body.setMetadata("resourceVersion", live["metadata"]?["resourceVersion"])
                let status = try core.prepareUpdate(registration, old: live, body: body, name: name, status: true,
                                                    requireResourceVersion: false)
                current = core.finishUpdate(registration, old: live, new: status, context: context, subresource: "status")
            }
            return current
        }
    }

    /// Deletes an object as a DELETE with default options would.
    public func remove(_ type: ResourceType, namespace: String? = nil, name: String) throws(FakeAPIError) {
        _ = try store.write { core throws(FakeAPIError) in
            try core.delete(type, namespace: namespace, name: name, options: DeleteOptions())
        }
    }

    /// The current resource version of the whole store (the last one handed out).
    public var currentResourceVersion: String {
        store.inspect { String($0.resourceVersion) }
    }

    // MARK: Requests

    /// Every request received since start or the last `clearRequests()`, oldest first.
    public var requests: [RecordedRequest] { recorder.all }

    /// The recorded requests that change state (not GET, HEAD or OPTIONS).
    public var writes: [RecordedRequest] { recorder.all.filter(\.isWrite) }

    /// Forgets the recorded requests.
    public func clearRequests() {
        recorder.clear()
    }

    // MARK: Faults

    /// Ends every open watch cleanly (the response ends), as an API server restart would.
    public func closeAllWatches() {
        store.closeAllWatches()
    }

    /// The number of open watches.
    public var activeWatchCount: Int { store.watchCount }

    /// Sends `line` (followed by a newline) verbatim on every open watch, or, when none is open,
    /// first thing on the next watch to open: for testing how clients handle a corrupt stream.
    public func injectWatchGarbage(_ line: String) {
        store.injectGarbage(line)
    }

    /// Fails the next `count` requests that `matching` accepts with a Status of code `status`
    /// (429 TooManyRequests, 500 InternalError, 503 ServiceUnavailable, 504 Timeout, ...), with a
    /// `Retry-After` header and `details.retryAfterSeconds` when `retryAfterSeconds` is given.
    /// Failed requests are recorded; they change nothing.
    public func injectFailures(count: Int, status: Int, retryAfterSeconds: Int? = nil,
                               matching: @escaping @Sendable (RecordedRequest) -> Bool = { _ in true }) {
        faults.add(count: count, status: status, retryAfterSeconds: retryAfterSeconds, matching: matching)
    }

    /// Delays every answer by `latency` (zero for none).
    public func setLatency(_ latency: Duration) {
        faults.latency = latency
    }

    /// Drops the whole event history: watches and continue tokens from any older version get 410.
    public func compactHistory() {
        store.compactHistory()
    }

    /// Changes how often bookmarks are sent (applies to open watches from their next one).
    public func setBookmarkInterval(_ interval: Duration) {
        store.bookmarkInterval = interval
    }

    /// Changes how many events the history keeps.
    public func setHistoryLimit(_ limit: Int) {
        store.setHistoryLimit(limit)
    }
}

/// The port the server bound, delivered once from `onServerRunning` (or the start failure).
private final class PortPromise: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Int, Error>?
    private var waiter: CheckedContinuation<Int, Error>?

    func fulfill(_ port: Int?) {
        complete(port.map { .success($0) } ?? .failure(FakeAPIError.internalError("the server has no local port")))
    }

    func fail(_ error: Error) {
        complete(.failure(error))
    }

    private func complete(_ outcome: Result<Int, Error>) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = outcome
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(with: outcome)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(with: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}
