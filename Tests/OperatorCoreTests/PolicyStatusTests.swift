import Foundation
import KubeModel
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import Testing

struct PolicyStatusTests {
    static let version = PolicyDocument(defaultAction: .deny).version
    static let now = "2026-01-01T00:00:00Z"

    static func distribution(_ replicas: [ReplicaPolicyState]) -> PolicyDistributionStatus {
        PolicyDistributionStatus(group: "default/files", desiredVersion: version, replicas: replicas)
    }

    static func acked(_ name: String) -> ReplicaPolicyState {
        ReplicaPolicyState(replica: name, ackedVersion: version, ackedSHA256: String(version.dropFirst(7)),
                           ackedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func everyReplicaAtTheVersionReadsLikeThreeOfThree() throws {
        let status = PolicyStatusBuilder.serverStatus(nil, distribution: Self.distribution([Self.acked("a"), Self.acked("b"), Self.acked("c")]),
                                                      generation: 4, now: Self.now)
        let applied = try #require(status.conditions?.first { $0.type == "PolicyApplied" })
        #expect(applied.status == "True")
        #expect(applied.reason == "Applied")
        #expect(applied.message == "3/3 replicas at \(String(Self.version.prefix(19)))…")
        #expect(applied.observedGeneration == 4)
        #expect(status.policy?.desiredVersion == Self.version)
        #expect(status.policy?.replicas?.map(\.ackedAt) == Array(repeating: "2023-11-14T22:13:20Z", count: 3))
        // Recomputing from the stored status changes nothing (no write).
        let again = PolicyStatusBuilder.serverStatus(status, distribution: Self.distribution([Self.acked("a"), Self.acked("b"), Self.acked("c")]),
                                                     generation: 4, now: "2026-01-02T00:00:00Z")
        #expect(again == status)
    }

    @Test func lagAndRejectionAreNamedWithTheirErrors() throws {
        var down = ReplicaPolicyState(replica: "c", lastError: "cannot reach http://10.0.0.3:9090", consecutiveFailures: 2)
        down.ackedVersion = "sha256:old"
        let lagging = PolicyStatusBuilder.serverStatus(nil, distribution: Self.distribution([Self.acked("a"), down]), generation: 1, now: Self.now)
        let condition = try #require(lagging.conditions?.first { $0.type == "PolicyApplied" })
        #expect(condition.status == "False")
        #expect(condition.reason == "Propagating")
        #expect(condition.message?.contains("1/2 replicas at") == true)
        #expect(condition.message?.contains("c (cannot reach http://10.0.0.3:9090)") == true)
        #expect(lagging.policy?.replicas?.last?.lastError == "cannot reach http://10.0.0.3:9090")

        let refused = ReplicaPolicyState(replica: "b", ackedVersion: "sha256:old", lastError: "rejected: roles: bad", rejectedVersion: Self.version)
        let rejected = PolicyStatusBuilder.serverStatus(lagging, distribution: Self.distribution([Self.acked("a"), refused]), generation: 1,
                                                        now: "2026-01-03T00:00:00Z")
        let second = try #require(rejected.conditions?.first { $0.type == "PolicyApplied" })
        #expect(second.reason == "Rejected")
        #expect(second.lastTransitionTime == condition.lastTransitionTime, "the status did not flip")
    }

    @Test func policyStatusCountsServersAndSaysWhenNoneIsSelected() throws {
        var metadata = ObjectMeta(name: "base", namespace: "default")
        metadata.generation = 2
        let policy = MCPPolicy(metadata: metadata, spec: PolicyDocument())
        let none = PolicyStatusBuilder.policyStatus(.init(policy: policy, version: Self.version, issues: [], feedProblems: [], servers: [],
                                                          lastPropagation: nil, now: Self.now))
        #expect(none.serversTargeted == 0)
        #expect(none.conditions?.first { $0.type == "Propagated" }?.reason == "NoServersSelected")
        #expect(none.conditions?.first { $0.type == "Valid" }?.status == "True")
        #expect(none.conditions?.contains { $0.type == "FeedsReady" } == false)
        let some = PolicyStatusBuilder.policyStatus(.init(policy: policy, version: Self.version, issues: [], feedProblems: [],
                                                          servers: [("default/a", true), ("default/b", false)],
                                                          lastPropagation: Date(timeIntervalSince1970: 1_700_000_000), now: Self.now))
        #expect(some.serversTargeted == 2)
        #expect(some.serversAcked == 1)
        #expect(some.lastPropagationTime == "2023-11-14T22:13:20Z")
        #expect(some.conditions?.first { $0.type == "Propagated" }?.message?.contains("waiting for default/b") == true)
        let invalid = PolicyStatusBuilder.policyStatus(.init(policy: policy, version: nil,
                                                             issues: [PolicyIssue(path: "spec.roles[0].name", message: "must not be empty")],
                                                             feedProblems: [], servers: [], lastPropagation: nil, now: Self.now))
        let valid = try #require(invalid.conditions?.first { $0.type == "Valid" })
        #expect(valid.status == "False")
        #expect(valid.message?.contains("spec.roles[0].name: must not be empty") == true)
        #expect(invalid.version == nil)
    }
}
