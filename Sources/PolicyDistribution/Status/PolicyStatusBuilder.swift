import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine

/// Computes the policy parts of statuses, purely: `MCPServer.status.policy` with its
/// `PolicyApplied` condition, and `MCPPolicy.status`. Conditions keep `lastTransitionTime` unless
/// their status flips, and acknowledgement times are written to the second, so recomputing an
/// unchanged state gives back the stored status exactly (no write).
public enum PolicyStatusBuilder {
    /// The reasons of `PolicyApplied` and of the MCPPolicy conditions.
    public enum Reason {
        public static let applied = "Applied"
        public static let propagating = "Propagating"
        public static let rejected = "Rejected"
        public static let noReadyReplicas = "NoReadyReplicas"
        public static let valid = "Valid"
        public static let invalidPolicy = MCPServerReason.invalidPolicy
        public static let propagated = "Propagated"
        public static let noServersSelected = "NoServersSelected"
        public static let feedsLoaded = "FeedsLoaded"
        public static let feedUnavailable = "FeedUnavailable"
    }

    /// The condition types of an MCPPolicy.
    public enum PolicyConditionType {
        /// Whether the policy passes the policy engine's validation.
        public static let valid = "Valid"
        /// Whether every server it applies to enforces it on every replica.
        public static let propagated = "Propagated"
        /// Whether every threat-intel feed it names loaded (set only when it names feeds).
        public static let feedsReady = "FeedsReady"
    }

    /// A server's status with `policy` and `PolicyApplied` from the distribution's state.
    public static func serverStatus(_ previous: MCPServerStatus?, distribution: PolicyDistributionStatus, generation: Int64?,
                                    now: String) -> MCPServerStatus {
        var status = previous ?? MCPServerStatus()
        let desired = distribution.desiredVersion
        status.policy = MCPServerStatus.PolicyStatus(
            desiredVersion: desired,
            replicas: distribution.replicas.map { replica in
                MCPServerStatus.ReplicaPolicy(name: replica.replica, version: replica.ackedVersion,
                                              ackedAt: replica.ackedAt.map(KubeTime.string(from:)), lastError: replica.lastError)
            })
        let total = distribution.replicas.count
        let current = distribution.currentCount
        let short = desired.map(PolicyRelease.short) ?? "no policy"
        let summary = "\(current)/\(total) replicas at \(short)"
        let rejected = distribution.replicas.filter { $0.phase(desired: desired) == .rejected }
        let behind = distribution.replicas.filter { [.lagging, .pending].contains($0.phase(desired: desired)) }
        let condition: Condition
        if total == 0 {
            condition = Condition(type: MCPServerConditionType.policyApplied, status: "False", observedGeneration: generation,
                                  reason: Reason.noReadyReplicas, message: "no ready replica to push \(short) to; new pods boot with it from the ConfigMap")
        } else if current == total {
            condition = Condition(type: MCPServerConditionType.policyApplied, status: "True", observedGeneration: generation,
                                  reason: Reason.applied, message: summary)
        } else if !rejected.isEmpty {
            let detail = rejected.map { "\($0.replica): \($0.lastError ?? "rejected")" }.joined(separator: "; ")
            condition = Condition(type: MCPServerConditionType.policyApplied, status: "False", observedGeneration: generation,
                                  reason: Reason.rejected, message: "\(summary); rejected by \(detail)")
        } else {
            let lagging = behind.map { replica in replica.lastError.map { "\(replica.replica) (\($0))" } ?? replica.replica }
            condition = Condition(type: MCPServerConditionType.policyApplied, status: "False", observedGeneration: generation,
                                  reason: Reason.propagating, message: "\(summary); waiting for \(lagging.joined(separator: ", "))")
        }
        var conditions = status.conditions ?? []
        conditions.set(condition, now: now)
        status.conditions = conditions
        return status
    }

    /// A server's status when its policy cannot be rendered: `PolicyApplied` false with the reason
    /// (the replicas keep what they enforce; `status.policy` is left as it was).
    public static func serverStatus(_ previous: MCPServerStatus?, failure: RenderFailure, generation: Int64?, now: String) -> MCPServerStatus {
        var status = previous ?? MCPServerStatus()
        var conditions = status.conditions ?? []
        conditions.set(Condition(
            type: MCPServerConditionType.policyApplied, status: "False", observedGeneration: generation, reason: failure.reason,
            message: failure.message + "; nothing was pushed, the replicas keep the last good policy"), now: now)
        status.conditions = conditions
        return status
    }

    /// What an MCPPolicy's status is computed from.
    public struct PolicyInputs: Sendable {
        /// The policy as read.
        public var policy: MCPPolicy
        /// The version of its rendered document; nil when it is invalid.
        public var version: String?
        /// Validation issues.
        public var issues: [PolicyIssue]
        /// Its feeds' problems.
        public var feedProblems: [FeedProblem]
        /// The servers it applies to (`namespace/name`), and whether each enforces its current
        /// merged document on every replica.
        public var servers: [(name: String, acked: Bool)]
        /// The latest time a change reached the last replica of one of its servers.
        public var lastPropagation: Date?
        /// Now, RFC 3339.
        public var now: String

        /// Inputs.
        public init(policy: MCPPolicy, version: String?, issues: [PolicyIssue], feedProblems: [FeedProblem],
                    servers: [(name: String, acked: Bool)], lastPropagation: Date?, now: String) {
            self.policy = policy
            self.version = version
            self.issues = issues
            self.feedProblems = feedProblems
            self.servers = servers
            self.lastPropagation = lastPropagation
            self.now = now
        }
    }

    /// An MCPPolicy's status.
    public static func policyStatus(_ inputs: PolicyInputs) -> MCPPolicyStatus {
        let policy = inputs.policy
        let generation = policy.metadata.generation
        var status = policy.status ?? MCPPolicyStatus()
        status.observedGeneration = generation
        var conditions = status.conditions ?? []
        func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) {
            conditions.set(Condition(type: type, status: value ? "True" : "False", observedGeneration: generation,
                                                             reason: reason, message: message), now: inputs.now)
        }
        if inputs.issues.isEmpty, let version = inputs.version {
            status.version = version
            set(PolicyConditionType.valid, true, Reason.valid, "the policy is valid")
        } else {
            let message = "the policy is invalid and is not pushed: " + inputs.issues.map(\.description).joined(separator: "; ")
            set(PolicyConditionType.valid, false, Reason.invalidPolicy, message)
        }
        if (policy.spec.threatIntel?.feeds ?? []).isEmpty {
            conditions.removeAll { $0.type == PolicyConditionType.feedsReady }
        } else if inputs.feedProblems.isEmpty {
            set(PolicyConditionType.feedsReady, true, Reason.feedsLoaded, "every feed loaded")
        } else {
            let detail = inputs.feedProblems.map { "\($0.feed): \($0.message)" }.joined(separator: "; ")
            set(PolicyConditionType.feedsReady, false, Reason.feedUnavailable, detail + " (the last good content, if any, is enforced)")
        }
        let acked = inputs.servers.filter(\.acked).count
        status.serversTargeted = inputs.servers.count
        status.serversAcked = acked
        if let last = inputs.lastPropagation {
            let text = KubeTime.string(from: last)
            if status.lastPropagationTime.map({ $0 < text }) ?? true { status.lastPropagationTime = text }
        }
        if !inputs.issues.isEmpty {
            set(PolicyConditionType.propagated, false, Reason.invalidPolicy, "not pushed until the policy is valid; the servers keep the last good policy")
        } else if inputs.servers.isEmpty {
            set(PolicyConditionType.propagated, false, Reason.noServersSelected,
                "no MCPServer in the namespace matches spec.serverSelector or names the policy in spec.policyRefs")
        } else if acked == inputs.servers.count {
            set(PolicyConditionType.propagated, true, Reason.propagated, "\(acked)/\(inputs.servers.count) servers enforce it on every replica")
        } else {
            let waiting = inputs.servers.filter { !$0.acked }.map(\.name).joined(separator: ", ")
            set(PolicyConditionType.propagated, false, Reason.propagating,
                "\(acked)/\(inputs.servers.count) servers enforce it on every replica; waiting for \(waiting)")
        }
        status.conditions = conditions
        return status
    }
}
