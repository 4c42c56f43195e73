import Foundation
import KubeModel
import OperatorAPI
import Testing

@testable import LocalMode

/// The restart backoff and the status computation, purely.
@Suite struct RestartAndStatusTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func firstExitRestartsAtOnceThenBacksOffExponentially() {
        var tracker = RestartTracker(configuration: .init(baseDelay: .seconds(1), maxDelay: .seconds(8), resetAfter: .seconds(60)))
        tracker.started("p", now: start)
        tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(1)))
        #expect(tracker.delay("p", now: start.addingTimeInterval(1)) == .zero)
        tracker.restarted("p", now: start.addingTimeInterval(1))
        tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(2)))
        #expect(tracker.delay("p", now: start.addingTimeInterval(2)) == .seconds(1))
        #expect(tracker.delay("p", now: start.addingTimeInterval(3)) == .zero)
        tracker.restarted("p", now: start.addingTimeInterval(3))
        tracker.exited("p", .init(code: 137, oomKilled: true, at: start.addingTimeInterval(4)))
        #expect(tracker.delay("p", now: start.addingTimeInterval(4)) == .seconds(2))
        #expect(tracker.isCrashLooping("p"))
        #expect(tracker.records["p"]?.restarts == 2)
        #expect(tracker.records["p"]?.oomKills == 1)
        #expect(tracker.records["p"]?.lastExit?.reason == "OOMKilled")
        for step in 0..<10 {
            tracker.restarted("p", now: start.addingTimeInterval(100 + Double(step)))
            tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(100.5 + Double(step))))
        }
        #expect(tracker.delay("p", now: start.addingTimeInterval(109.5)) == .seconds(8), "capped at maxDelay")
    }

    @Test func theSameExitIsCountedOnceAndALongRunResetsTheLoop() {
        var tracker = RestartTracker(configuration: .init(resetAfter: .seconds(60), crashLoopThreshold: 2))
        tracker.started("p", now: start)
        let exit = RestartTracker.Exit(code: 2, oomKilled: false, at: start.addingTimeInterval(5))
        let first = tracker.exited("p", exit)
        let second = tracker.exited("p", exit)
        #expect(first)
        #expect(!second)
        #expect(tracker.records["p"]?.consecutiveExits == 1)
        tracker.restarted("p", now: start.addingTimeInterval(5))
        tracker.exited("p", .init(code: 2, oomKilled: false, at: start.addingTimeInterval(6)))
        #expect(tracker.isCrashLooping("p"))
        tracker.restarted("p", now: start.addingTimeInterval(10))
        tracker.exited("p", .init(code: 2, oomKilled: false, at: start.addingTimeInterval(200)))
        #expect(!tracker.isCrashLooping("p"), "it ran for longer than resetAfter")
        #expect(tracker.delay("p", now: start.addingTimeInterval(200)) == .zero)
    }

    @Test func aPluginThatRecoveredIsNoLongerCrashLoopingBeforeItsNextExit() {
        var tracker = RestartTracker(configuration: .init(resetAfter: .seconds(60), crashLoopThreshold: 2))
        tracker.started("p", now: start)
        tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(1)))
        tracker.restarted("p", now: start.addingTimeInterval(1))
        tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(2)))
        tracker.restarted("p", now: start.addingTimeInterval(3))
        #expect(tracker.isCrashLooping("p", now: start.addingTimeInterval(30)), "running again, but not for resetAfter yet")
        #expect(!tracker.isCrashLooping("p", now: start.addingTimeInterval(63)), "running for resetAfter since its restart")
        tracker.exited("p", .init(code: 1, oomKilled: false, at: start.addingTimeInterval(64)))
        #expect(!tracker.isCrashLooping("p", now: start.addingTimeInterval(64)), "an exit after a long run starts the count over")
    }

    func inputs(_ server: MCPServer, gateways: [GatewayObservation], plugins: [LocalPluginStatus] = [],
                crash: [(name: String, reason: String, message: String)] = [], acks: [MCPServerStatus.ReplicaPolicy] = [],
                failure: LocalPlanError? = nil, now: String = "2026-01-01T00:00:00Z") -> LocalStatusInputs {
        LocalStatusInputs(server: server, failure: failure, desiredReplicas: 1, gateways: gateways, plugins: plugins, crashLooping: crash,
                          policyVersion: "sha256:" + String(repeating: "a", count: 64), policyReplicas: acks, publishAddress: "127.0.0.1",
                          selector: "s", now: now)
    }

    func condition(_ status: MCPServerStatus, _ type: String) -> Condition? { status.conditions?.first { $0.type == type } }

    @Test func aServerScaledToZeroIsNotReadyAsOnKubernetes() {
        let server = MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"), spec: MCPServerSpec(image: "i"))
        var scaled = inputs(server, gateways: [])
        scaled.desiredReplicas = 0
        let status = LocalStatusBuilder.status(scaled)
        #expect(condition(status, "Ready")?.status == "False")
        #expect(condition(status, "Ready")?.reason == MCPServerReason.scaledToZero)
        #expect(condition(status, "Progressing")?.status == "False")
        #expect(condition(status, "Degraded")?.status == "False")
    }

    @Test func aPolicyProblemLeavesTheRunningServerReadyAndSaysWhyNothingWasPushed() {
        // As on Kubernetes: the containers keep serving with the last good policy.
        let server = MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"), spec: MCPServerSpec(image: "i"))
        let failed = LocalStatusBuilder.status(inputs(
            server, gateways: [GatewayObservation(container: "g0", running: true, ready: true, clientPort: 41000)],
            failure: LocalPlanError(reason: MCPServerReason.policyNotFound, message: "MCPPolicy dev/strict not found")))
        #expect(failed.readyReplicas == 1)
        #expect(failed.endpoint == "http://127.0.0.1:41000/mcp")
        #expect(condition(failed, "Ready")?.status == "True")
        #expect(condition(failed, "Degraded")?.reason == MCPServerReason.policyNotFound)
        #expect(condition(failed, "Progressing")?.status == "False")
        #expect(condition(failed, "PolicyApplied")?.status == "False")
        #expect(condition(failed, "PolicyApplied")?.reason == MCPServerReason.policyNotFound)
        #expect(condition(failed, "PolicyApplied")?.message?.contains("keep the last good policy") == true)
        // Nothing runs (the spec could not be planned): not Ready, with the failure's reason.
        let unplanned = LocalStatusBuilder.status(inputs(server, gateways: [],
                                                         failure: LocalPlanError(reason: "ImageNotFound", message: "no image i")))
        #expect(condition(unplanned, "Ready")?.reason == "ImageNotFound")
    }

    @Test func readyServerReportsEndpointConditionsAndPolicy() throws {
        var server = MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"), spec: MCPServerSpec(image: "i"))
        server.metadata.generation = 3
        let version = "sha256:" + String(repeating: "a", count: 64)
        let ready = inputs(server, gateways: [GatewayObservation(container: "g0", running: true, ready: true, clientPort: 41000)],
                           plugins: [LocalPluginStatus(name: "text", ready: true, restarts: 0, state: "running", container: "p",
                                                       memoryBytes: 5 << 20, cpuMillicores: 3)],
                           acks: [.init(name: "g0", version: version, ackedAt: "2026-01-01T00:00:00Z")])
        let status = LocalStatusBuilder.status(ready)
        #expect(status.endpoint == "http://127.0.0.1:41000/mcp")
        #expect(status.observedGeneration == 3)
        #expect(status.readyReplicas == 1)
        #expect(condition(status, "Ready")?.status == "True")
        #expect(condition(status, "Progressing")?.status == "False")
        #expect(condition(status, "Degraded")?.status == "False")
        #expect(condition(status, "PolicyApplied")?.status == "True")
        #expect(condition(status, "Ready")?.lastTransitionTime == "2026-01-01T00:00:00Z")
        #expect(condition(status, "Ready")?.observedGeneration == 3)

        // Recomputed later with nothing changed: the same status, transition times kept.
        server.status = status
        let again = LocalStatusBuilder.status(inputs(server, gateways: ready.gateways, plugins: ready.plugins, acks: ready.policyReplicas,
                                                     now: "2026-01-01T01:00:00Z"))
        #expect(again == status)

        // The plugin keeps crashing: Degraded flips (new transition time), Ready stays as computed.
        let crashing = LocalStatusBuilder.status(inputs(
            server, gateways: ready.gateways,
            plugins: [LocalPluginStatus(name: "text", ready: false, restarts: 4, lastExitReason: "OOMKilled", state: "restarting", container: "p")],
            crash: [("text", "OOMKilled", "plugin text keeps exiting")], acks: ready.policyReplicas, now: "2026-01-01T02:00:00Z"))
        #expect(condition(crashing, "Degraded")?.status == "True")
        #expect(condition(crashing, "Degraded")?.reason == "OOMKilled")
        #expect(condition(crashing, "Degraded")?.lastTransitionTime == "2026-01-01T02:00:00Z")
        #expect(condition(crashing, "Ready")?.reason == "PluginsNotReady")
        #expect(crashing.plugins?.first?.restarts == 4)
        #expect(crashing.readyReplicas == 1, "the server keeps running")
    }

    @Test func failuresAndPendingPolicyAreReported() throws {
        let server = MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"), spec: MCPServerSpec(image: "i"))
        let missing = LocalStatusBuilder.status(inputs(server, gateways: [], failure: .imagesMissing(["mcp-operator/gateway:dev"])))
        #expect(condition(missing, "Ready")?.status == "False")
        #expect(condition(missing, "Ready")?.reason == "ImageNotFound")
        #expect(condition(missing, "Ready")?.message?.contains("bash hack/images.sh") == true)
        let pending = LocalStatusBuilder.status(inputs(server, gateways: [GatewayObservation(container: "g0", running: true, ready: true, clientPort: 1)],
                                                       acks: [.init(name: "g0", lastError: "connection refused")]))
        #expect(condition(pending, "PolicyApplied")?.status == "False")
        #expect(condition(pending, "PolicyApplied")?.reason == "Pending")
        #expect(condition(pending, "PolicyApplied")?.message?.contains("connection refused") == true)
    }

    @Test func storedStatusCarriesThePluginUsage() throws {
        let server = MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"), spec: MCPServerSpec(image: "i"))
        let document = try LocalStatusBuilder.document(inputs(
            server, gateways: [],
            plugins: [LocalPluginStatus(name: "text", ready: true, restarts: 1, state: "running", container: "c", oomKills: 1,
                                        memoryBytes: 7 << 20, memoryLimitBytes: 64 << 20, cpuMillicores: 12)]))
        let plugin = try #require(document["plugins"]?.arrayValue?.first)
        #expect(plugin["memoryBytes"]?.intValue == 7 << 20)
        #expect(plugin["cpuMillicores"]?.intValue == 12)
        #expect(plugin["oomKills"]?.intValue == 1)
        #expect(plugin["restarts"]?.intValue == 1)
        let typed = try document.decode(as: MCPServerStatus.self)
        #expect(typed.plugins?.first?.name == "text", "still an MCPServerStatus")
    }
}
