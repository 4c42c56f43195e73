import KubeModel
import PolicyEngine

/// Resolves which MCPPolicies a server enforces and merges them into the one document its
/// gateway gets. Pure: the policies are passed in.
///
/// A server enforces every policy named in `spec.policyRefs` (each must exist, else
/// `PolicyNotFound`) and every policy in its namespace whose `serverSelector` matches its labels
/// (a policy without a selector selects nothing by label; name it in `policyRefs`). The
/// policies are merged in order of name, each section as follows:
///
/// - `defaultAction`: `deny` if any policy says `deny`, else `allow` if any says `allow`
///   (the most restrictive explicit value; unset means the engine default, `deny`);
/// - `roles`, `rateLimits`, `outputRedaction`: concatenated; an item whose name an earlier
///   policy already used is dropped (the first, by policy name, wins);
/// - `network.denyCIDRs`: the union; `network.allowCIDRs`: the first non-empty list;
/// - `authentication`, `inputValidation`, `audit`: the first policy that sets the section
///   wins, whole;
/// - `threatIntel`: `denyCIDRs` the union, `feeds` concatenated (a feed whose name an earlier
///   policy used is dropped), so every policy's threat intelligence is enforced;
/// - `dryRun`: true only when every policy sets it (one enforcing policy enforces);
/// - `serverSelector`: cleared (it is the operator's, not the gateway's).
///
/// The result is validated with the policy engine (`InvalidPolicy` when it fails).
public enum PolicyMerger {
    /// The policies a server enforces, sorted by name, or the names of referenced policies
    /// that do not exist.
    public static func resolve(server: MCPServer, policies: [MCPPolicy]) -> Result<[MCPPolicy], PolicyResolutionError> {
        let namespace = server.metadata.namespace ?? "default"
        let inNamespace = policies.filter { ($0.metadata.namespace ?? "default") == namespace }
        var byName: [String: MCPPolicy] = [:]
        for policy in inNamespace { byName[policy.name] = policy }
        let references = server.spec.policyRefs ?? []
        let missing = references.filter { byName[$0] == nil }
        guard missing.isEmpty else { return .failure(.notFound(Array(Set(missing)).sorted())) }
        var chosen = Set(references)
        let labels = server.metadata.labels ?? [:]
        for policy in inNamespace where policy.spec.serverSelector?.selectsAnything == true {
            if policy.spec.serverSelector?.matches(labels) == true { chosen.insert(policy.name) }
        }
        return .success(chosen.sorted().compactMap { byName[$0] })
    }

    /// Whether a policy applies to a server (by reference or selector): for mapping policy
    /// events to the servers to reconcile.
    public static func applies(_ policy: MCPPolicy, to server: MCPServer) -> Bool {
        guard (policy.metadata.namespace ?? "default") == (server.metadata.namespace ?? "default") else { return false }
        if (server.spec.policyRefs ?? []).contains(policy.name) { return true }
        guard let selector = policy.spec.serverSelector, selector.selectsAnything else { return false }
        return selector.matches(server.metadata.labels ?? [:])
    }

    /// Merges documents in the given order (see the type's documentation); nil for none.
    public static func merge(_ documents: [PolicyDocument]) -> PolicyDocument? {
        guard var merged = documents.first else { return nil }
        merged.serverSelector = nil
        for document in documents.dropFirst() {
            merged.roles = union(merged.roles, document.roles, name: \.name)
            merged.rateLimits = union(merged.rateLimits, document.rateLimits, name: \.name)
            merged.outputRedaction = union(merged.outputRedaction, document.outputRedaction, name: \.name)
            if let network = document.network {
                var current = merged.network ?? PolicyDocument.Network()
                let deny = (current.denyCIDRs ?? []) + (network.denyCIDRs ?? []).filter { !(current.denyCIDRs ?? []).contains($0) }
                current.denyCIDRs = deny.isEmpty ? nil : deny
                if (current.allowCIDRs ?? []).isEmpty { current.allowCIDRs = network.allowCIDRs }
                merged.network = current
            }
            merged.authentication = merged.authentication ?? document.authentication
            merged.inputValidation = merged.inputValidation ?? document.inputValidation
            if let intel = document.threatIntel {
                var current = merged.threatIntel ?? PolicyDocument.ThreatIntel()
                let deny = (current.denyCIDRs ?? []) + (intel.denyCIDRs ?? []).filter { !(current.denyCIDRs ?? []).contains($0) }
                current.denyCIDRs = deny.isEmpty ? nil : deny
                current.feeds = union(current.feeds, intel.feeds, name: \.name)
                merged.threatIntel = current
            }
            merged.audit = merged.audit ?? document.audit
        }
        let actions = documents.compactMap(\.defaultAction)
        merged.defaultAction = actions.contains(.deny) ? .deny : actions.first
        let allDryRun = documents.allSatisfy { $0.dryRun == true }
        merged.dryRun = allDryRun ? true : (documents.contains { $0.dryRun != nil } ? false : nil)
        return merged
    }

    private static func union<T>(_ first: [T]?, _ second: [T]?, name: KeyPath<T, String>) -> [T]? {
        guard let second, !second.isEmpty else { return first }
        var result = first ?? []
        var names = Set(result.map { $0[keyPath: name] })
        for item in second where names.insert(item[keyPath: name]).inserted { result.append(item) }
        return result
    }
}

/// A policy reference that cannot be resolved.
public struct PolicyResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The names of the referenced MCPPolicies that do not exist.
    public let missing: [String]

    /// Referenced policies that do not exist.
    public static func notFound(_ names: [String]) -> PolicyResolutionError { PolicyResolutionError(missing: names) }

    public var description: String {
        let quoted = missing.map { "\"\($0)\"" }.joined(separator: ", ")
        return "MCPPolicy \(quoted) not found in the namespace (named in spec.policyRefs)"
    }
}

extension PolicyDocument.LabelSelector {
    /// Whether the selector has any term (an empty selector selects no server by label: a
    /// policy meant for every server says so with an `Exists` term).
    var selectsAnything: Bool { !(matchLabels ?? [:]).isEmpty || !(matchExpressions ?? []).isEmpty }
}
