import ControllerRuntime
import LocalStore

/// Turns successive listings of the store into the server keys to reconcile: a server that
/// appeared, went away, or changed generation or deletion; every server of a namespace whose
/// policies changed (added, removed, new generation). Status writes (which change only the
/// resource version) enqueue nothing, so the controller's own writes do not loop. Pure.
struct StoreChangeTracker {
    private struct ServerState: Hashable { var uid: String; var generation: Int64; var deleting: Bool }
    private struct PolicyState: Hashable { var uid: String; var generation: Int64; var deleting: Bool }
    private var servers: [ObjectKey: ServerState] = [:]
    private var policies: [ObjectKey: PolicyState] = [:]

    /// The keys to enqueue after a listing.
    mutating func changes(servers stored: [StoredObject], policies storedPolicies: [StoredObject]) -> Set<ObjectKey> {
        var keys = Set<ObjectKey>()
        var nextServers: [ObjectKey: ServerState] = [:]
        for object in stored {
            let key = ObjectKey(namespace: object.namespace, name: object.name)
            let state = ServerState(uid: object.uid, generation: object.generation, deleting: object.deletionRequested)
            nextServers[key] = state
            if servers[key] != state { keys.insert(key) }
        }
        for key in servers.keys where nextServers[key] == nil { keys.insert(key) }
        var nextPolicies: [ObjectKey: PolicyState] = [:]
        var namespaces = Set<String>()
        for object in storedPolicies {
            let key = ObjectKey(namespace: object.namespace, name: object.name)
            let state = PolicyState(uid: object.uid, generation: object.generation, deleting: object.deletionRequested)
            nextPolicies[key] = state
            if policies[key] != state { namespaces.insert(object.namespace) }
        }
        for key in policies.keys where nextPolicies[key] == nil { namespaces.insert(key.namespace ?? "default") }
        for (key, _) in nextServers where namespaces.contains(key.namespace ?? "default") { keys.insert(key) }
        servers = nextServers
        policies = nextPolicies
        return keys
    }
}
