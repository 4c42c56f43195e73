import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Testing

/// A fake API server with the built-in types and a `widgets.test.io` custom resource (with a
/// status subresource), and a client pointed at it that does not retry.
struct TestCluster {
    static let widgets = ResourceType(group: "test.io", version: "v1", plural: "widgets", kind: "Widget", namespaced: true)
    static let configMaps = ConfigMap.resourceType

    let server: FakeAPIServer
    let client: KubernetesClient

    static func start(options: FakeAPIServer.Options = .init()) async throws -> TestCluster {
        let server = try await FakeAPIServer.start(options: options)
        server.registerBuiltins()
        server.register(widgets, statusSubresource: true)
        let client = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL), retryPolicy: .none)
        return TestCluster(server: server, client: client)
    }

    /// Runs `body` with a started cluster, shutting the server down afterwards.
    static func with<R>(options: FakeAPIServer.Options = .init(), _ body: (TestCluster) async throws -> R) async throws -> R {
        let cluster = try await start(options: options)
        do {
            let result = try await body(cluster)
            await cluster.server.shutdown()
            return result
        } catch {
            await cluster.server.shutdown()
            throw error
        }
    }

    @discardableResult
    func seedConfigMap(_ name: String, namespace: String = "default", data: [String: String] = [:],
                       owner: OwnerReference? = nil) throws -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        if let owner { metadata["ownerReferences"] = try JSONValue(encoding: [owner]) }
        return try server.seed(Self.configMaps, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata,
                                                  "data": .object(data.mapValues { .string($0) })])
    }

    @discardableResult
    func seedWidget(_ name: String, namespace: String = "default", size: Int = 1) throws -> JSONValue {
        try server.seed(Self.widgets, ["apiVersion": "test.io/v1", "kind": "Widget",
                                        "metadata": ["name": .string(name), "namespace": .string(namespace)],
                                        "spec": ["size": .number(Double(size))]])
    }

    /// The requests that were watches.
    var watchRequests: [RecordedRequest] { server.requests.filter { $0.query["watch"] == "true" } }
    /// The requests that were lists of `type`.
    func listRequests(_ type: ResourceType) -> [RecordedRequest] {
        server.requests.filter { $0.method == "GET" && $0.query["watch"] == nil && $0.path.hasSuffix("/\(type.plural)") }
    }
}

/// Records what a handler saw, as short strings such as `added default/a`.
final class EventLog<T: Sendable>: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var entries: [String] = []
    private let describe: @Sendable (T) -> String

    init(describe: @escaping @Sendable (T) -> String) { self.describe = describe }

    var handler: ObjectEventHandler<T> {
        { [self] event in
            let line: String
            switch event {
            case .added(let object): line = "added \(describe(object))"
            case .updated(_, let new): line = "updated \(describe(new))"
            case .deleted(let object): line = "deleted \(describe(object))"
            }
            lock.withLock { entries.append(line) }
        }
    }

    var all: [String] { lock.withLock { entries } }
}

/// Counts calls per key, and the most calls in flight at once for one key.
final class ReconcileRecorder: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var calls: [ObjectKey: Int] = [:]
    nonisolated(unsafe) private var inFlight: [ObjectKey: Int] = [:]
    nonisolated(unsafe) private var maxInFlight = 0

    func begin(_ key: ObjectKey) {
        lock.withLock {
            calls[key, default: 0] += 1
            inFlight[key, default: 0] += 1
            maxInFlight = max(maxInFlight, inFlight[key]!)
        }
    }

    func end(_ key: ObjectKey) { lock.withLock { inFlight[key, default: 0] -= 1 } }

    func count(_ key: ObjectKey) -> Int { lock.withLock { calls[key, default: 0] } }
    var total: Int { lock.withLock { calls.values.reduce(0, +) } }
    var maxConcurrentPerKey: Int { lock.withLock { maxInFlight } }
}
