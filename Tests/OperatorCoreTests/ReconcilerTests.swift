import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
import OperatorCore
import Testing
import TestPolling

@Suite(.serialized, .timeLimit(.minutes(1))) struct ReconcilerTests {
    @Test func createMakesEveryChildAndWritesStatus() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.policy("base"))
            try await h.create(Fixtures.stdioServer(replicas: 2, plugins: [Fixtures.plugin], policyRefs: ["base"]))
            await eventually("the Deployment") { h.deployment("files") != nil }
            await eventually("the status") { h.mcpServer("files")?.status?.observedGeneration == 1 }
            await h.settle()
            let uid = try #require(h.mcpServer("files")?.metadata.uid)
            for (type, name) in [(ServiceAccount.resourceType, "files"), (Secret.resourceType, "files-gateway-admin"),
                                 (ConfigMap.resourceType, "files-policy"), (Deployment.resourceType, "files"),
                                 (Service.resourceType, "files"), (NetworkPolicy.resourceType, "files-server"),
                                 (NetworkPolicy.resourceType, "files-plugin-search"), (Deployment.resourceType, "files-plugin-search"),
                                 (Service.resourceType, "files-plugin-search"), (PodDisruptionBudget.resourceType, "files")] {
                let object = try #require(h.server.object(type, namespace: "default", name: name), "\(type) \(name)")
                #expect(object[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"]?.stringValue == uid)
                #expect(object[path: ["metadata", "labels", "app.kubernetes.io/managed-by"]] == "mcp-operator")
            }
            let token = try #require(h.server.object(Secret.resourceType, namespace: "default", name: "files-gateway-admin")?[path: ["data", "token"]]?.stringValue)
            #expect(Data(base64Encoded: token)?.count == 64)
            #expect(h.deployment("files")?.spec?.replicas == 2)
            let status = try #require(h.mcpServer("files")?.status)
            #expect(status.endpoint == "http://files.default.svc.cluster.local:8080/mcp")
            #expect(status.selector?.contains("app.kubernetes.io/instance=files") == true)
            #expect(status.policy?.desiredVersion?.hasPrefix("sha256:") == true)
            #expect(status.conditions?.first { $0.type == "Ready" }?.status == "False")
            #expect(status.conditions?.first { $0.type == "Degraded" }?.status == "False")
            let events = h.server.objects(Event.resourceType)
            #expect(events.contains { $0["reason"] == "Created" })
        }
    }

    @Test func anUnchangedServerReconcilesWithoutAnyRequest() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer(plugins: [Fixtures.plugin]))
            await eventually("the status") { h.mcpServer("files")?.status?.observedGeneration == 1 }
            await h.settle()
            h.server.clearRequests()
            let result = try await h.operatorController.reconciler.reconcile(ObjectKey(namespace: "default", name: "files"))
            #expect(result == .done)
            #expect(h.server.requests.isEmpty, "requests: \(h.server.requests.map { "\($0.method) \($0.path)" })")
            h.operatorController.controller.enqueueAll()
            try await Task.sleep(for: .milliseconds(300))
            #expect(h.server.writes.isEmpty)
        }
    }

    @Test func specChangesAndEditsByOthersAreCorrected() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer())
            await eventually("the Deployment") { h.deployment("files") != nil }
            await h.settle()
            // A spec change.
            try await h.updateServer("files") { $0.spec.image = "example.com/files:2" }
            await eventually("the new image") { h.deployment("files")?.spec?.template.spec?.containers.first?.image == "example.com/files:2" }
            // Another manager changes the image with a PUT.
            try await h.client.update(Deployment.self, name: "files", namespace: "default") {
                $0.spec?.template.spec?.containers[0].image = "evil.example.com/x:1"
            }
            await eventually("the edit reverted") { h.deployment("files")?.spec?.template.spec?.containers.first?.image == "example.com/files:2" }
            // A deleted child comes back.
            try await h.client.delete(Service.self, name: "files", namespace: "default")
            await eventually("the Service recreated") { h.server.object(Service.resourceType, namespace: "default", name: "files") != nil }
        }
    }

    @Test func theScaleSubresourceDrivesTheDeploymentAndHPAModeNeverWritesReplicas() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer())
            await eventually("the Deployment") { h.deployment("files")?.spec?.replicas == 1 }
            _ = try await h.client.scale(MCPServer.resourceType, name: "files", namespace: "default", replicas: 3)
            await eventually("three replicas") { h.deployment("files")?.spec?.replicas == 3 }
            await eventually("a PDB") { h.server.object(PodDisruptionBudget.resourceType, namespace: "default", name: "files") != nil }

            try await h.updateServer("files") { $0.spec.autoscaling = .init(minReplicas: 2, maxReplicas: 6) }
            await eventually("an HPA") { h.server.object(HorizontalPodAutoscaler.resourceType, namespace: "default", name: "files") != nil }
            await h.settle()
            // Letting go of replicas must not drop them (server-side apply removes a field its
            // only manager stops applying): the count stays until the HPA changes it.
            #expect(h.deployment("files")?.spec?.replicas == 3)
            // The HPA scales the Deployment; the operator leaves replicas alone from now on.
            _ = try await h.client.scale(Deployment.resourceType, name: "files", namespace: "default", replicas: 5)
            h.server.clearRequests()
            try await h.updateServer("files") { $0.spec.image = "example.com/files:3" }
            await eventually("the rollout") { h.deployment("files")?.spec?.template.spec?.containers.first?.image == "example.com/files:3" }
            await h.settle()
            #expect(h.deployment("files")?.spec?.replicas == 5)
            let applies = h.server.writes.filter { $0.path.hasSuffix("/deployments/files") }
            #expect(!applies.isEmpty)
            for apply in applies {
                let body = try JSONValue(parsing: apply.body ?? Data())
                #expect(body[path: ["spec", "replicas"]] == nil)
            }
            // Autoscaling off: the HPA goes.
            try await h.updateServer("files") {
                $0.spec.autoscaling = nil
                $0.spec.replicas = 1
            }
            await eventually("the HPA deleted") { h.server.object(HorizontalPodAutoscaler.resourceType, namespace: "default", name: "files") == nil }
            await eventually("the PDB deleted") { h.server.object(PodDisruptionBudget.resourceType, namespace: "default", name: "files") == nil }
        }
    }

    @Test func deletingTheServerDeletesTheChildrenThroughOwnerReferences() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer(plugins: [Fixtures.plugin]))
            await eventually("the plugin") { h.deployment("files-plugin-search") != nil }
            await h.settle()
            try await h.client.delete(MCPServer.self, name: "files", namespace: "default")
            await eventually("children gone") {
                h.server.objects(Deployment.resourceType).isEmpty && h.server.objects(ConfigMap.resourceType).isEmpty
                    && h.server.objects(Secret.resourceType).isEmpty && h.server.objects(NetworkPolicy.resourceType).isEmpty
            }
        }
    }

    @Test func aConflictIsRetried() async throws {
        try await OperatorHarness.with { h in
            h.server.injectFailures(count: 2, status: 409) { $0.method == "PATCH" && $0.path.hasSuffix("/deployments/files") }
            try await h.create(Fixtures.stdioServer())
            await eventually("the Deployment after retries") { h.deployment("files") != nil }
            await eventually("not degraded") { h.condition("Degraded", of: "files")?.status == "False" }
        }
    }

    @Test func aMissingPolicyDegradesOnlyItsServer() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer("broken", policyRefs: ["missing"]))
            try await h.create(Fixtures.stdioServer("fine"))
            await eventually("PolicyNotFound") { h.condition("Degraded", of: "broken")?.reason == "PolicyNotFound" }
            #expect(h.condition("Degraded", of: "broken")?.message?.contains("missing") == true)
            await eventually("the other server") { h.deployment("fine") != nil }
            #expect(h.deployment("broken") == nil)
            await eventually("a warning event") { h.server.objects(Event.resourceType).contains { $0["reason"] == "PolicyNotFound" } }
            // The policy appears: the server recovers.
            try await h.create(Fixtures.policy("missing"))
            await eventually("recovered") { h.deployment("broken") != nil && h.condition("Degraded", of: "broken")?.status == "False" }
        }
    }

    @Test func readinessFollowsTheDeploymentAndPodProblemsShow() async throws {
        try await OperatorHarness.with { h in
            try await h.create(Fixtures.stdioServer())
            await eventually("the Deployment") { h.deployment("files") != nil }
            await h.settle()
            try h.server.modify(Deployment.resourceType, namespace: "default", name: "files") { object in
                object["status"] = ["observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1]
            }
            await eventually("Ready") { h.condition("Ready", of: "files")?.status == "True" }
            #expect(h.mcpServer("files")?.status?.readyReplicas == 1)
            let pod: JSONValue = [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": "files-abc", "namespace": "default",
                             "labels": ["app.kubernetes.io/managed-by": "mcp-operator", "mcpoperator.io/server": "files"]],
                "spec": ["containers": [["name": "server", "image": "example.com/files:1"]]],
                "status": ["containerStatuses": [["name": "server", "ready": false, "restartCount": 0,
                                                  "state": ["waiting": ["reason": "ImagePullBackOff", "message": "not found"]]]]],
            ]
            h.server.seed(Pod.resourceType, pod)
            try h.server.modify(Pod.resourceType, namespace: "default", name: "files-abc") { $0 = pod }
            await eventually("ImagePullBackOff") { h.condition("Degraded", of: "files")?.reason == "ImagePullBackOff" }
        }
    }
}
