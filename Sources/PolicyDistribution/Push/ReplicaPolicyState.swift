import Foundation

/// What one replica enforces, as far as the pusher knows: its last acknowledgement, its last
/// error, and a version it refused.
public struct ReplicaPolicyState: Sendable, Hashable {
    /// The replica's name.
    public var replica: String
    /// The version the gateway last acknowledged or reported enforcing.
    public var ackedVersion: String?
    /// The hex SHA-256 it reported with it.
    public var ackedSHA256: String?
    /// When that version took effect on the gateway (its `appliedAt`, else when the ack arrived).
    public var ackedAt: Date?
    /// Why the last push or check failed (down, refused, timed out, rejected); nil after an ack.
    public var lastError: String?
    /// A version the gateway rejected (422): never pushed to this replica again.
    public var rejectedVersion: String?
    /// Failed attempts since the last success, for backoff.
    public var consecutiveFailures: Int

    /// A replica not yet heard from.
    public init(replica: String, ackedVersion: String? = nil, ackedSHA256: String? = nil, ackedAt: Date? = nil,
                lastError: String? = nil, rejectedVersion: String? = nil, consecutiveFailures: Int = 0) {
        self.replica = replica
        self.ackedVersion = ackedVersion
        self.ackedSHA256 = ackedSHA256
        self.ackedAt = ackedAt
        self.lastError = lastError
        self.rejectedVersion = rejectedVersion
        self.consecutiveFailures = consecutiveFailures
    }

    /// Where the replica stands against the version wanted.
    public func phase(desired: String?) -> Phase {
        guard let desired else { return .current }
        if ackedVersion == desired { return .current }
        if rejectedVersion == desired { return .rejected }
        return consecutiveFailures > 0 ? .lagging : .pending
    }

    /// A replica's standing against the desired version.
    public enum Phase: String, Sendable, Hashable {
        /// It enforces the desired version.
        case current = "Current"
        /// A push is due or in flight.
        case pending = "Pending"
        /// It rejected the desired version (422); it keeps its last good policy.
        case rejected = "Rejected"
        /// It could not be reached or failed; retried with backoff.
        case lagging = "Lagging"
    }
}

/// The result of one push to one gateway.
public enum PushOutcome: Sendable, Hashable {
    /// 200: the gateway now enforces this version.
    case acknowledged(version: String, sha256: String, appliedAt: Date?)
    /// 422: the gateway refused the document; its last good policy stays.
    case rejected(field: String, reason: String)
    /// The gateway was down, refused the token, timed out or answered something unexpected.
    case failed(String)
}

/// The result of asking a gateway what it enforces (`GET /admin/policy`).
public enum VerificationOutcome: Sendable, Hashable {
    /// It enforces this version.
    case enforcing(version: String, sha256: String, appliedAt: Date?)
    /// It runs without any policy (404).
    case noPolicy
    /// It could not be asked.
    case failed(String)
}
