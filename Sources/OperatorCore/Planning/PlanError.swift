import OperatorAPI

/// Why an MCPServer that the API server accepted cannot be realized. It becomes the `Degraded`
/// condition (with `reason` and `description` as message) and a Warning event; the server's
/// existing children are left as they are.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case invalidSpec([FieldIssue])
        case commandRequired
        case portConflict(Int)
        case missingIdentity
        case policyTooLarge(Int)
    }

    private let kind: Kind

    /// The spec breaks a rule of the CRD's schema (only possible when the CRD is out of date).
    public static func invalidSpec(_ issues: [FieldIssue]) -> PlanError { PlanError(kind: .invalidSpec(issues)) }
    /// A stdio server without `command`: the gateway runs the command and cannot know the
    /// image's entrypoint, so it must be spelled out.
    public static let commandRequired = PlanError(kind: .commandRequired)
    /// An HTTP server listening on a port the gateway uses in the same pod (8080 or 9090).
    public static func portConflict(_ port: Int) -> PlanError { PlanError(kind: .portConflict(port)) }
    /// The object has no `metadata.uid` (it was not read from the API server).
    public static let missingIdentity = PlanError(kind: .missingIdentity)
    /// The merged policy document (threat-intel blocks included) does not fit in a ConfigMap.
    public static func policyTooLarge(_ bytes: Int) -> PlanError { PlanError(kind: .policyTooLarge(bytes)) }

    /// The largest policy document a ConfigMap carries, leaving room for the object's metadata
    /// within the API server's 1 MiB limit.
    public static let maxPolicyBytes = 1_000_000

    /// The condition reason, CamelCase; safe as a metric label.
    public var reason: String {
        switch kind {
        case .invalidSpec: return "InvalidSpec"
        case .commandRequired: return "CommandRequired"
        case .portConflict: return "PortConflict"
        case .missingIdentity: return "MissingIdentity"
        case .policyTooLarge: return "PolicyTooLarge"
        }
    }

    public var description: String {
        switch kind {
        case .invalidSpec(let issues):
            return "the spec is invalid: " + issues.map(\.description).joined(separator: "; ")
        case .commandRequired:
            return "spec.command is required for stdio servers: the gateway runs the command and cannot read the image's entrypoint"
        case .portConflict(let port):
            return "spec.port \(port) clashes with the gateway in the same pod (ports \(GatewayLayout.mcpPort) and \(GatewayLayout.adminPort) are taken)"
        case .missingIdentity:
            return "the MCPServer has no metadata.uid"
        case .policyTooLarge(let bytes):
            return "the merged policy is \(bytes) bytes, more than the \(PlanError.maxPolicyBytes) a ConfigMap can carry "
                + "(threat-intel feeds usually make up most of it: fewer or aggregated CIDRs)"
        }
    }
}
