import ControllerRuntime
import Foundation
import KubeClient
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import Testing
import TestPolling

/// MCPPolicy → ConfigMap → every running gateway, through the operator's controllers, the fake API
/// server and real gateways.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PolicyOperatorTests {
    static func server(replicas: Int) -> MCPServer {
        MCPServer(metadata: ObjectMeta(name: "files", namespace: "default", labels: ["app": "files"]), spec: MCPServerSpec(
            image: "example.com/files:1", command: ["node", "server.js"], replicas: replicas))
    }

    /// A fleet of `count` gateways behind server `files` (pods files-0...), a policy `base`
    /// selecting it with `spec`, all acked.
    static func withCluster(gateways count: Int, spec: PolicyDocument = GatewayFleet.allowAll,
                            _ body: (PolicyOperatorHarness, GatewayFleet) async throws -> Void) async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(count)
        let h = try await PolicyOperatorHarness()
        do {
            try await h.createAdminSecret(server: "files")
            _ = try await h.client.create(MCPPolicy(metadata: ObjectMeta(name: "base", namespace: "default"), spec: spec.selecting(app: "files")))
            _ = try await h.client.create(server(replicas: count))
            for index in 0..<count { try h.createPod("files-\(index)", server: "files", adminPort: fleet[index].adminPort) }
            await eventually("every replica acks the first version") {
                h.condition("PolicyApplied", server: "files")?.status == "True"
            }
            try await body(h, fleet)
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test func aChangeReachesEveryGatewayWhichEnforcesItAndStatusSaysSo() async throws {
        try await Self.withCluster(gateways: 3) { h, fleet in
            #expect(try await fleet.echoAllowed(1))
            try await h.updatePolicy("base", GatewayFleet.denyAll.selecting(app: "files"))
            let version = GatewayFleet.denyAll.version
            await eventually("every replica acks the change") {
                let status = h.mcpServer("files")?.status?.policy
                return status?.desiredVersion == version && status?.replicas?.count == 3
                    && status?.replicas?.allSatisfy { $0.version == version } == true
            }
            for index in 0..<3 {
                #expect(try await fleet.enforcedVersion(index) == version)
                #expect(try await !fleet.echoAllowed(index), "gateway \(index) denies what the policy denies")
            }
            let applied = try #require(h.condition("PolicyApplied", server: "files"))
            #expect(applied.status == "True")
            #expect(applied.message == "3/3 replicas at \(PolicyRelease.short(version))")
            #expect(h.mcpServer("files")?.status?.policy?.replicas?.allSatisfy { $0.ackedAt != nil && $0.lastError == nil } == true)
            let configMap = try #require(h.api.object(ConfigMap.resourceType, namespace: "default", name: "files-policy"))
            #expect(configMap[path: ["metadata", "annotations", "mcpoperator.io/policy-version"]]?.stringValue == version)
            await eventually("the policy's status counts the server acked") {
                let status = h.mcpPolicy("base")?.status
                return status?.version == version && status?.serversTargeted == 1 && status?.serversAcked == 1
                    && status?.lastPropagationTime != nil
                    && status?.conditions?.first { $0.type == "Propagated" }?.status == "True"
            }
        }
    }

    @Test func anInvalidPolicyChangesNothingAnywhereAndStatusSaysWhy() async throws {
        try await Self.withCluster(gateways: 2) { h, fleet in
            await h.settle()
            let before = GatewayFleet.allowAll.version
            let configMapBefore = h.api.object(ConfigMap.resourceType, namespace: "default", name: "files-policy")
            var invalid = GatewayFleet.denyAll.selecting(app: "files")
            invalid.network = PolicyDocument.Network(denyCIDRs: ["10.0.0.0/99"])
            try await h.updatePolicy("base", invalid)
            await eventually("the policy is marked invalid") {
                h.policyCondition("Valid", policy: "base")?.status == "False"
            }
            let valid = try #require(h.policyCondition("Valid", policy: "base"))
            #expect(valid.reason == "InvalidPolicy")
            #expect(valid.message?.contains("spec.network.denyCIDRs[0]") == true, "\(valid.message ?? "")")
            await eventually("the server says why nothing was pushed") {
                h.condition("PolicyApplied", server: "files")?.reason == "InvalidPolicy"
            }
            #expect(h.condition("PolicyApplied", server: "files")?.message?.contains("MCPPolicy base is invalid") == true)
            await h.settle()
            for index in 0..<2 { #expect(try await fleet.enforcedVersion(index) == before) }
            #expect(try await fleet.echoAllowed(0))
            let configMapAfter = h.api.object(ConfigMap.resourceType, namespace: "default", name: "files-policy")
            #expect(configMapAfter?["data"] == configMapBefore?["data"], "the ConfigMap keeps the last good policy")
        }
    }

    @Test func aGatewayDownDuringAChangeLagsAndCatchesUpWhenItReturns() async throws {
        try await Self.withCluster(gateways: 3) { h, fleet in
            fleet.stop(2)
            try await h.updatePolicy("base", GatewayFleet.denyAll.selecting(app: "files"))
            let version = GatewayFleet.denyAll.version
            await eventually("two replicas ack and the third shows lagging") {
                let replicas = h.mcpServer("files")?.status?.policy?.replicas ?? []
                return replicas.filter { $0.version == version }.count == 2
                    && replicas.first { $0.name == "files-2" }?.lastError?.contains("cannot reach") == true
            }
            let applied = try #require(h.condition("PolicyApplied", server: "files"))
            #expect(applied.status == "False")
            #expect(applied.reason == "Propagating")
            #expect(applied.message?.hasPrefix("2/3 replicas at") == true, "\(applied.message ?? "")")
            for index in 0..<2 { #expect(try await fleet.enforcedVersion(index) == version) }
            try await fleet.restart(2)
            await eventually("the returning gateway catches up") {
                h.condition("PolicyApplied", server: "files")?.message == "3/3 replicas at \(PolicyRelease.short(version))"
            }
            #expect(try await fleet.enforcedVersion(2) == version)
            #expect(h.mcpServer("files")?.status?.policy?.replicas?.first { $0.name == "files-2" }?.lastError == nil)
        }
    }

    @Test func aNewReplicaIsBroughtToTheCurrentVersionWithoutAPolicyChange() async throws {
        try await Self.withCluster(gateways: 2, spec: GatewayFleet.denyAll) { h, fleet in
            let version = GatewayFleet.denyAll.version
            try await fleet.start(1)  // boots with the allow-all file
            #expect(try await fleet.enforcedVersion(2) == GatewayFleet.allowAll.version)
            try h.createPod("files-2", server: "files", adminPort: fleet[2].adminPort)
            try await eventually("the new replica enforces the current version") {
                try await fleet.enforcedVersion(2) == version
            }
            await eventually("status lists it") {
                h.condition("PolicyApplied", server: "files")?.message == "3/3 replicas at \(PolicyRelease.short(version))"
            }
            #expect(try await !fleet.echoAllowed(2))
        }
    }

    @Test func anUnchangedPolicyMeansNoPushAndNoStatusWrite() async throws {
        try await Self.withCluster(gateways: 2) { h, _ in
            await h.settle()
            let pushes = await h.policy.pusher.pushesSent
            h.api.clearRequests()
            let key = ObjectKey(namespace: "default", name: "files")
            #expect(try await h.policy.distributionReconciler.reconcile(key) == .done)
            h.policy.distribution.enqueueAll()
            h.policy.policies.enqueueAll()
            // A metadata-only touch of the policy (an annotation) is not a change either.
            try await h.client.update(MCPPolicy.self, name: "base", namespace: "default") {
                $0.metadata.annotations = ["note": "touched"]
            }
            await h.settle()
            let writes = h.api.writes.filter { !($0.path.contains("/mcppolicies/base") && $0.method == "PUT" && !$0.path.hasSuffix("/status")) }
            #expect(writes.isEmpty, "writes: \(writes.map { "\($0.method) \($0.path)" })")
            #expect(await h.policy.pusher.pushesSent == pushes)
        }
    }
}
