import Foundation

/// What the gateway runs: the enforced policy and, beside it, an optional dry-run policy.
///
/// `enforcer` is what the hot path consults. Without a dry-run policy it is the enforced policy's
/// own enforcer. With one, it is a `ShadowedPolicyEnforcer`: every decision is the enforced
/// policy's, and the dry-run policy is evaluated next to it, its would-be decisions counted
/// (`mcp_gateway_policy_dry_run_decisions_total`) and written to the audit log marked
/// `"dryRun": true`, without effect on the request.
public struct PolicySnapshot: Sendable {
    /// The enforcer the gateway consults on every message.
    public let enforcer: any PolicyEnforcer
    /// The version the pusher gave (`sha256:<hex>` by convention) of the enforced policy.
    public let version: String
    /// The hex SHA-256 of the enforced policy's canonical document.
    public let sha256: String
    /// When the gateway started enforcing it.
    public let appliedAt: Date
    /// False when no enforcing policy has been loaded, only a dry-run one: then nothing is refused,
    /// and `version`/`sha256`/`appliedAt` are the dry-run policy's.
    public let isEnforcing: Bool
    /// The dry-run policy evaluated beside the enforced one, if any.
    public let dryRun: DryRunPolicy?
    /// The enforced policy's own enforcer (without the dry-run shadow).
    let enforced: any PolicyEnforcer

    /// A snapshot enforcing `enforcer`, identified by `version` and `sha256`, with no dry-run policy.
    public init(enforcer: any PolicyEnforcer, version: String, sha256: String, appliedAt: Date = Date()) {
        self.enforcer = enforcer
        self.enforced = enforcer
        self.version = version
        self.sha256 = sha256
        self.appliedAt = appliedAt
        self.isEnforcing = true
        self.dryRun = nil
    }

    /// This snapshot's enforced policy with `dryRun` evaluated beside it (nil removes it).
    func with(dryRun: DryRunPolicy?, metrics: GatewayMetrics?) -> PolicySnapshot {
        PolicySnapshot(enforced: enforced, version: version, sha256: sha256, appliedAt: appliedAt, isEnforcing: isEnforcing,
                       dryRun: dryRun, metrics: metrics)
    }

    /// A snapshot that enforces nothing and evaluates `dryRun` (a dry-run policy loaded first).
    static func dryRunOnly(_ dryRun: DryRunPolicy, metrics: GatewayMetrics?) -> PolicySnapshot {
        PolicySnapshot(enforced: NothingEnforcedPolicyEnforcer(), version: dryRun.version, sha256: dryRun.sha256,
                       appliedAt: dryRun.appliedAt, isEnforcing: false, dryRun: dryRun, metrics: metrics)
    }

    /// A new enforced policy, keeping this snapshot's dry-run policy unless `keepingDryRun` is false.
    func enforcing(_ snapshot: PolicySnapshot, keepingDryRun: Bool, metrics: GatewayMetrics?) -> PolicySnapshot {
        PolicySnapshot(enforced: snapshot.enforced, version: snapshot.version, sha256: snapshot.sha256, appliedAt: snapshot.appliedAt,
                       isEnforcing: true, dryRun: keepingDryRun ? dryRun : nil, metrics: metrics)
    }

    private init(enforced: any PolicyEnforcer, version: String, sha256: String, appliedAt: Date, isEnforcing: Bool,
                 dryRun: DryRunPolicy?, metrics: GatewayMetrics?) {
        self.enforced = enforced
        self.enforcer = dryRun.map { ShadowedPolicyEnforcer(enforced: enforced, dryRun: $0, metrics: metrics) } ?? enforced
        self.version = version
        self.sha256 = sha256
        self.appliedAt = appliedAt
        self.isEnforcing = isEnforcing
        self.dryRun = dryRun
    }
}

/// A policy evaluated without being enforced.
public struct DryRunPolicy: Sendable {
    /// Reports the decisions the policy would make if it were enforced.
    public let evaluator: any PolicyEnforcer
    /// The version the pusher gave.
    public let version: String
    /// The hex SHA-256 of its canonical document.
    public let sha256: String
    /// Hashes of the same document with `dryRun` false: an enforcing push of one of them promotes
    /// this policy, and the dry-run slot is emptied.
    public let promotedSHA256: Set<String>
    /// When the gateway started evaluating it.
    public let appliedAt: Date

    /// A dry-run policy.
    public init(evaluator: any PolicyEnforcer, version: String, sha256: String, promotedSHA256: Set<String> = [], appliedAt: Date = Date()) {
        self.evaluator = evaluator
        self.version = version
        self.sha256 = sha256
        self.promotedSHA256 = promotedSHA256
        self.appliedAt = appliedAt
    }
}
