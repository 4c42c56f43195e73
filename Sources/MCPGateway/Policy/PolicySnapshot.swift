import Foundation

/// One enforced policy: the compiled enforcer and what identifies it.
public struct PolicySnapshot: Sendable {
    /// The compiled policy.
    public let enforcer: any PolicyEnforcer
    /// The version the pusher gave (`sha256:<hex>` by convention).
    public let version: String
    /// The hex SHA-256 of the canonical document.
    public let sha256: String
    /// When the gateway started enforcing it.
    public let appliedAt: Date

    /// A snapshot of `enforcer` identified by `version` and `sha256`.
    public init(enforcer: any PolicyEnforcer, version: String, sha256: String, appliedAt: Date = Date()) {
        self.enforcer = enforcer
        self.version = version
        self.sha256 = sha256
        self.appliedAt = appliedAt
    }
}
