import PolicyEngine

/// Why a server's policy cannot be rendered: a condition reason, a message naming the policy,
/// field and reason, and the policies at fault.
public struct RenderFailure: Error, Sendable, Hashable {
    /// `PolicyNotFound` or `InvalidPolicy`.
    public var reason: String
    /// What is wrong, with the policy's name and each field's path.
    public var message: String
    /// The policies at fault (missing or invalid).
    public var policies: [String]
    /// The validation issues, when the policy is invalid.
    public var issues: [PolicyIssue]

    public init(reason: String, message: String, policies: [String], issues: [PolicyIssue] = []) {
        self.reason = reason
        self.message = message
        self.policies = policies
        self.issues = issues
    }
}
