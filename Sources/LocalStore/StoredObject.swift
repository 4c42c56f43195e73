import Foundation
import KubeModel
import OperatorAPI

/// One applied resource as the store holds it: its identity, Kubernetes-style counters, the
/// desired object (defaults written out) and the status the controller wrote.
public struct StoredObject: Sendable, Hashable {
    public var kind: LocalKind
    public var namespace: String
    public var name: String
    /// A UUID given at creation; a re-created object gets a new one.
    public var uid: String
    /// Increases by one on every spec change (metadata and status changes leave it alone).
    public var generation: Int64
    /// The store's change counter at this object's last write (any write, status included).
    public var resourceVersion: Int64
    /// When the object was created (RFC 3339).
    public var creationTimestamp: String
    /// When deletion was requested (RFC 3339), while the controller cleans up.
    public var deletionTimestamp: String?
    /// The whole object: apiVersion, kind, metadata (with uid, generation, resourceVersion,
    /// creationTimestamp, deletionTimestamp) and spec; status under `status` when there is one.
    public var object: JSONValue
    /// The status the controller last wrote.
    public var status: JSONValue?

    /// Whether deletion was requested.
    public var deletionRequested: Bool { deletionTimestamp != nil }

    /// The object as an `MCPServer`, status included.
    public func server() throws -> MCPServer {
        guard kind == .server else { throw LocalStoreError.wrongKind(kind, namespace: namespace, name: name, wanted: .server) }
        return try object.decode(as: MCPServer.self)
    }

    /// The object as an `MCPPolicy`, status included.
    public func policy() throws -> MCPPolicy {
        guard kind == .policy else { throw LocalStoreError.wrongKind(kind, namespace: namespace, name: name, wanted: .policy) }
        return try object.decode(as: MCPPolicy.self)
    }
}

/// What `apply` did with one object, as kubectl prints it.
public enum ApplyOutcome: String, Sendable, Hashable {
    case created
    case configured
    case unchanged
}

/// One applied object and what happened to it.
public struct ApplyResult: Sendable, Hashable {
    public var kind: LocalKind
    public var namespace: String
    public var name: String
    public var outcome: ApplyOutcome
    /// The generation after the apply.
    public var generation: Int64

    /// `mcpserver.mcpoperator.io/NAME created`, kubectl's line.
    public var line: String { "\(kind.qualifiedName)/\(name) \(outcome.rawValue)" }
}

/// What one gateway (one replica's container) acknowledged of a policy push.
public struct PolicyAckRecord: Sendable, Hashable {
    public var namespace: String
    /// The MCPServer's name.
    public var server: String
    /// The replica's container name.
    public var replica: String
    /// The policy version the gateway enforces (`sha256:<hex>`).
    public var version: String
    /// The hash the gateway reported, when it reported one.
    public var sha256: String?
    /// When the ack (or the failed push) happened.
    public var at: Date
    /// The last push error, when the last push failed.
    public var error: String?

    public init(namespace: String, server: String, replica: String, version: String, sha256: String? = nil,
                at: Date, error: String? = nil) {
        self.namespace = namespace
        self.server = server
        self.replica = replica
        self.version = version
        self.sha256 = sha256
        self.at = at
        self.error = error
    }
}

/// Something the controller reports about an object, like a Kubernetes Event.
public struct LocalEvent: Sendable, Hashable {
    public var kind: LocalKind
    public var namespace: String
    public var name: String
    /// `Normal` or `Warning`.
    public var type: String
    /// A CamelCase reason (`PluginRestarted`).
    public var reason: String
    public var message: String
    /// How many times it happened in a row (repeats of the same reason and message are folded).
    public var count: Int
    /// When it first and last happened.
    public var firstSeen: Date
    public var lastSeen: Date

    public init(kind: LocalKind, namespace: String, name: String, type: String, reason: String, message: String,
                count: Int = 1, firstSeen: Date, lastSeen: Date? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.type = type
        self.reason = reason
        self.message = message
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen ?? firstSeen
    }
}
