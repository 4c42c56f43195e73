import Foundation
import KubeClient
import KubeModel
import Testing
@testable import KubeTesting

/// The fake server authorizes a token's user as RBAC does, so a test can run a client with
/// exactly the permissions its manifests grant.
@Suite struct RBACTests {
    @Test func aBoundUserGetsOnlyWhatItsRulesGrant() async throws {
        let server = try await FakeAPIServer.start()
        defer { Task { await server.shutdown() } }
        server.registerBuiltins()
        server.register(Fixture.mcpServers, statusSubresource: true)
        server.bindRBAC(token: "reader", user: "system:serviceaccount:ops:reader", rules: [
            RBACRule(apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"]),
            RBACRule(apiGroups: ["mcpoperator.io"], resources: ["mcpservers/status"], verbs: ["update"]),
            RBACRule(apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["allowed"]),
        ])
        let admin = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL), retryPolicy: .none)
        let reader = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL, credentials: StaticTokenSource("reader")),
                                      retryPolicy: .none)
        _ = try await admin.create(ConfigMap(metadata: ObjectMeta(name: "settings", namespace: "default")))
        try server.create(Fixture.mcpServers, Fixture.mcpServer("files"))

        #expect(try await reader.list(ConfigMap.self, namespace: "default").items.count == 1)
        do {
            _ = try await reader.get(ConfigMap.self, name: "settings", namespace: "default")
            Issue.record("get was not granted")
        } catch let error as KubernetesError {
            #expect(error.code == 403)
            #expect(error.status.reason == "Forbidden")
            #expect(error.status.message == #"configmaps "settings" is forbidden: User "system:serviceaccount:ops:reader" cannot get resource "configmaps" in API group "" in the namespace "default""#)
        }
        await #expect(throws: KubernetesError.self) {
            _ = try await reader.create(ConfigMap(metadata: ObjectMeta(name: "new", namespace: "default")))
        }
        // A subresource is its own resource: status may be written, the object may not.
        var files = try await admin.get(Fixture.mcpServers, name: "files", namespace: "default")
        files.json["status"] = ["replicas": 1]
        files = try await reader.update(Fixture.mcpServers, files, subresource: "status")
        await #expect(throws: KubernetesError.self) { _ = try await reader.update(Fixture.mcpServers, files) }
        // resourceNames restrict to the named objects.
        _ = try await admin.create(Secret(metadata: ObjectMeta(name: "allowed", namespace: "default")))
        _ = try await admin.create(Secret(metadata: ObjectMeta(name: "other", namespace: "default")))
        _ = try await reader.get(Secret.self, name: "allowed", namespace: "default")
        await #expect(throws: KubernetesError.self) { _ = try await reader.get(Secret.self, name: "other", namespace: "default") }

        #expect(server.rbacDenials.map { "\($0.verb) \($0.resource)" } == [
            "get configmaps", "create configmaps", "update mcpservers", "get secrets",
        ])
    }
}
