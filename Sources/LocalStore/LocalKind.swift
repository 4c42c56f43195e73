import OperatorAPI

/// The kinds of resource local mode stores: the same `MCPServer` and `MCPPolicy` as the CRDs.
public enum LocalKind: String, Sendable, CaseIterable, Hashable {
    case server = "MCPServer"
    case policy = "MCPPolicy"

    /// The resource's plural name (`mcpservers`), as in the CRD.
    public var plural: String {
        switch self {
        case .server: MCPServer.resourceType.plural
        case .policy: MCPPolicy.resourceType.plural
        }
    }

    /// The singular, lowercase name (`mcpserver`).
    public var singular: String { rawValue.lowercased() }

    /// The CRD's short names (`mcps`, `mcpp`).
    public var shortNames: [String] {
        switch self {
        case .server: ["mcps"]
        case .policy: ["mcpp"]
        }
    }

    /// `kind.group`, the way kubectl names a resource type in its output (`mcpserver.mcpoperator.io`).
    public var qualifiedName: String { "\(singular).\(OperatorGroup.name)" }

    /// The kind a user typed: kind, singular, plural or short name, optionally qualified by the
    /// API group (`mcps`, `MCPServer`, `mcpservers.mcpoperator.io`); nil when it names neither kind.
    public init?(resourceName: String) {
        var text = resourceName.lowercased()
        if text.hasSuffix("." + OperatorGroup.name) { text.removeLast(OperatorGroup.name.count + 1) }
        guard let kind = LocalKind.allCases.first(where: { [$0.singular, $0.plural].contains(text) || $0.shortNames.contains(text) }) else {
            return nil
        }
        self = kind
    }
}
