import Foundation

/// Options of a list call.
public struct ListOptions: Sendable, Hashable {
    /// A label selector, such as `app=web,tier!=db`.
    public var labelSelector: String?
    /// A field selector, such as `metadata.name=x`.
    public var fieldSelector: String?
    /// The page size; the server returns a continue token when more remain.
    public var limit: Int?
    /// The continue token of the previous page.
    public var `continue`: String?
    /// Read at this resourceVersion (`0` allows the watch cache).
    public var resourceVersion: String?
    /// How `resourceVersion` is matched: `NotOlderThan` or `Exact`.
    public var resourceVersionMatch: String?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continue: String? = nil,
                resourceVersion: String? = nil, resourceVersionMatch: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continue = `continue`
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let token = self.continue { items.append(("continue", token)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        return items
    }
}

/// Options of a watch call.
public struct WatchOptions: Sendable, Hashable {
    /// Start after this resourceVersion; nil or `0` starts with a synthetic ADDED per current object.
    public var resourceVersion: String?
    /// Ask for BOOKMARK events that advance the resourceVersion while nothing changes.
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this many seconds.
    public var timeoutSeconds: Int?
    /// A label selector.
    public var labelSelector: String?
    /// A field selector.
    public var fieldSelector: String?
    /// A client-side deadline: fail the watch when no byte (event or bookmark) arrived for this
    /// long, so a silently dead connection is noticed.
    public var idleTimeout: Duration?

    public init(resourceVersion: String? = nil, allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil,
                labelSelector: String? = nil, fieldSelector: String? = nil, idleTimeout: Duration? = nil) {
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.idleTimeout = idleTimeout
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "true")]
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        return items
    }
}

/// Options of a delete call (meta/v1 DeleteOptions).
public struct DeleteOptions: Codable, Sendable, Hashable {
    /// `Foreground`, `Background` or `Orphan`.
    public var propagationPolicy: String?
    /// The delete happens only if the object still has this uid and/or resourceVersion.
    public var preconditions: Preconditions?
    /// Seconds before the object is deleted (pods); 0 deletes at once.
    public var gracePeriodSeconds: Int?

    /// Conditions the object must meet for the delete to go ahead.
    public struct Preconditions: Codable, Sendable, Hashable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public init(propagationPolicy: String? = nil, preconditions: Preconditions? = nil, gracePeriodSeconds: Int? = nil) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    /// Delete dependents in the background after the owner is gone.
    public static let background = DeleteOptions(propagationPolicy: "Background")
    /// Delete dependents first, then the owner.
    public static let foreground = DeleteOptions(propagationPolicy: "Foreground")
    /// Leave dependents, removing their owner references.
    public static let orphan = DeleteOptions(propagationPolicy: "Orphan")
}

/// A patch document and its kind.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch.
    case merge(JSONValue)
    /// RFC 6902 JSON patch: an array of operations.
    case json([JSONValue])
    /// Kubernetes strategic merge patch (built-in types only).
    case strategicMerge(JSONValue)

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        }
    }

    func body() throws -> Data {
        switch self {
        case .merge(let value), .strategicMerge(let value): return try value.data()
        case .json(let operations): return try JSONValue.array(operations).data()
        }
    }
}

/// Percent-encodes a query the way Go's url.ParseQuery reads it back: everything but unreserved
/// characters is escaped, including `+` (which Go would read as a space) and `=`/`,` in selectors.
func encodeQuery(_ items: [(String, String)]) -> String {
    let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
    return items.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
}
