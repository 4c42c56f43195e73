import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
@testable import OperatorCore
import Testing

@Suite struct StatusAndEventsTests {
    @Test func conditionsKeepTheirTransitionTimeUnlessTheStatusFlips() {
        var conditions: [Condition] = []
        conditions.set(Condition(type: "Ready", status: "False", reason: "A"), now: "t1")
        conditions.set(Condition(type: "Ready", status: "False", reason: "B"), now: "t2")
        #expect(conditions.first?.lastTransitionTime == "t1")
        #expect(conditions.first?.reason == "B")
        conditions.set(Condition(type: "Ready", status: "True", reason: "C"), now: "t3")
        #expect(conditions.first?.lastTransitionTime == "t3")
    }

    @Test func messagesAndNotesFitTheAPIsByteLimits() {
        // One message listing many rejected replicas must not make the whole status write fail.
        var conditions: [Condition] = []
        let long = String(repeating: "replica files-7d9f rejected: é ", count: 2000)
        conditions.set(Condition(type: "PolicyApplied", status: "False", reason: "Rejected", message: long), now: "t1")
        let message = conditions.first?.message ?? ""
        #expect(message.utf8.count <= 32768)
        #expect(message.hasSuffix("(truncated)"))
        #expect(long.hasPrefix(String(message.dropLast(" … (truncated)".count))))
        let short = "3/3 replicas at sha256:ab12"
        conditions.set(Condition(type: "PolicyApplied", status: "True", reason: "Applied", message: short), now: "t2")
        #expect(conditions.first?.message == short)

        // An Event's note is at most 1024 bytes, cut between characters.
        let note = EventRecorder.note(String(repeating: "é", count: 600))
        #expect(note.utf8.count == 1024)
        #expect(note == String(repeating: "é", count: 512))
    }

    @Test func recomputingTheStatusOfAnUnchangedServerGivesItBack() {
        var server = Fixtures.stdioServer()
        let deployment = Deployment(metadata: ObjectMeta(name: "files"), spec: nil,
                                    status: DeploymentStatus(observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1))
        let first = MCPServerStatusBuilder.status(StatusInputs(server: server, policyVersion: "sha256:x", deployment: deployment, now: "t1"))
        server.status = first
        let second = MCPServerStatusBuilder.status(StatusInputs(server: server, policyVersion: "sha256:x", deployment: deployment, now: "t2"))
        #expect(first == second)
        #expect(second.conditions?.first { $0.type == "Ready" }?.status == "True")
        #expect(second.conditions?.first { $0.type == "Ready" }?.reason == "Available")
        #expect(second.conditions?.first { $0.type == "Progressing" }?.reason == "Complete")
    }

    @Test func anImageThatMayNeverBePulledIsAPodFailure() throws {
        // gateway.image.pullPolicy=Never with the image missing on the node.
        let pod: JSONValue = ["metadata": ["name": "files-abc"],
                              "status": ["initContainerStatuses": [["name": "install-gateway", "ready": false, "restartCount": 0, "image": "g",
                                                                    "imageID": "", "state": ["waiting": ["reason": "ErrImageNeverPull", "message": "not present"]]]]]]
        let failure = MCPServerStatusBuilder.podFailure([try pod.decode(as: Pod.self)])
        #expect(failure?.reason == "ErrImageNeverPull")
        #expect(failure?.message == "pod files-abc container install-gateway: ErrImageNeverPull: not present")
    }

    @Test func otherConditionTypesAreKept() {
        var server = Fixtures.stdioServer()
        server.status = MCPServerStatus(conditions: [Condition(type: "PolicyApplied", status: "True", lastTransitionTime: "t0")])
        let status = MCPServerStatusBuilder.status(StatusInputs(server: server, failure: ("PolicyNotFound", "gone"), now: "t1"))
        #expect(status.conditions?.map(\.type) == ["PolicyApplied", "Ready", "Progressing", "Degraded"])
        #expect(status.conditions?.last?.reason == "PolicyNotFound")
    }

    @Test func repeatedEventsBecomeASeriesAndAreRateLimited() {
        var aggregation = EventAggregation(window: .seconds(600), burst: 3, refill: .seconds(300))
        let key = EventAggregation.Key(object: "u1", type: "Warning", reason: "PolicyNotFound", action: "Reconcile")
        let start = ContinuousClock.now
        #expect(aggregation.decide(key, now: start) { "e1" } == .create(name: "e1"))
        #expect(aggregation.decide(key, now: start + .seconds(1)) { "e2" } == .incrementSeries(name: "e1", count: 2))
        #expect(aggregation.decide(key, now: start + .seconds(2)) { "e3" } == .incrementSeries(name: "e1", count: 3))
        #expect(aggregation.decide(key, now: start + .seconds(3)) { "e4" } == .drop)
        // After the window, with tokens refilled, a new Event starts.
        #expect(aggregation.decide(key, now: start + .seconds(1000)) { "e5" } == .create(name: "e5"))
    }

    @Test func aSeriesWhoseEventWasDeletedStartsANewEvent() async throws {
        let api = try await FakeAPIServer.start()
        defer { Task { await api.shutdown() } }
        api.registerBuiltins()
        let client = KubernetesClient(configuration: ClientConfiguration(server: api.baseURL), retryPolicy: .none)
        let ticks = Counter()
        let recorder = EventRecorder(client: client, reportingInstance: "test",
                                     wallClock: { Date(timeIntervalSince1970: 1_800_000_000 + Double(ticks.next())) })
        let server = Fixtures.stdioServer()
        func events() throws -> [Event] {
            try api.objects(Event.resourceType).map { try $0.decode(as: Event.self) }
        }
        await recorder.record(server, type: .warning, reason: "PolicyNotFound", action: "Reconcile", note: "no policy")
        await recorder.record(server, type: .warning, reason: "PolicyNotFound", action: "Reconcile", note: "no policy")
        let first = try #require(try events().first)
        #expect(try events().count == 1)
        #expect(first.series?.count == 2)
        try await client.delete(Event.self, name: first.metadata.name ?? "", namespace: "default")
        await recorder.record(server, type: .warning, reason: "PolicyNotFound", action: "Reconcile", note: "no policy")
        let after = try events()
        #expect(after.count == 1, "the repeat is recorded as a new Event, not lost")
        #expect(after.first?.metadata.name != first.metadata.name)
        #expect(after.first?.series == nil)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
