import Foundation
import KubeClient
import Logging
import OperatorAPI

/// Records events.k8s.io/v1 Events about MCPServers, aggregated and rate-limited like client-go's
/// recorder (see `EventAggregation`): a repeat of the same reason for the same object within ten
/// minutes updates the first Event's `series` instead of creating another. Failures to record
/// are logged, never thrown: an event is not worth failing a reconcile for.
public actor EventRecorder {
    /// The `reportingController` of every Event.
    public static let reportingController = "mcpoperator.io/mcp-operator"

    /// An Event's note: at most 1 kB (the API counts bytes).
    static func note(_ text: String) -> String { text.prefix(utf8Bytes: 1024) }

    private let client: KubernetesClient
    private let reportingInstance: String
    private let logger: Logger
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let wallClock: @Sendable () -> Date
    private var aggregation = EventAggregation()

    /// A recorder writing through `client`, as `reportingInstance` (such as the pod name).
    public init(client: KubernetesClient, reportingInstance: String, logger: Logger = Logger(label: "events"),
                clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
                wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.reportingInstance = reportingInstance
        self.logger = logger
        self.clock = clock
        self.wallClock = wallClock
    }

    /// Records a `Normal` or `Warning` event about a server.
    public func record(_ server: MCPServer, type: EventType, reason: String, action: String, note: String) async {
        let namespace = server.metadata.namespace ?? "default"
        let object = server.metadata.uid ?? "\(namespace)/\(server.name)"
        let key = EventAggregation.Key(object: object, type: type.rawValue, reason: reason, action: action)
        let date = wallClock()
        let makeName = { "\(server.name).\(String(UInt64(date.timeIntervalSince1970 * 1e9), radix: 16))" }
        let decision = aggregation.decide(key, now: clock(), makeName: makeName)
        let time = KubeTime.microString(from: date)
        func event(named name: String) -> Event {
            Event(metadata: ObjectMeta(name: name, namespace: namespace), eventTime: time,
                  reportingController: Self.reportingController, reportingInstance: reportingInstance, action: action,
                  reason: reason,
                  regarding: ObjectReference(apiVersion: MCPServer.resourceType.apiVersion, kind: MCPServer.resourceType.kind,
                                             name: server.name, namespace: namespace, uid: server.metadata.uid),
                  note: Self.note(note), type: type.rawValue)
        }
        do {
            switch decision {
            case .drop:
                logger.debug("event dropped by the rate limit", metadata: ["reason": "\(reason)", "object": "\(namespace)/\(server.name)"])
            case .create(let name):
                _ = try await client.create(event(named: name))
            case .incrementSeries(let name, let count):
                let patch: JSONValue = ["series": ["count": .number(Double(count)), "lastObservedTime": .string(time)]]
                do {
                    _ = try await client.patch(Event.self, name: name, namespace: namespace, .merge(patch))
                } catch let error as KubernetesError where error.isNotFound {
                    // The series' Event is gone (deleted, or expired: Events live an hour by default).
                    _ = try await client.create(event(named: aggregation.restart(key, now: clock(), makeName: makeName)))
                }
            }
        } catch {
            logger.warning("could not record event \(reason) for \(namespace)/\(server.name): \(error)")
        }
    }

    /// Forgets the aggregation state of a deleted server.
    public func forget(uid: String) {
        aggregation.forget(object: uid)
    }

    /// The type of an Event.
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }
}
