import KubeModel
import PolicyEngine

/// A security policy for MCP servers (`mcpoperator.io/v1alpha1`, kind `MCPPolicy`). Its spec is
/// the policy engine's document, so what is validated here is exactly what gateways enforce.
public struct MCPPolicy: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(group: OperatorGroup.name, version: OperatorGroup.version,
                                                  plural: "mcppolicies", kind: "MCPPolicy", namespaced: true)
    public var apiVersion: String = OperatorGroup.apiVersion
    public var kind: String = "MCPPolicy"
    public var metadata: ObjectMeta
    public var spec: PolicyDocument
    public var status: MCPPolicyStatus?

    public init(metadata: ObjectMeta, spec: PolicyDocument, status: MCPPolicyStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? OperatorGroup.apiVersion
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "MCPPolicy"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(PolicyDocument.self, forKey: .spec) ?? PolicyDocument()
        status = try container.decodeIfPresent(MCPPolicyStatus.self, forKey: .status)
    }
}

/// What the operator observed of an MCPPolicy.
public struct MCPPolicyStatus: Codable, Sendable, Hashable {
    /// The generation this status describes.
    public var observedGeneration: Int64?
    /// `sha256:<hex>` of the policy's canonical document.
    public var version: String?
    /// `Valid` and `Propagated`.
    public var conditions: [Condition]?
    /// Servers the policy applies to.
    public var serversTargeted: Int?
    /// Servers whose every replica acknowledged the current version.
    public var serversAcked: Int?
    /// When the last change reached its last replica (RFC 3339).
    public var lastPropagationTime: String?

    public init(observedGeneration: Int64? = nil, version: String? = nil, conditions: [Condition]? = nil,
                serversTargeted: Int? = nil, serversAcked: Int? = nil, lastPropagationTime: String? = nil) {
        self.observedGeneration = observedGeneration
        self.version = version
        self.conditions = conditions
        self.serversTargeted = serversTargeted
        self.serversAcked = serversAcked
        self.lastPropagationTime = lastPropagationTime
    }
}
