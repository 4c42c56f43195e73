import KubeClient

/// A secondary index of a `Store`: a name and a function from an object's metadata (or the
/// whole object) to the index values it is filed under.
public struct Indexer<T: Sendable>: Sendable {
    /// The index's name, used in `Store.byIndex`.
    public var name: String
    /// The values an object is filed under (none, one or several).
    public var values: @Sendable (T, ObjectMeta) -> [String]

    /// Makes an index from a function of the object and its metadata.
    public init(name: String, values: @escaping @Sendable (T, ObjectMeta) -> [String]) {
        self.name = name
        self.values = values
    }

    /// Objects by namespace (cluster-scoped objects are filed under the empty string).
    public static var namespace: Indexer {
        Indexer(name: "namespace") { _, meta in [meta.namespace ?? ""] }
    }

    /// Objects by the UID of each of their owners.
    public static var ownerUID: Indexer {
        Indexer(name: "ownerUID") { _, meta in (meta.ownerReferences ?? []).map(\.uid) }
    }

    /// Objects by label, filed under `key=value` for every label they carry.
    public static var label: Indexer {
        Indexer(name: "label") { _, meta in (meta.labels ?? [:]).map { "\($0.key)=\($0.value)" } }
    }

    /// The index value `label` files an object with the label `key` set to `value` under.
    public static func labelValue(_ key: String, _ value: String) -> String { "\(key)=\(value)" }
}
