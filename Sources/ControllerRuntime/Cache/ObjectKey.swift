import KubeClient

/// Names one object: its namespace (nil for a cluster-scoped kind) and its name. It is the work
/// queue's item and the cache's key; its description is `namespace/name` (or `name`), as in
/// client-go's `MetaNamespaceKeyFunc`.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace, or nil for cluster-scoped objects.
    public var namespace: String?
    /// The name.
    public var name: String

    /// Makes a key.
    public init(namespace: String?, name: String) {
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
    }

    /// The key of the object with this metadata.
    public init(_ metadata: ObjectMeta) {
        self.init(namespace: metadata.namespace, name: metadata.name ?? "")
    }

    /// Parses `namespace/name` or `name`.
    public init(parsing text: String) {
        if let slash = text.firstIndex(of: "/") {
            self.init(namespace: String(text[..<slash]), name: String(text[text.index(after: slash)...]))
        } else {
            self.init(namespace: nil, name: text)
        }
    }

    public var description: String {
        if let namespace { return "\(namespace)/\(name)" }
        return name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
