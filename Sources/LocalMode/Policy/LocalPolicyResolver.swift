import OperatorAPI
import PolicyEngine

/// The policy document a local server's gateways enforce: the MCPPolicies it names or that
/// select it, merged by the same rules as the operator (`PolicyMerger`), validated by the policy
/// engine. With no policy, the empty document (the engine's defaults), as the operator does.
public enum LocalPolicyResolver {
    /// The merged document, or a condition reason and message.
    public static func document(for server: MCPServer, policies: [MCPPolicy]) -> Result<PolicyDocument, LocalPlanError> {
        switch PolicyMerger.resolve(server: server, policies: policies) {
        case .failure(let error):
            return .failure(LocalPlanError(reason: MCPServerReason.policyNotFound, message: error.description))
        case .success(let chosen):
            guard let merged = PolicyMerger.merge(chosen.map(\.spec)) else { return .success(PolicyDocument()) }
            let issues = merged.validate(root: "policy")
            guard issues.isEmpty else {
                let names = chosen.map { $0.metadata.name ?? "" }.joined(separator: ", ")
                return .failure(LocalPlanError(reason: MCPServerReason.invalidPolicy,
                                               message: "the merged policy of \(names) is invalid: " + issues.map(\.description).joined(separator: "; ")))
            }
            return .success(merged)
        }
    }
}
