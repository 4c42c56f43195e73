import KubeClient

/// One change in the store's history: what a watch replays and what list snapshots undo.
struct StoredEvent: Sendable {
    enum Kind: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    /// The resource version the change produced.
    var resourceVersion: Int
    var kind: Kind
    /// The storage key of the object's type.
    var typeKey: String
    /// The object's storage key (`namespace/name`, or `name` when cluster-scoped).
    var objectKey: String
    var namespace: String
    /// The object after the change (for a deletion, its last state with the deletion's version).
    var object: JSONValue
    /// The object before the change; nil for an addition.
    var previous: JSONValue?
}

/// One line of a watch stream.
struct WatchFrame: Sendable, Hashable {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    var type: String
    var object: JSONValue
    /// Text sent verbatim instead of an event (fault injection).
    var raw: String?

    init(type: String, object: JSONValue) {
        self.type = type
        self.object = object
    }

    /// A line of arbitrary text.
    static func garbage(_ text: String) -> WatchFrame {
        var frame = WatchFrame(type: "", object: .null)
        frame.raw = text
        return frame
    }

    var json: JSONValue { .object(["type": .string(type), "object": object]) }

    /// The line as sent, with its newline.
    var line: String { (raw ?? json.jsonString()) + "\n" }
}
