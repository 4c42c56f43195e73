import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
import PolicyDistribution
import PolicyEngine
import Testing
import Yams
import TestPolling

/// The operator runs with exactly the ClusterRole that manifests/rbac (and the chart) grant it:
/// a verb the code uses and the role lacks is a 403 from a real API server.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OperatorRBACTests {
    static let clusterRole = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("manifests/rbac/cluster_role.yaml")

    static func rules() throws -> [RBACRule] {
        let text = try String(contentsOf: clusterRole, encoding: .utf8)
        let object = try JSONValue(encoding: try Yams.load(yaml: text).map(AnyJSON.init) ?? AnyJSON(NSNull()))
        return RBACRule.rules(of: object)
    }

    @Test func theOperatorNeedsNothingItsClusterRoleDoesNotGrant() async throws {
        let rules = try Self.rules()
        #expect(!rules.isEmpty, "rules read from \(Self.clusterRole.path)")
        let h = try await PolicyOperatorHarness(operatorToken: "operator", rbac: rules, makeFeeds: { client in
            ThreatFeedCache(configMaps: KubernetesConfigMapReader(client: client))
        })
        do {
            // A ConfigMap feed (read with get), a policy (its status written with PUT), and a
            // conflict on the server's status (the writer reads the server again with get).
            _ = try await h.client.create(ConfigMap(metadata: ObjectMeta(name: "blocklist", namespace: "default"),
                                                    data: ["list": "192.0.2.0/24\n"]))
            var spec = GatewayFleet.allowAll.selecting(app: "files")
            spec.threatIntel = PolicyDocument.ThreatIntel(feeds: [
                PolicyDocument.Feed(name: "local", configMapRef: .init(name: "blocklist", key: "list")),
            ])
            h.api.injectFailures(count: 1, status: 409) { $0.method == "PUT" && $0.path.hasSuffix("/mcpservers/files/status") }
            _ = try await h.client.create(MCPPolicy(metadata: ObjectMeta(name: "intel", namespace: "default"), spec: spec))
            _ = try await h.client.create(MCPServer(metadata: ObjectMeta(name: "files", namespace: "default", labels: ["app": "files"]),
                                                    spec: MCPServerSpec(image: "example.com/files:1", command: ["x"], replicas: 1,
                                                                        plugins: [.init(name: "search", image: "example.com/search:1", port: 7000)])))
            await eventually("the policy's status says its feeds loaded") {
                let policy = try? h.api.object(MCPPolicy.resourceType, namespace: "default", name: "intel")?.decode(as: MCPPolicy.self)
                return policy?.status?.conditions?.contains { $0.type == "FeedsReady" && $0.status == "True" } == true
            }
            await eventually("the server's status is written") { h.mcpServer("files")?.status?.conditions?.isEmpty == false }
            await h.settle()
            #expect(h.api.requests.contains {
                $0.method == "GET" && $0.path.hasSuffix("/mcpservers/files") && $0.headers["authorization"] == "Bearer operator"
            }, "the injected conflict made the status writer read the server again")
            #expect(h.api.rbacDenials.isEmpty, "forbidden: \(h.api.rbacDenials.map(\.description))")
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}

/// Yams' untyped YAML as something `JSONValue(encoding:)` takes.
private struct AnyJSON: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case let text as String: try container.encode(text)
        case let flag as Bool: try container.encode(flag)
        case let number as Int: try container.encode(number)
        case let number as Double: try container.encode(number)
        case let list as [Any]: try container.encode(list.map(AnyJSON.init))
        case let map as [String: Any]: try container.encode(map.mapValues(AnyJSON.init))
        default: try container.encodeNil()
        }
    }
}
