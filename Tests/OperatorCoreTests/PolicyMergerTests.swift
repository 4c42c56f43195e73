import KubeClient
import OperatorAPI
import OperatorCore
import PolicyEngine
import Testing

@Suite struct PolicyMergerTests {
    @Test func resolvesReferencesAndSelectorsSortedByName() throws {
        let server = Fixtures.stdioServer(policyRefs: ["b"], labels: ["team": "x"])
        let policies = [Fixtures.policy("b"), Fixtures.policy("a", selector: ["team": "x"]), Fixtures.policy("c", selector: ["team": "y"]),
                        Fixtures.policy("b", namespace: "other")]
        let resolved = try PolicyMerger.resolve(server: server, policies: policies).get()
        #expect(resolved.map(\.name) == ["a", "b"])
    }

    @Test func aMissingReferenceIsNamed() {
        let server = Fixtures.stdioServer(policyRefs: ["gone"])
        #expect(throws: PolicyResolutionError.notFound(["gone"])) { try PolicyMerger.resolve(server: server, policies: []).get() }
    }

    @Test func mergeIsMostRestrictiveAndFirstWins() throws {
        var a = Fixtures.policy("a").spec
        a.defaultAction = .allow
        a.network = .init(denyCIDRs: ["10.0.0.0/8"])
        var b = Fixtures.policy("b").spec
        b.defaultAction = .deny
        b.network = .init(allowCIDRs: ["192.168.0.0/16"], denyCIDRs: ["172.16.0.0/12"])
        b.roles?.append(PolicyDocument.Role(name: "users-a", allowTools: ["dropped"]))
        let merged = try #require(PolicyMerger.merge([a, b]))
        #expect(merged.defaultAction == .deny)
        #expect(merged.roles?.map(\.name) == ["users-a", "users-b"])
        #expect(merged.roles?.first?.allowTools == ["*"])
        #expect(merged.network?.denyCIDRs == ["10.0.0.0/8", "172.16.0.0/12"])
        #expect(merged.network?.allowCIDRs == ["192.168.0.0/16"])
        #expect(merged.serverSelector == nil)
        #expect(merged.validate().isEmpty)
        #expect(PolicyMerger.merge([]) == nil)
    }
}
