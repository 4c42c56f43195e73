import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import Testing

@Suite struct StoreTests {
    @Test func createdThenUnchangedWithoutAnyWrite() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let first = try store.apply(serverJSON("posts"), source: "posts.yaml")
        #expect(first.outcome == .created)
        #expect(first.line == "mcpserver.mcpoperator.io/posts created")
        let counter = try store.changeCounter()
        let stored = try #require(try store.get(.server, namespace: "default", name: "posts"))
        #expect(stored.generation == 1)
        #expect(stored.resourceVersion == counter)
        #expect(!stored.uid.isEmpty)

        let again = try store.apply(serverJSON("posts"), source: "posts.yaml")
        #expect(again.outcome == .unchanged)
        #expect(try store.changeCounter() == counter)
        #expect(try store.get(.server, namespace: "default", name: "posts") == stored)
    }

    @Test func generationBumpsOnSpecChangesOnly() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try store.apply(serverJSON("posts"), source: "a")
        let labelled = try store.apply(serverJSON("posts", labels: ["team": "blue"]), source: "a")
        #expect(labelled.outcome == .configured)
        let afterLabels = try #require(try store.get(.server, namespace: "default", name: "posts"))
        #expect(afterLabels.generation == 1)
        #expect(afterLabels.resourceVersion > 1)
        #expect(afterLabels.object[path: ["metadata", "labels", "team"]] == "blue")

        let scaled = try store.apply(serverJSON("posts", replicas: 3, labels: ["team": "blue"]), source: "a")
        #expect(scaled.outcome == .configured)
        #expect(scaled.generation == 2)
        let afterSpec = try #require(try store.get(.server, namespace: "default", name: "posts"))
        #expect(afterSpec.generation == 2)
        #expect(afterSpec.resourceVersion > afterLabels.resourceVersion)
        #expect(try afterSpec.server().spec.replicas == 3)
    }

    @Test func statusWritesKeepTheGenerationAndSkipEqualStatus() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try store.apply(serverJSON("posts"), source: "a")
        let status = try JSONValue(encoding: MCPServerStatus(observedGeneration: 1, readyReplicas: 1, endpoint: "http://127.0.0.1:8080/mcp"))
        #expect(try store.writeStatus(.server, namespace: "default", name: "posts", status: status))
        let counter = try store.changeCounter()
        #expect(try store.writeStatus(.server, namespace: "default", name: "posts", status: status) == false)
        #expect(try store.changeCounter() == counter)
        let stored = try #require(try store.get(.server, namespace: "default", name: "posts"))
        #expect(stored.generation == 1)
        #expect(stored.resourceVersion == counter)
        #expect(try stored.server().status?.endpoint == "http://127.0.0.1:8080/mcp")
        // Re-applying the same spec neither touches status nor writes.
        #expect(try store.apply(serverJSON("posts"), source: "a").outcome == .unchanged)
        #expect(try store.get(.server, namespace: "default", name: "posts")?.status == status)
        #expect(throws: LocalStoreError.self) {
            try store.writeStatus(.server, namespace: "default", name: "missing", status: status)
        }
    }

    @Test func defaultsAreWrittenOutAsTheCRDDoes() throws {
        let fixture = try TemporaryStore()
        try fixture.store.apply(serverJSON("posts"), source: "a")
        let server = try #require(try fixture.store.get(.server, namespace: "default", name: "posts")).server()
        #expect(server.spec.transport == .stdio)
        #expect(server.spec.replicas == 1)
        #expect(server.spec.sessionAffinity == MCPServerSpec.SessionAffinity.none)
        #expect(server.metadata.namespace == "default")
        #expect(server.metadata.generation == 1)
    }

    @Test func deletionIsRequestedThenRemovedAndRecreatedWithANewUID() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try store.apply(serverJSON("posts"), source: "a")
        let uid = try #require(try store.get(.server, namespace: "default", name: "posts")).uid
        #expect(try store.requestDeletion(.server, namespace: "default", name: "posts"))
        let marked = try #require(try store.get(.server, namespace: "default", name: "posts"))
        #expect(marked.deletionRequested)
        #expect(marked.object[path: ["metadata", "deletionTimestamp"]] != nil)
        let counter = try store.changeCounter()
        #expect(try store.requestDeletion(.server, namespace: "default", name: "posts"))
        #expect(try store.changeCounter() == counter)
        #expect(throws: LocalStoreError.self) { try store.apply(serverJSON("posts"), source: "a") }
        #expect(try store.requestDeletion(.server, namespace: "default", name: "other") == false)

        try store.remove(.server, namespace: "default", name: "posts")
        #expect(try store.get(.server, namespace: "default", name: "posts") == nil)
        #expect(try store.changeCounter() > counter)
        let recreated = try store.apply(serverJSON("posts"), source: "a")
        #expect(recreated.outcome == .created)
        #expect(try store.get(.server, namespace: "default", name: "posts")?.uid != uid)
    }

    @Test func listsByNamespaceInNameOrder() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        for (name, namespace) in [("b", "default"), ("a", "default"), ("c", "team")] {
            try store.apply(serverJSON(name, namespace: namespace), source: "a")
        }
        #expect(try store.list(.server, namespace: "default").map(\.name) == ["a", "b"])
        #expect(try store.list(.server, namespace: nil).map { "\($0.namespace)/\($0.name)" } == ["default/a", "default/b", "team/c"])
        #expect(try store.list(.policy, namespace: nil).isEmpty)
    }

    @Test func anInvalidObjectFailsTheWholeApply() throws {
        let fixture = try TemporaryStore()
        let text = """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: good
        spec:
          image: mcp-operator/sample-posts:dev
        ---
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: bad
        spec:
          image: mcp-operator/sample-posts:dev
          plugins:
          - name: text
            image: mcp-operator/sample-text:dev
            port: 70000
        """
        let manifests = try LocalManifest.read(text: text, file: "servers.yaml")
        let problems = validationProblems { _ = try fixture.store.apply(manifests) }
        #expect(problems == ["servers.yaml:17:5: spec.plugins[0].port: must be between 1 and 65535 (MCPServer default/bad)"])
        #expect(try fixture.store.list(.server, namespace: nil).isEmpty)
        #expect(try fixture.store.changeCounter() == 0)
    }

    @Test func policyAcksAreRecordedOncePerChangeAndGoWithTheirServer() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try store.apply(serverJSON("posts"), source: "a")
        let ack = PolicyAckRecord(namespace: "default", server: "posts", replica: "mcp-posts-0", version: "sha256:aa", sha256: "aa",
                                  at: Date(timeIntervalSince1970: 1_000))
        #expect(try store.recordPolicyAck(ack))
        let counter = try store.changeCounter()
        var later = ack
        later.at = Date(timeIntervalSince1970: 2_000)
        #expect(try store.recordPolicyAck(later) == false)
        #expect(try store.changeCounter() == counter)
        var failed = ack
        failed.error = "rejected: invalid regex"
        #expect(try store.recordPolicyAck(failed))
        try store.recordPolicyAck(PolicyAckRecord(namespace: "default", server: "posts", replica: "mcp-posts-1", version: "sha256:aa",
                                                  at: Date(timeIntervalSince1970: 1_000)))
        let acks = try store.policyAcks(namespace: "default", server: "posts")
        #expect(acks.map(\.replica) == ["mcp-posts-0", "mcp-posts-1"])
        #expect(acks[0].error == "rejected: invalid regex")
        #expect(acks[0].at == Date(timeIntervalSince1970: 1_000))

        try store.removePolicyAcks(namespace: "default", server: "posts", keeping: ["mcp-posts-0"])
        #expect(try store.policyAcks(namespace: "default", server: "posts").map(\.replica) == ["mcp-posts-0"])
        try store.requestDeletion(.server, namespace: "default", name: "posts")
        try store.remove(.server, namespace: "default", name: "posts")
        #expect(try store.policyAcks(namespace: "default", server: "posts").isEmpty)
    }

    @Test func repeatedEventsAreFoldedAndDoNotWakeTheController() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try store.apply(serverJSON("posts"), source: "a")
        let counter = try store.changeCounter()
        try store.recordEvent(.server, namespace: "default", name: "posts", type: "Warning", reason: "PluginRestarted", message: "text exited 137")
        try store.recordEvent(.server, namespace: "default", name: "posts", type: "Warning", reason: "PluginRestarted", message: "text exited 137")
        try store.recordEvent(.server, namespace: "default", name: "posts", type: "Normal", reason: "Ready", message: "1/1 replicas ready")
        let events = try store.events(.server, namespace: "default", name: "posts")
        #expect(events.map(\.reason) == ["PluginRestarted", "Ready"])
        #expect(events.map(\.count) == [2, 1])
        #expect(try store.changeCounter() == counter)
    }
}
