import ControllerRuntime
import LocalStore

/// Turns successive listings of the store into the server keys to reconcile: a server that
/// appeared, went away, or changed generation or deletion; every server of a namespace whose
/// policies changed (added, removed, new generation). Status writes (which change only the
/// resource version) enqueue nothing, so the controller's own writes do not loop. It also keeps
/// the change counter of the last listing that was handled completely: a listing that failed
/// is done again at the next poll, even when nothing else was written meanwhile. Pure.
struct StoreChangeTracker {
    /// The store's change counter when the last listing was handled; -1 before the first.
    private(set) var handledCounter: Int64 = -1

    private struct ServerState: Hashable { var uid: String; var generation: Int64; var deleting: Bool }
    private struct PolicyState: Hashable { var uid: String; var generation: Int64; var deleting: Bool }
    private var servers: [ObjectKey: ServerState] = [:]
    private var policies: [ObjectKey: PolicyState] = [:]

    /// Whether the store changed since the last handled listing.
    func needsListing(counter: Int64) -> Bool { counter != handledCounter }

    /// Records that the listing taken at `counter` was handled (its keys enqueued, policy
    /// statuses written).
    mutating func handled(counter: Int64) { handledCounter = counter }

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
