import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A server with every field set, to check the schema covers the type.
let fullServer = MCPServer(
    metadata: ObjectMeta(name: "full", namespace: "default"),
    spec: MCPServerSpec(
        image: "registry.local:5000/team/server:1.0", command: ["/server"], args: ["--verbose"],
        env: [EnvVar(name: "A", value: "1")], envFrom: [EnvFromSource(prefix: "P_", configMapRef: ConfigMapEnvSource(name: "cm"))],
        transport: .streamableHTTP, port: 9000, path: "/mcp",
        resources: ResourceRequirements(limits: ["memory": "256Mi"], requests: ["cpu": "100m"]),
        replicas: 2, autoscaling: .init(minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80),
        sessionAffinity: .clientIP,
        plugins: [.init(name: "text", image: "plugin:1", command: ["/p"], args: ["-x"], env: [EnvVar(name: "B", value: "2")],
                        transport: .sse, port: 7000, path: "/sse", resources: ResourceRequirements(limits: ["cpu": "1"]),
                        egress: .init(allow: [.init(cidr: "10.0.0.0/8", ports: [443])]))],
        policyRefs: ["strict"],
        gateway: .init(image: "mcp-gateway:dev", serviceType: "ClusterIP", port: 8080,
                       allowFrom: [LabelSelector(matchLabels: ["role": "agent"])], apiKeysSecretRef: "keys",
                       resources: ResourceRequirements(limits: ["memory": "64Mi"]))),
    status: MCPServerStatus(observedGeneration: 1, conditions: [Condition(type: "Ready", status: "True", observedGeneration: 1,
                                                                         lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Ready", message: "ok")],
                            replicas: 2, readyReplicas: 2, selector: "app=x", endpoint: "http://x:8080/mcp",
                            policy: .init(desiredVersion: "sha256:00", replicas: [.init(name: "p", version: "sha256:00", ackedAt: "2026-01-01T00:00:00Z", lastError: "e")]),
                            plugins: [.init(name: "text", ready: true, restarts: 0, lastExitReason: "Error")]))

/// Every key path of `value` that the schema does not describe.
func undescribedPaths(_ value: JSONValue, schema: JSONValue, path: String = "") -> [String] {
    if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true || schema["x-kubernetes-int-or-string"] != nil { return [] }
    switch value {
    case .object(let members):
        if let additional = schema["additionalProperties"] {
            return members.flatMap { undescribedPaths($0.value, schema: additional, path: "\(path).\($0.key)") }
        }
        if path == ".metadata" { return [] }
        let properties = schema["properties"]?.objectValue ?? [:]
        return members.flatMap { key, member -> [String] in
            guard let child = properties[key] else { return ["\(path).\(key)"] }
            return undescribedPaths(member, schema: child, path: "\(path).\(key)")
        }
    case .array(let items):
        guard let itemSchema = schema["items"] else { return ["\(path)[] (no items schema)"] }
        return items.flatMap { undescribedPaths($0, schema: itemSchema, path: "\(path)[]") }
    default:
        return []
    }
}

/// Nodes of a schema that are not structural (no type, and not int-or-string or preserved).
func nonStructuralNodes(_ schema: JSONValue, path: String = "") -> [String] {
    var problems: [String] = []
    let marked = schema["x-kubernetes-int-or-string"] != nil || schema["x-kubernetes-preserve-unknown-fields"] != nil
    if schema["type"] == nil && !marked { problems.append(path.isEmpty ? "<root>" : path) }
    if schema["description"] == nil && !path.hasSuffix(".metadata") && !path.isEmpty && !path.hasSuffix("[]") && !path.hasSuffix("{}") {
        problems.append("\(path) (no description)")
    }
    for (key, child) in schema["properties"]?.objectValue ?? [:] { problems += nonStructuralNodes(child, path: "\(path).\(key)") }
    if let items = schema["items"] { problems += nonStructuralNodes(items, path: "\(path)[]") }
    if let additional = schema["additionalProperties"] { problems += nonStructuralNodes(additional, path: "\(path){}") }
    return problems
}

@Suite struct CRDTests {
    @Test func committedCRDsMatchTheGeneratedOnes() throws {
        for (fileName, definition) in CustomResourceDefinitions.all {
            let path = repositoryRoot.appendingPathComponent("crds").appendingPathComponent(fileName).path
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            let generated = try CustomResourceDefinitions.yaml(definition)
            #expect(committed == generated, "crds/\(fileName) is out of date: run `swift run mcpctl crds generate`")
        }
    }

    @Test func committedReferenceMatchesTheGeneratedOne() throws {
        for (fileName, markdown) in ReferenceDocumentation.all {
            let path = repositoryRoot.appendingPathComponent("docs/reference").appendingPathComponent(fileName).path
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == markdown, "docs/reference/\(fileName) is out of date: run `swift run mcpctl crds generate`")
        }
    }

    @Test func theReferenceListsEveryFieldWithItsBounds() {
        let page = ReferenceDocumentation.page(CustomResourceDefinitions.mcpServer)
        #expect(page.contains("| `spec.replicas` | integer (int32) |  | `1` |"))
        #expect(page.contains("| `spec.plugins[].name` | string | yes |  | A DNS label, unique in the server; the plugin's tools appear as &lt;name&gt;__&lt;tool&gt;. Pattern `\(MCPServerLimits.dnsLabelPattern)`."))
        #expect(page.contains("| `status.conditions` |"))
        #expect(page.contains("self.metadata.name.size() <= \(MCPServerLimits.nameMaxLength)"))
        let policy = ReferenceDocumentation.page(CustomResourceDefinitions.mcpPolicy)
        #expect(policy.contains("| `spec.authentication.oidc.issuer` | string |"))
        #expect(policy.contains("short names `mcpp`"))
    }

    @Test func schemaDescribesEveryFieldOfAFullServer() throws {
        let json = try JSONValue(encoding: fullServer)
        #expect(undescribedPaths(json, schema: MCPServer.openAPISchema) == [])
    }

    @Test func schemaDescribesEveryFieldOfAFullPolicy() throws {
        let spec = PolicyDocument(
            serverSelector: .init(matchLabels: ["a": "b"], matchExpressions: [.init(key: "k", operator: "In", values: ["v"])]),
            defaultAction: .deny,
            authentication: .init(allowAnonymous: false, apiKeys: [.init(name: "ci", sha256: String(repeating: "a", count: 64))],
                                  oidc: .init(issuer: "https://issuer", audiences: ["mcp"], jwksURL: "https://issuer/jwks", subjectClaim: "sub", rolesClaim: "roles")),
            roles: [.init(name: "r", subjects: ["u*"], claims: ["groups": ["g"]], allowTools: ["*"], denyTools: ["rm*"])],
            rateLimits: [.init(name: "l", scope: .subject, tools: ["*"], requestsPerSecond: 1, requestsPerMinute: nil, burst: 2)],
            network: .init(allowCIDRs: ["10.0.0.0/8"], denyCIDRs: ["10.1.0.0/16"]),
            inputValidation: .init(maxArgumentBytes: 10, maxDepth: 3, detectors: .init(sqlInjection: true, xss: true, pathTraversal: true, commandInjection: true),
                                   customPatterns: [.init(name: "p", pattern: "a+", fields: ["f"])]),
            outputRedaction: [.init(name: "r", pattern: "x", replacement: "y")],
            threatIntel: .init(denyCIDRs: ["192.0.2.0/24"], feeds: [.init(name: "f", configMapRef: .init(name: "cm", key: "k"), url: nil, format: .netset, refreshInterval: "1h")]),
            audit: .init(enabled: true, includeArguments: false), dryRun: false)
        let policy = MCPPolicy(metadata: ObjectMeta(name: "p"), spec: spec,
                               status: MCPPolicyStatus(observedGeneration: 1, version: "sha256:00", conditions: [], serversTargeted: 1,
                                                       serversAcked: 1, lastPropagationTime: "2026-01-01T00:00:00Z"))
        let json = try JSONValue(encoding: policy)
        #expect(undescribedPaths(json, schema: MCPPolicy.openAPISchema) == [])
    }

    @Test func schemasAreStructuralAndDescribed() {
        #expect(nonStructuralNodes(MCPServer.openAPISchema) == [])
        #expect(nonStructuralNodes(MCPPolicy.openAPISchema) == [])
    }

    @Test func crdsCarrySubresourcesColumnsAndNames() throws {
        let server = CustomResourceDefinitions.mcpServer
        let version = server[path: ["spec", "versions"]]?.arrayValue?.first
        #expect(version?[path: ["subresources", "scale", "specReplicasPath"]]?.stringValue == ".spec.replicas")
        #expect(version?[path: ["subresources", "scale", "labelSelectorPath"]]?.stringValue == ".status.selector")
        // An unset spec.replicas reads 0 through /scale, which an HPA aimed at the server takes as
        // "scaling disabled": the API server writes the default instead.
        #expect(version?[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "replicas", "default"]] == 1)
        #expect(version?["additionalPrinterColumns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Ready", "Replicas", "Endpoint", "Policy", "Age"])
        #expect(server[path: ["spec", "names", "shortNames"]] == ["mcps"])
        #expect(server[path: ["spec", "names", "categories"]] == ["mcp"])
        #expect(CustomResourceDefinitions.mcpPolicy[path: ["spec", "names", "shortNames"]] == ["mcpp"])
        // The typed CRD model reads the generated document.
        let typed = try server.decode(as: CustomResourceDefinition.self)
        #expect(typed.spec?.names.kind == "MCPServer")
    }
}
