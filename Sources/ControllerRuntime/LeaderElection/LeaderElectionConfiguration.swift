import Foundation

/// How a `LeaderElector` competes for its Lease. The defaults are client-go's: a 15 s lease,
/// a 10 s renew deadline and a 2 s retry period. `renewDeadline` must be shorter than
/// `leaseDuration`, so a leader that cannot renew stops before anyone else may take over.
public struct LeaderElectionConfiguration: Sendable {
    /// The Lease's name.
    public var leaseName: String
    /// The Lease's namespace.
    public var namespace: String
    /// This candidate's identity, written to `holderIdentity` (unique per process).
    public var identity: String
    /// How long a holder keeps the lease after its last renewal, as seen by the others.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives up leading.
    public var renewDeadline: Duration
    /// How often candidates try to acquire, and the leader renews.
    public var retryPeriod: Duration
    /// Whether a leader that stops gracefully clears `holderIdentity`, so another takes over at
    /// its next retry instead of after the lease expires.
    public var releaseOnCancel: Bool
    /// The monotonic clock that times expiry and retries.
    public var clock: RuntimeClock
    /// The wall clock written to `acquireTime` and `renewTime`.
    public var wallClock: @Sendable () -> Date
    /// The randomness behind the retry jitter of candidates.
    public var jitter: JitterSource

    /// The defaults described on each property; the identity is the host name with a random suffix.
    public init(leaseName: String, namespace: String, identity: String = LeaderElectionConfiguration.defaultIdentity(),
                leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2),
                releaseOnCancel: Bool = true, clock: RuntimeClock = .continuous, wallClock: @escaping @Sendable () -> Date = { Date() },
                jitter: JitterSource = .system) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
        self.clock = clock
        self.wallClock = wallClock
        self.jitter = jitter
    }

    /// `hostname_` and a random UUID, as controller-runtime makes it.
    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.lowercased())"
    }
}
