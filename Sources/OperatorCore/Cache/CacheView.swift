import ControllerRuntime
import KubeClient

/// A read-only view over the stores of one kind: one store per watched namespace, or a single
/// store when every namespace is watched. What the reconciler reads instead of the API server.
public struct CacheView<T: Sendable>: Sendable {
    /// The stores, one per watched namespace.
    public let stores: [Store<T>]

    /// A view over these stores.
    public init(_ stores: [Store<T>]) { self.stores = stores }

    /// The object with this namespace and name.
    public func get(namespace: String?, name: String) -> T? {
        for store in stores {
            if let object = store.get(namespace: namespace, name: name) { return object }
        }
        return nil
    }

    /// The object with this key.
    public func get(_ key: ObjectKey) -> T? { get(namespace: key.namespace, name: key.name) }

    /// Every object in a namespace.
    public func list(namespace: String) -> [T] { stores.flatMap { $0.list(namespace: namespace) } }

    /// Every cached object.
    public func list() -> [T] { stores.flatMap { $0.list() } }

    /// The objects one of whose owner references has this UID.
    public func owned(by uid: String) -> [T] { stores.flatMap { $0.byIndex("ownerUID", uid) } }

    /// The objects filed under `value` in the index `name`.
    public func byIndex(_ name: String, _ value: String) -> [T] { stores.flatMap { $0.byIndex(name, value) } }

    /// Whether every store has synced.
    public var hasSynced: Bool { stores.allSatisfy(\.hasSynced) }
}
