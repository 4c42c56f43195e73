/// Assigns the gateway's own ids to messages it sends on, and maps answers back to the original id
/// and whatever context the caller kept. One remapper per direction and peer: ids the gateway hands
/// out are unique within it, so two sessions or two upstreams can never collide.
public struct IDRemapper<Context: Sendable>: Sendable {
    private var nextID: Int64
    private var pending: [Int64: (original: JSONRPCID?, context: Context)] = [:]
    private var byOriginal: [JSONRPCID: Int64] = [:]

    /// A remapper whose first assigned id is `firstID`.
    public init(firstID: Int64 = 1) { nextID = firstID }

    /// The number of assigned ids not yet resolved.
    public var pendingCount: Int { pending.count }

    /// Assigns a fresh id for a message that had `original` (nil when the gateway originates it).
    public mutating func assign(original: JSONRPCID?, context: Context) -> JSONRPCID {
        let id = nextID
        nextID &+= 1
        pending[id] = (original, context)
        if let original { byOriginal[original] = id }
        return .int(id)
    }

    /// Resolves an answer carrying `assigned`: the original id and the context, or nil when the id
    /// was never assigned here or already resolved (a late or forged answer).
    public mutating func resolve(_ assigned: JSONRPCID) -> (original: JSONRPCID?, context: Context)? {
        guard case .int(let raw) = assigned, let entry = pending.removeValue(forKey: raw) else { return nil }
        if let original = entry.original, byOriginal[original] == raw { byOriginal[original] = nil }
        return entry
    }

    /// The id assigned for `original`, while it is pending.
    public func assignedID(forOriginal original: JSONRPCID) -> JSONRPCID? {
        byOriginal[original].map(JSONRPCID.int)
    }

    /// Removes and returns every pending entry (when the peer is gone).
    public mutating func drain() -> [(original: JSONRPCID?, context: Context)] {
        let entries = Array(pending.values)
        pending.removeAll()
        byOriginal.removeAll()
        return entries
    }
}
