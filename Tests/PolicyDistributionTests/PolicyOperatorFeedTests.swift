import Foundation
import KubeClient
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import Testing
import TestPolling

/// A feed resolver whose content the test changes and announces.
final class ScriptedFeeds: ThreatFeedResolving, @unchecked Sendable {
    private let lock = NSLock()
    private var blocks: [String]
    private let changes: AsyncStream<FeedIdentity>
    private let continuation: AsyncStream<FeedIdentity>.Continuation

    init(blocks: [String]) {
        self.blocks = blocks
        (changes, continuation) = AsyncStream.makeStream(of: FeedIdentity.self)
    }

    /// Sets the feed's blocks and announces a content change of `identity`.
    func update(_ blocks: [String], announcing identity: FeedIdentity) {
        lock.withLock { self.blocks = blocks }
        continuation.yield(identity)
    }

    func resolve(_ feeds: [PolicyDocument.Feed], namespace: String) async -> FeedResolution {
        lock.withLock { FeedResolution(denyCIDRs: blocks) }
    }

    func contentChanges() -> AsyncStream<FeedIdentity> { changes }

    private var retained: Set<FeedIdentity>?

    func retainOnly(_ inUse: Set<FeedIdentity>) async { lock.withLock { retained = inUse } }

    /// What the last `retainOnly` kept; nil before the first.
    var lastRetained: Set<FeedIdentity>? { lock.withLock { retained } }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct PolicyOperatorFeedTests {
    @Test func aFeedUpdateIsPushedAsANewVersionAndAnUnchangedFeedIsNot() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(2)
        let feeds = ScriptedFeeds(blocks: ["192.0.2.0/24"])
        let h = try await PolicyOperatorHarness(feeds: feeds)
        do {
            let url = "https://feeds.example.com/drop.txt"
            var spec = GatewayFleet.allowAll.selecting(app: "files")
            spec.threatIntel = PolicyDocument.ThreatIntel(feeds: [PolicyDocument.Feed(name: "drop", url: url)])
            try await h.createAdminSecret(server: "files")
            _ = try await h.client.create(MCPPolicy(metadata: ObjectMeta(name: "intel", namespace: "default"), spec: spec))
            _ = try await h.client.create(MCPServer(metadata: ObjectMeta(name: "files", namespace: "default", labels: ["app": "files"]),
                                                    spec: MCPServerSpec(image: "example.com/files:1", command: ["x"], replicas: 2)))
            for index in 0..<2 { try h.createPod("files-\(index)", server: "files", adminPort: fleet[index].adminPort) }

            func expected(_ blocks: [String]) -> String {
                var document = GatewayFleet.allowAll
                document.threatIntel = PolicyDocument.ThreatIntel(denyCIDRs: blocks, feeds: spec.threatIntel?.feeds)
                return document.version
            }
            let first = expected(["192.0.2.0/24"])
            try await eventually("the feed's blocks are enforced") {
                let zero = try await fleet.enforcedVersion(0)
                let one = try await fleet.enforcedVersion(1)
                return zero == first && one == first
            }
            await h.settle()
            let configMap = h.api.object(ConfigMap.resourceType, namespace: "default", name: "files-policy")
            #expect(configMap?[path: ["metadata", "annotations", "mcpoperator.io/policy-version"]]?.stringValue == first,
                    "the ConfigMap and the pushes agree")

            // Unchanged content, announced: no push, no write.
            let pushes = await h.policy.pusher.pushesSent
            h.api.clearRequests()
            feeds.update(["192.0.2.0/24"], announcing: .url(url))
            await h.settle()
            #expect(await h.policy.pusher.pushesSent == pushes)
            #expect(h.api.writes.isEmpty, "writes: \(h.api.writes.map { "\($0.method) \($0.path)" })")

            // New content: a new version reaches every gateway.
            feeds.update(["192.0.2.0/24", "203.0.113.0/24"], announcing: .url(url))
            let second = expected(["192.0.2.0/24", "203.0.113.0/24"])
            try await eventually("the new blocks are enforced") {
                let zero = try await fleet.enforcedVersion(0)
                let one = try await fleet.enforcedVersion(1)
                return zero == second && one == second
            }
            await eventually("status records it") { h.mcpServer("files")?.status?.policy?.desiredVersion == second }
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test func aFeedNoPolicyNamesAnyMoreIsDroppedFromTheCache() async throws {
        let feeds = ScriptedFeeds(blocks: ["192.0.2.0/24"])
        let h = try await PolicyOperatorHarness(feeds: feeds)
        do {
            let kept = "https://feeds.example.com/kept.txt"
            let dropped = "https://feeds.example.com/dropped.txt"
            func policy(_ name: String, feed url: String) -> MCPPolicy {
                var spec = GatewayFleet.allowAll.selecting(app: "files")
                spec.threatIntel = PolicyDocument.ThreatIntel(feeds: [PolicyDocument.Feed(name: name, url: url)])
                return MCPPolicy(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
            }
            _ = try await h.client.create(policy("stays", feed: kept))
            _ = try await h.client.create(policy("goes", feed: dropped))
            await eventually("both feeds are in use") { feeds.lastRetained == [.url(kept), .url(dropped)] }
            try await h.client.delete(MCPPolicy.self, name: "goes", namespace: "default")
            await eventually("the deleted policy's feed is no longer retained") { feeds.lastRetained == [.url(kept)] }
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}
