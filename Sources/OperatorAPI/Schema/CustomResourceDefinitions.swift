import Foundation
import KubeModel
import Yams

/// The operator's CustomResourceDefinitions, generated from the Swift types' schemas, and their
/// YAML rendering (what `mcpctl crds generate` writes to crds/).
public enum CustomResourceDefinitions {
    /// The CRD of MCPServer: status and scale subresources, printer columns, short name `mcps`.
    public static var mcpServer: JSONValue {
        definition(plural: "mcpservers", singular: "mcpserver", kind: "MCPServer", shortNames: ["mcps"],
                   schema: MCPServer.openAPISchema,
                   subresources: ["status": [:], "scale": ["specReplicasPath": ".spec.replicas",
                                                           "statusReplicasPath": ".status.replicas",
                                                           "labelSelectorPath": ".status.selector"]],
                   columns: [
                       column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", "Whether the server serves"),
                       column("Replicas", "integer", ".status.readyReplicas", "Ready replicas"),
                       column("Endpoint", "string", ".status.endpoint", "The URL clients connect to"),
                       column("Policy", "string", ".status.conditions[?(@.type==\"PolicyApplied\")].message", "Replicas at the desired policy version"),
                       column("Age", "date", ".metadata.creationTimestamp", nil),
                   ])
    }

    /// The CRD of MCPPolicy: status subresource, printer columns, short name `mcpp`.
    public static var mcpPolicy: JSONValue {
        definition(plural: "mcppolicies", singular: "mcppolicy", kind: "MCPPolicy", shortNames: ["mcpp"],
                   schema: MCPPolicy.openAPISchema, subresources: ["status": [:]],
                   columns: [
                       column("Version", "string", ".status.version", "sha256 of the canonical document"),
                       column("Targeted", "integer", ".status.serversTargeted", "Servers the policy applies to"),
                       column("Acked", "integer", ".status.serversAcked", "Servers fully at the current version"),
                       column("Age", "date", ".metadata.creationTimestamp", nil),
                   ])
    }

    /// Every CRD with the file name it is written to.
    public static var all: [(fileName: String, definition: JSONValue)] {
        [("mcpoperator.io_mcpservers.yaml", mcpServer), ("mcpoperator.io_mcppolicies.yaml", mcpPolicy)]
    }

    static func column(_ name: String, _ type: String, _ path: String, _ description: String?) -> JSONValue {
        var node: JSONValue = ["name": .string(name), "type": .string(type), "jsonPath": .string(path)]
        if let description { node["description"] = .string(description) }
        return node
    }

    static func definition(plural: String, singular: String, kind: String, shortNames: [String], schema: JSONValue,
                           subresources: JSONValue, columns: [JSONValue]) -> JSONValue {
        [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).\(OperatorGroup.name)"),
                         "labels": ["app.kubernetes.io/name": "mcp-operator", "app.kubernetes.io/part-of": "mcp-operator"]],
            "spec": [
                "group": .string(OperatorGroup.name),
                "names": ["plural": .string(plural), "singular": .string(singular), "kind": .string(kind),
                          "listKind": .string("\(kind)List"), "shortNames": .array(shortNames.map { .string($0) }),
                          "categories": ["mcp"]],
                "scope": "Namespaced",
                "versions": [[
                    "name": .string(OperatorGroup.version), "served": true, "storage": true,
                    "schema": ["openAPIV3Schema": schema],
                    "subresources": subresources,
                    "additionalPrinterColumns": .array(columns),
                ]],
            ],
        ]
    }

    /// Renders an object as YAML with sorted keys, so the output is stable byte for byte.
    public static func yaml(_ value: JSONValue) throws -> String {
        "---\n" + (try Yams.serialize(node: node(value), sortKeys: true))
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .number(let number):
            if number.rounded() == number, abs(number) < 9e15 { return Node(String(Int64(number)), Tag(.int)) }
            return Node(String(number), Tag(.float))
        case .string(let text): return Node(text, Tag(.str), .doubleQuoted).plainWhenSafe()
        case .array(let items): return Node.sequence(Node.Sequence(items.map(node)))
        case .object(let members):
            return Node.mapping(Node.Mapping(members.sorted { $0.key < $1.key }.map { (Node($0.key), node($0.value)) }))
        }
    }
}

extension Node {
    /// A string scalar printed plain when YAML would read it back as the same string.
    func plainWhenSafe() -> Node {
        guard case .scalar(var scalar) = self else { return self }
        let text = scalar.string
        let resolvesToString = Resolver.default.resolveTag(of: Node(text)) == .str
        let risky = text.isEmpty || text.contains(where: { "{}[]&*#?|<>=!%@`'\",:\n\\".contains($0) }) || text.hasPrefix("-")
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        if resolvesToString && !risky { scalar.style = .plain }
        return .scalar(scalar)
    }
}
