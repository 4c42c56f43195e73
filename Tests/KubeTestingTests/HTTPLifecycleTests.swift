import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KubeClient
import Testing
@testable import KubeTesting

/// Object lifecycles through HTTP: subresources, conflicts, finalizers and garbage collection.
@Suite struct HTTPLifecycleTests {
    let http = HTTPTests()
    let servers = "/apis/mcpoperator.io/v1alpha1/namespaces/default/mcpservers"

    @Test func statusSubresourceAndConflictsOverHTTP() async throws {
        try await http.withServer { server in
            let created = try await http.send(server, "POST", servers, body: Fixture.mcpServer("s")).body
            var withStatus = created
            withStatus["status"] = ["replicas": 2]
            let status = try await http.send(server, "PUT", servers + "/s/status", body: withStatus)
            #expect(status.status == 200)
            #expect(status.body["status"] == ["replicas": 2])
            #expect(status.body["metadata"]?["generation"] == 1)

            let stale = try await http.send(server, "PUT", servers + "/s", body: created)
            #expect(stale.status == 409)
            #expect(stale.body["reason"] == "Conflict")
            #expect(stale.body["message"] == "Operation cannot be fulfilled on mcpservers.mcpoperator.io \"s\": the object has been modified; please apply your changes to the latest version and try again")

            let patched = try await http.send(server, "PATCH", servers + "/s", body: [["op": "replace", "path": "/spec/replicas", "value": 3]],
                                              contentType: "application/json-patch+json")
            #expect(patched.body["spec"]?["replicas"] == 3)
            #expect(patched.body["metadata"]?["generation"] == 2)
            let scaled = try await http.send(server, "PATCH", servers + "/s/scale", body: ["spec": ["replicas": 5]],
                                             contentType: "application/merge-patch+json")
            #expect(scaled.body["spec"] == ["replicas": 5])
            #expect(server.object(Fixture.mcpServers, namespace: "default", name: "s")?["spec"]?["replicas"] == 5)
        }
    }

    @Test func finalizersAndGarbageCollectionOverHTTP() async throws {
        try await http.withServer { server in
            var owner = Fixture.mcpServer("s")
            owner.setMetadata("finalizers", ["mcpoperator.io/cleanup"])
            owner = try await http.send(server, "POST", servers, body: owner).body
            var child = Fixture.configMap("child")
            child.setMetadata("ownerReferences", [Fixture.ownerReference(to: owner)])
            _ = try await http.send(server, "POST", "/api/v1/namespaces/default/configmaps", body: child)

            let deleting = try await http.send(server, "DELETE", servers + "/s", body: ["kind": "DeleteOptions", "propagationPolicy": "Background"])
            #expect(deleting.status == 200)
            #expect(deleting.body["metadata"]?["deletionTimestamp"] != nil)
            #expect(server.object(BuiltinTypes.configMaps, namespace: "default", name: "child") != nil)

            var released = deleting.body
            released.setMetadata("finalizers", nil)
            let removed = try await http.send(server, "PUT", servers + "/s", body: released)
            #expect(removed.status == 200)
            #expect(server.object(Fixture.mcpServers, namespace: "default", name: "s") == nil)
            #expect(server.object(BuiltinTypes.configMaps, namespace: "default", name: "child") == nil)
            let gone = try await http.send(server, "DELETE", servers + "/s")
            #expect(gone.status == 404)
        }
    }

    @Test func deleteCollectionDeletesWhatTheSelectorMatches() async throws {
        try await http.withServer { server in
            server.seed(BuiltinTypes.configMaps, Fixture.configMap("a", labels: ["app": "x"]))
            server.seed(BuiltinTypes.configMaps, Fixture.configMap("b", labels: ["app": "y"]))
            let reply = try await http.send(server, "DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dx")
            #expect(reply.status == 200)
            #expect(reply.body["items"]?.arrayValue?.map(\.metadataName) == ["a"])
            #expect(server.objects(BuiltinTypes.configMaps).map(\.metadataName) == ["b"])
        }
    }

    @Test func discoveryListsTheServedTypes() async throws {
        try await http.withServer { server in
            let groups = try await http.send(server, "GET", "/apis").body
            let names = (groups["groups"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names.contains("apps"))
            #expect(names.contains("mcpoperator.io"))
            let resources = try await http.send(server, "GET", "/apis/mcpoperator.io/v1alpha1").body
            let plurals = (resources["resources"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(plurals == ["mcpservers", "mcpservers/status", "mcpservers/scale"])
            #expect(try await http.send(server, "GET", "/api").body["versions"] == ["v1"])
        }
    }

    @Test func aBearerTokenIsRequiredWhenConfigured() async throws {
        try await http.withServer(.init(bearerToken: "secret")) { server in
            let denied = try await http.send(server, "GET", "/api/v1/namespaces")
            #expect(denied.status == 401)
            #expect(denied.body["reason"] == "Unauthorized")
        }
    }

    @Test func injectedGarbageReachesTheNextWatch() async throws {
        try await http.withServer { server in
            server.injectWatchGarbage("this is not json")
            let connection = try RawHTTPConnection(port: server.port)
            try connection.get("/api/v1/namespaces/default/configmaps?watch=true")
            #expect(await connection.nextLine() == "this is not json")
        }
    }
}
