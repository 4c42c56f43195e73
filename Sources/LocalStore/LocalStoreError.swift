import Foundation

/// A store operation that failed: which store file, which object, and why.
public struct LocalStoreError: Error, Sendable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case busy, notADatabase, newerSchema, notFound, beingDeleted, unreadable, database
    }

    private let reason: Reason
    /// One line for a user, naming the file or object.
    public let description: String

    private init(_ reason: Reason, _ description: String) {
        self.reason = reason
        self.description = description
    }

    /// Another process held the store's write lock for longer than the busy timeout.
    public static func busy(file: String, waited: Duration) -> Self {
        Self(.busy, "the state store \(file) is locked by another process (waited \(waited)); retry when the other mcpctl has finished")
    }

    /// The file exists but is not an SQLite database.
    public static func notADatabase(file: String, detail: String) -> Self {
        Self(.notADatabase, "\(file) is not an mcp-operator state store (\(detail)); move it away or choose another --state directory")
    }

    /// The store was written by a newer mcpctl whose schema this one does not know.
    public static func newerSchema(file: String) -> Self {
        Self(.newerSchema, "the state store \(file) was written by a newer mcpctl; upgrade mcpctl to use it")
    }

    /// The object does not exist.
    public static func notFound(_ kind: LocalKind, namespace: String, name: String) -> Self {
        Self(.notFound, "\(kind.qualifiedName) \"\(name)\" not found in namespace \"\(namespace)\"")
    }

    /// The object is marked for deletion and cannot be changed until the controller removed it.
    public static func beingDeleted(_ kind: LocalKind, namespace: String, name: String) -> Self {
        Self(.beingDeleted, "\(kind.qualifiedName) \"\(name)\" in namespace \"\(namespace)\" is being deleted; apply it again once it is gone")
    }

    /// An object was read as a kind it is not.
    public static func wrongKind(_ kind: LocalKind, namespace: String, name: String, wanted: LocalKind) -> Self {
        Self(.unreadable, "\(namespace)/\(name) is an \(kind.rawValue), not an \(wanted.rawValue)")
    }

    /// A stored row could not be decoded.
    public static func unreadable(file: String, detail: String) -> Self {
        Self(.unreadable, "the state store \(file) holds an unreadable record: \(detail)")
    }

    /// Any other SQLite failure.
    public static func database(file: String, detail: String) -> Self {
        Self(.database, "the state store \(file): \(detail)")
    }

    /// A short label without details, safe as a metric label.
    public var shortDescription: String {
        switch reason {
        case .busy: "store busy"
        case .notADatabase: "not a store"
        case .newerSchema: "newer schema"
        case .notFound: "not found"
        case .beingDeleted: "being deleted"
        case .unreadable: "unreadable record"
        case .database: "database error"
        }
    }

    /// Whether the object was missing.
    public var isNotFound: Bool { reason == .notFound }
    /// Whether the store was locked past the busy timeout.
    public var isBusy: Bool { reason == .busy }
}
