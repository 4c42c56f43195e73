import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import PolicyDistribution
import PolicyEngine
import Testing

@testable import LocalMode

/// An MCPPolicy's status in local mode, purely: version, servers targeted and fully acked, last
/// propagation, conditions; stable when nothing changed.
@Suite struct LocalPolicyStatusTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func policy(_ name: String, _ spec: PolicyDocument, generation: Int64 = 1) -> MCPPolicy {
        var metadata = ObjectMeta(name: name, namespace: "default")
        metadata.generation = generation
        return MCPPolicy(metadata: metadata, spec: spec)
    }

    static func server(_ name: String, replicas: Int, refs: [String]) -> MCPServer {
        MCPServer(metadata: ObjectMeta(name: name, namespace: "default"),
                  spec: MCPServerSpec(image: "mcp-operator/sample-posts:dev", replicas: replicas, policyRefs: refs))
    }

    static let open = PolicyDocument(defaultAction: .allow)

    func desired(_ server: MCPServer, _ policies: [MCPPolicy]) throws -> String {
        PolicyRelease(try LocalPolicyResolver.document(for: server, policies: policies).get()).version
    }

    func ack(_ server: String, _ replica: String, _ version: String, at seconds: Double) -> PolicyAckRecord {
        PolicyAckRecord(namespace: "default", server: server, replica: replica, version: version, at: start.addingTimeInterval(seconds))
    }

    func condition(_ status: MCPPolicyStatus, _ type: String) -> Condition? { status.conditions?.first { $0.type == type } }

    @Test func countsTargetedAndFullyAckedServersAndIsStableWhenNothingChanged() throws {
        let policy = Self.policy("open", Self.open)
        let a = Self.server("a", replicas: 2, refs: ["open"])
        let b = Self.server("b", replicas: 1, refs: ["open"])
        let other = Self.server("other", replicas: 1, refs: ["strict"])
        let strict = Self.policy("strict", PolicyDocument(defaultAction: .deny))
        let policies = [policy, strict]
        let version = try desired(a, policies)
        let servers = [
            LocalPolicyStatus.ServerAcks(server: a, acks: [ack("a", "a-0", version, at: 10), ack("a", "a-1", version, at: 12)]),
            LocalPolicyStatus.ServerAcks(server: b, acks: [ack("b", "b-0", "sha256:old", at: 11)]),
            LocalPolicyStatus.ServerAcks(server: other, acks: [ack("other", "other-0", try desired(other, policies), at: 30)]),
        ]
        let first = LocalPolicyStatus.status(of: policy, servers: servers, policies: policies, now: start.addingTimeInterval(20))
        var own = Self.open
        own.serverSelector = nil
        #expect(first.version == PolicyRelease(own).version)
        #expect(first.observedGeneration == 1)
        #expect(first.serversTargeted == 2, "the server naming another policy is not targeted")
        #expect(first.serversAcked == 1, "b's only gateway enforces an older version")
        #expect(first.lastPropagationTime == LocalStateStore.timestamp(start.addingTimeInterval(12)), "a's last replica acked at +12 s")
        #expect(condition(first, "Valid")?.status == "True")
        let propagating = try #require(condition(first, "Propagated"))
        #expect(propagating.status == "False")
        #expect(propagating.reason == "Propagating")
        #expect(propagating.message?.contains("1/2") == true && propagating.message?.contains("default/b") == true, "\(propagating.message ?? "")")

        // Recomputed later with nothing changed: the same status, so the store is not written.
        let again = LocalPolicyStatus.status(of: Self.policy("open", Self.open).withStatus(first), servers: servers, policies: policies,
                                             now: start.addingTimeInterval(60))
        #expect(again == first)

        // One replica of a two-replica server is not enough.
        let half = [LocalPolicyStatus.ServerAcks(server: a, acks: [ack("a", "a-0", version, at: 10)])]
        #expect(LocalPolicyStatus.status(of: policy, servers: half, policies: policies, now: start).serversAcked == 0)

        // b catches up: every server acked, Propagated, and the propagation time moves on.
        var caughtUp = servers
        caughtUp[1].acks = [ack("b", "b-0", try desired(b, policies), at: 40)]
        let done = LocalPolicyStatus.status(of: policy.withStatus(first), servers: caughtUp, policies: policies, now: start.addingTimeInterval(41))
        #expect(done.serversAcked == 2)
        #expect(done.lastPropagationTime == LocalStateStore.timestamp(start.addingTimeInterval(40)))
        let propagated = try #require(condition(done, "Propagated"))
        #expect(propagated.status == "True")
        #expect(propagated.reason == "Propagated")
        #expect(condition(done, "Valid")?.lastTransitionTime == condition(first, "Valid")?.lastTransitionTime, "Valid did not flip")
    }

    @Test func invalidPoliciesNamedFeedsAndNoServersAreConditions() throws {
        let broken = Self.policy("broken", PolicyDocument(defaultAction: .deny, network: PolicyDocument.Network(denyCIDRs: ["10.0.0.0/99"])))
        let server = Self.server("a", replicas: 1, refs: ["broken"])
        let invalid = LocalPolicyStatus.status(of: broken, servers: [.init(server: server, acks: [])], policies: [broken], now: start)
        #expect(invalid.version == nil)
        #expect(condition(invalid, "Valid")?.status == "False")
        #expect(condition(invalid, "Valid")?.message?.contains("spec.network.denyCIDRs[0]") == true)
        #expect(condition(invalid, "Propagated")?.reason == "InvalidPolicy")
        #expect(invalid.serversTargeted == 1 && invalid.serversAcked == 0)

        var spec = Self.open
        spec.threatIntel = PolicyDocument.ThreatIntel(feeds: [try JSONValue.object(["name": "drop", "url": "https://feeds.example.com/drop.txt"])
            .decode(as: PolicyDocument.Feed.self)])
        let withFeeds = Self.policy("feeds", spec)
        let lonely = LocalPolicyStatus.status(of: withFeeds, servers: [], policies: [withFeeds], now: start)
        #expect(lonely.serversTargeted == 0)
        #expect(lonely.lastPropagationTime == nil)
        #expect(condition(lonely, "Propagated")?.reason == "NoServersSelected")
        let feeds = try #require(condition(lonely, "FeedsReady"))
        #expect(feeds.status == "False")
        #expect(feeds.message?.contains("drop: " + LocalPolicyStatus.feedsNotLoaded) == true, "\(feeds.message ?? "")")
    }
}

extension MCPPolicy {
    func withStatus(_ status: MCPPolicyStatus) -> MCPPolicy {
        var copy = self
        copy.status = status
        return copy
    }
}
