import KubeModel
import OperatorAPI
import PolicyDistribution
import PolicyEngine

/// Renders the document a server's gateways enforce: its policies resolved and merged
/// (`PolicyMerger`), each checked with the policy engine first, the blocks of their threat-intel
/// feeds merged into `threatIntel.denyCIDRs`, and the result validated again. The MCPServer
/// reconciler (for the ConfigMap) and policy distribution (for the push) render through the same
/// function, so both agree on the version.
public struct PolicyRenderer: Sendable {
    /// Where feed content comes from; nil: feeds contribute nothing.
    public let feeds: (any ThreatFeedResolving)?

    /// A renderer resolving feeds with `feeds`.
    public init(feeds: (any ThreatFeedResolving)? = nil) { self.feeds = feeds }

    /// What a server enforces, from the namespace's `policies`.
    public func render(server: MCPServer, policies: [MCPPolicy]) async -> Result<RenderedPolicy, RenderFailure> {
        let chosen: [MCPPolicy]
        switch PolicyMerger.resolve(server: server, policies: policies) {
        case .failure(let error):
            return .failure(RenderFailure(reason: MCPServerReason.policyNotFound, message: error.description, policies: error.missing))
        case .success(let list):
            chosen = list
        }
        for policy in chosen {
            let issues = policy.spec.validate(root: "spec")
            if !issues.isEmpty {
                return .failure(RenderFailure(reason: MCPServerReason.invalidPolicy,
                                              message: "MCPPolicy \(policy.name) is invalid: " + Self.describe(issues),
                                              policies: [policy.name], issues: issues))
            }
        }
        guard var merged = PolicyMerger.merge(chosen.map(\.spec)) else {
            return .success(RenderedPolicy(document: nil, policies: [], feedProblems: []))
        }
        let namespace = server.metadata.namespace ?? "default"
        let problems = await resolveFeeds(&merged, namespace: namespace)
        let issues = merged.validate(root: "policy")
        guard issues.isEmpty else {
            let names = chosen.map(\.name)
            return .failure(RenderFailure(reason: MCPServerReason.invalidPolicy,
                                          message: "the merged policy of \(names.joined(separator: ", ")) is invalid: " + Self.describe(issues),
                                          policies: names, issues: issues))
        }
        return .success(RenderedPolicy(document: merged, policies: chosen.map(\.name), feedProblems: problems))
    }

    /// One policy alone, with its feeds merged: what `MCPPolicy.status.version` names. Nil with
    /// the issues when the policy is invalid.
    public func render(policy: MCPPolicy) async -> (document: PolicyDocument?, issues: [PolicyIssue], feedProblems: [FeedProblem]) {
        let issues = policy.spec.validate(root: "spec")
        guard issues.isEmpty else { return (nil, issues, []) }
        var document = policy.spec
        document.serverSelector = nil
        let problems = await resolveFeeds(&document, namespace: policy.metadata.namespace ?? "default")
        return (document, [], problems)
    }

    /// Merges the blocks of the document's feeds into `threatIntel.denyCIDRs` (deduplicated,
    /// listed blocks first) and returns the feeds' problems.
    func resolveFeeds(_ document: inout PolicyDocument, namespace: String) async -> [FeedProblem] {
        guard let feeds, let descriptors = document.threatIntel?.feeds, !descriptors.isEmpty else { return [] }
        let resolution = await feeds.resolve(descriptors, namespace: namespace)
        var intel = document.threatIntel ?? PolicyDocument.ThreatIntel()
        var deny = intel.denyCIDRs ?? []
        var seen = Set(deny)
        for block in resolution.denyCIDRs where seen.insert(block).inserted { deny.append(block) }
        intel.denyCIDRs = deny.isEmpty ? nil : deny
        document.threatIntel = intel
        return resolution.problems
    }

    static func describe(_ issues: [PolicyIssue]) -> String {
        issues.map(\.description).joined(separator: "; ")
    }
}

/// A server's rendered policy.
public struct RenderedPolicy: Sendable, Hashable {
    /// The merged document; nil when no policy applies (the gateway then boots with the empty,
    /// deny-all document).
    public var document: PolicyDocument?
    /// The names of the policies merged, in merge order.
    public var policies: [String]
    /// Feeds that could not be loaded (their last good content, if any, is merged).
    public var feedProblems: [FeedProblem]

    /// The document pushed: the merged one, or the empty document.
    public var effectiveDocument: PolicyDocument { document ?? PolicyDocument() }
}
