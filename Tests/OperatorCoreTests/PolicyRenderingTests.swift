import Foundation
import KubeModel
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import Testing

/// A feed resolver whose blocks and problems the test sets.
final class FakeFeedResolver: ThreatFeedResolving, @unchecked Sendable {
    private let lock = NSLock()
    private var blocks: [String] = []
    private var problems: [FeedProblem] = []
    private(set) var requests: [(feeds: [String], namespace: String)] = []
    let changes: AsyncStream<FeedIdentity>
    private let continuation: AsyncStream<FeedIdentity>.Continuation

    init(blocks: [String] = [], problems: [FeedProblem] = []) {
        self.blocks = blocks
        self.problems = problems
        (changes, continuation) = AsyncStream.makeStream(of: FeedIdentity.self)
    }

    func set(blocks: [String], problems: [FeedProblem] = []) {
        lock.withLock {
            self.blocks = blocks
            self.problems = problems
        }
    }

    func announce(_ identity: FeedIdentity) { continuation.yield(identity) }

    func resolve(_ feeds: [PolicyDocument.Feed], namespace: String) async -> FeedResolution {
        lock.withLock {
            requests.append((feeds.map(\.name), namespace))
            return FeedResolution(denyCIDRs: blocks, problems: problems)
        }
    }

    func contentChanges() -> AsyncStream<FeedIdentity> { changes }

    func retainOnly(_ inUse: Set<FeedIdentity>) async {}
}

struct PolicyRenderingTests {
    static func server(labels: [String: String] = ["app": "files"], refs: [String]? = nil) -> MCPServer {
        MCPServer(metadata: ObjectMeta(name: "files", namespace: "default", labels: labels),
                  spec: MCPServerSpec(image: "example.com/files:1", command: ["x"], policyRefs: refs))
    }

    static func policy(_ name: String, _ spec: PolicyDocument) -> MCPPolicy {
        MCPPolicy(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
    }

    static let feed = PolicyDocument.Feed(name: "drop", url: "https://feeds.example.com/drop.txt")

    @Test func feedBlocksAreMergedIntoTheDenySetAndChangeTheVersion() async throws {
        let feeds = FakeFeedResolver(blocks: ["192.0.2.0/24", "198.51.100.7/32"])
        var spec = PolicyDocument(defaultAction: .deny, threatIntel: PolicyDocument.ThreatIntel(denyCIDRs: ["192.0.2.0/24"], feeds: [Self.feed]))
        spec.serverSelector = PolicyDocument.LabelSelector(matchLabels: ["app": "files"])
        let renderer = PolicyRenderer(feeds: feeds)
        let rendered = try await renderer.render(server: Self.server(), policies: [Self.policy("intel", spec)]).get()
        #expect(rendered.document?.threatIntel?.denyCIDRs == ["192.0.2.0/24", "198.51.100.7/32"])
        #expect(rendered.policies == ["intel"])
        #expect(feeds.requests.first?.feeds == ["drop"])
        #expect(feeds.requests.first?.namespace == "default")
        let without = try await PolicyRenderer().render(server: Self.server(), policies: [Self.policy("intel", spec)]).get()
        #expect(without.document?.threatIntel?.denyCIDRs == ["192.0.2.0/24"])
        #expect(rendered.effectiveDocument.version != without.effectiveDocument.version)
        // Unchanged feed content renders the same version.
        let again = try await renderer.render(server: Self.server(), policies: [Self.policy("intel", spec)]).get()
        #expect(again.effectiveDocument.version == rendered.effectiveDocument.version)
    }

    @Test func feedProblemsAreReportedAndSetTheFeedsCondition() async throws {
        let problem = FeedProblem(feed: "drop", message: "https://feeds.example.com/drop.txt answered 503")
        let feeds = FakeFeedResolver(blocks: [], problems: [problem])
        let policy = Self.policy("intel", PolicyDocument(threatIntel: PolicyDocument.ThreatIntel(feeds: [Self.feed])))
        let own = await PolicyRenderer(feeds: feeds).render(policy: policy)
        #expect(own.feedProblems == [problem])
        let status = PolicyStatusBuilder.policyStatus(.init(policy: policy, version: own.document?.version, issues: own.issues,
                                                            feedProblems: own.feedProblems, servers: [], lastPropagation: nil,
                                                            now: "2026-01-01T00:00:00Z"))
        let condition = try #require(status.conditions?.first { $0.type == "FeedsReady" })
        #expect(condition.status == "False")
        #expect(condition.reason == "FeedUnavailable")
        #expect(condition.message?.contains("drop: https://feeds.example.com/drop.txt answered 503") == true)
    }

    @Test func anInvalidPolicyFailsNamingThePolicyFieldAndReason() async throws {
        var spec = PolicyDocument(defaultAction: .deny, network: PolicyDocument.Network(denyCIDRs: ["10.0.0.0/99"]))
        spec.serverSelector = PolicyDocument.LabelSelector(matchLabels: ["app": "files"])
        let result = await PolicyRenderer().render(server: Self.server(), policies: [Self.policy("broken", spec)])
        guard case .failure(let failure) = result else {
            Issue.record("an invalid policy rendered")
            return
        }
        #expect(failure.reason == "InvalidPolicy")
        #expect(failure.policies == ["broken"])
        #expect(failure.message.contains("MCPPolicy broken is invalid: spec.network.denyCIDRs[0]"), "\(failure.message)")
        let missing = await PolicyRenderer().render(server: Self.server(refs: ["gone"]), policies: [])
        guard case .failure(let notFound) = missing else {
            Issue.record("a missing policy rendered")
            return
        }
        #expect(notFound.reason == "PolicyNotFound")
    }

    @Test func threatIntelOfEveryPolicyIsMerged() {
        let first = PolicyDocument(threatIntel: PolicyDocument.ThreatIntel(denyCIDRs: ["192.0.2.0/24"], feeds: [Self.feed]))
        let second = PolicyDocument(threatIntel: PolicyDocument.ThreatIntel(
            denyCIDRs: ["192.0.2.0/24", "203.0.113.0/24"],
            feeds: [Self.feed, PolicyDocument.Feed(name: "other", url: "https://feeds.example.com/other.txt")]))
        let merged = PolicyMerger.merge([first, second])
        #expect(merged?.threatIntel?.denyCIDRs == ["192.0.2.0/24", "203.0.113.0/24"])
        #expect(merged?.threatIntel?.feeds?.map(\.name) == ["drop", "other"])
    }
}
