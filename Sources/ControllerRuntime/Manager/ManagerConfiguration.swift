/// How a `Manager` runs.
public struct ManagerConfiguration: Sendable {
    /// Leader election; nil runs the controllers without it (a single replica, or local tests).
    public var leaderElection: LeaderElectionConfiguration?
    /// Whether controllers wait for every cache to sync before reconciling (so a reconcile never
    /// mistakes a not-yet-listed child for a missing one).
    public var waitForCacheSync: Bool

    /// Makes a configuration.
    public init(leaderElection: LeaderElectionConfiguration? = nil, waitForCacheSync: Bool = true) {
        self.leaderElection = leaderElection
        self.waitForCacheSync = waitForCacheSync
    }
}

/// Why a `Manager` stopped with an error.
public struct ManagerError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable { case leadershipLost }
    private let kind: Kind

    /// The lease could not be renewed: the controllers were stopped at once. The process should
    /// exit (and be restarted) rather than carry on with state built while leading.
    public static let leadershipLost = ManagerError(kind: .leadershipLost)

    public var description: String {
        switch kind {
        case .leadershipLost: return "leader election lost"
        }
    }
}
