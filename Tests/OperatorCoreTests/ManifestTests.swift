import Foundation
import KubeClient
import OperatorAPI
import OperatorCore
import Testing
import Yams

/// The install manifests and samples: valid, and consistent with what the operator does.
@Suite struct ManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func documents(_ path: String) throws -> [JSONValue] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        return try Yams.load_all(yaml: text).map { document -> JSONValue in
            let data = try JSONSerialization.data(withJSONObject: document)
            return try JSONValue(parsing: data)
        }
    }

    @Test func samplesAreValidAndPlannable() throws {
        let server = try #require(try Self.documents("manifests/samples/mcpserver.yaml").first).decode(as: MCPServer.self)
        let policy = try #require(try Self.documents("manifests/samples/mcppolicy.yaml").first).decode(as: MCPPolicy.self)
        #expect(server.validate().isEmpty, "\(server.validate())")
        #expect(policy.validate().isEmpty, "\(policy.validate())")
        #expect(server.spec.plugins?.count == 1)
        var identified = server
        identified.metadata.uid = "sample"
        let plan = try ServerPlan(server: identified, policy: policy.spec, adminToken: "t", options: PlannerOptions())
        #expect(plan.pluginDeployments.count == 1)
    }

    @Test func theClusterRoleGrantsWhatTheOperatorWrites() throws {
        let role = try #require(try Self.documents("manifests/rbac/cluster_role.yaml").first)
        let rules = role["rules"]?.arrayValue ?? []
        func verbs(_ group: String, _ resource: String) -> Set<String> {
            Set(rules.filter { rule in
                (rule["apiGroups"]?.arrayValue ?? []).contains(.string(group)) && (rule["resources"]?.arrayValue ?? []).contains(.string(resource))
            }.flatMap { ($0["verbs"]?.arrayValue ?? []).compactMap(\.stringValue) })
        }
        var server = Fixtures.stdioServer(replicas: 2, plugins: [Fixtures.plugin], autoscaling: .init(maxReplicas: 3))
        server.metadata.uid = "u"
        let plan = try ServerPlan(server: server, policy: nil, adminToken: "t", options: Fixtures.options)
        for object in plan.objects {
            let granted = verbs(object.resourceType.group, object.resourceType.plural)
            #expect(granted.isSuperset(of: ["list", "watch", "patch"]), "\(object.resourceType)")
        }
        for kind in ServerPlan.prunableKinds {
            #expect(verbs(kind.group, kind.plural).contains("delete"), "\(kind)")
        }
        #expect(verbs("mcpoperator.io", "mcpservers/status").contains("update"))
        #expect(verbs("events.k8s.io", "events").isSuperset(of: ["create", "patch"]))
        #expect(verbs("", "pods") == ["list", "watch"])
    }

    @Test func theOperatorPodsCarryTheLabelTheAdminNetworkPolicyAdmits() throws {
        let deployment = try #require(try Self.documents("manifests/deployment.yaml").first).decode(as: Deployment.self)
        let labels = deployment.spec?.template.metadata?.labels ?? [:]
        for (key, value) in PlannerOptions().operatorPodLabels { #expect(labels[key] == value) }
        #expect(deployment.metadata.namespace == PlannerOptions().operatorNamespace)
        let container = try #require(deployment.spec?.template.spec?.containers.first)
        #expect(container.args?.contains("--leader-elect") == true)
        #expect(container.securityContext?.readOnlyRootFilesystem == true)
        #expect(container.securityContext?.capabilities?.drop == ["ALL"])
    }
}
