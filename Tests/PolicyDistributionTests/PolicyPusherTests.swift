import Foundation
import Logging
import PolicyDistribution
import PolicyEngine
import Testing
import TestPolling

/// The pusher against real gateways on 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PolicyPusherTests {
    static let fast = PolicyPusher.Configuration(backoff: PushBackoff(initial: .milliseconds(50), maximum: .milliseconds(300)),
                                                 verifyInterval: .milliseconds(300), retryTick: .milliseconds(20))

    @Test func aReleaseReachesEveryGatewayWhichThenEnforcesIt() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(3)
        #expect(try await fleet.echoAllowed(0), "the boot policy allows echo")
        let pusher = PolicyPusher(configuration: Self.fast, logger: quietLogger)
        let release = PolicyRelease(GatewayFleet.denyAll)
        let status = await pusher.distribute(release, to: fleet.targets, group: "default/files", changeObservedAt: .now)
        #expect(status.isComplete)
        #expect(status.currentCount == 3)
        #expect(status.lastPropagation != nil)
        for replica in status.replicas {
            #expect(replica.ackedVersion == release.version)
            #expect(replica.ackedSHA256 == release.sha256)
            #expect(replica.ackedAt != nil)
            #expect(replica.lastError == nil)
        }
        for index in 0..<3 {
            #expect(try await fleet.enforcedVersion(index) == release.version)
            #expect(try await !fleet.echoAllowed(index), "gateway \(index) denies echo")
        }
        // The same release again sends nothing.
        let sent = await pusher.pushesSent
        #expect(sent == 3)
        let again = await pusher.distribute(release, to: fleet.targets, group: "default/files")
        #expect(await pusher.pushesSent == sent)
        #expect(again == status)
    }

    @Test func aDryRunReleaseIsAcknowledgedInItsSlotAndStaysCurrentOnVerification() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(2)
        let pusher = PolicyPusher(configuration: Self.fast, logger: quietLogger)
        var shadow = GatewayFleet.denyAll
        shadow.dryRun = true
        let release = PolicyRelease(shadow)
        let status = await pusher.distribute(release, to: fleet.targets, group: "g")
        #expect(status.isComplete, "\(status.replicas.map(\.lastError))")
        #expect(status.replicas.allSatisfy { $0.ackedVersion == release.version })
        let sent = await pusher.pushesSent
        let runner = Task { await pusher.run() }
        try await Task.sleep(for: .milliseconds(700))  // two verifications pass
        runner.cancel()
        #expect(await pusher.pushesSent == sent, "a gateway holding the dry run is not pushed to again")
        #expect(await pusher.status(of: "g")?.isComplete == true)
        for index in 0..<2 { #expect(try await fleet.echoAllowed(index), "a dry run does not enforce") }
    }

    @Test func aRejectedVersionIsRecordedAndNeverSentAgainWhileTheOthersGoOn() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(2)
        let pusher = PolicyPusher(configuration: Self.fast, logger: quietLogger)
        let good = PolicyRelease(GatewayFleet.allowAll)
        _ = await pusher.distribute(good, to: fleet.targets, group: "g")
        var invalid = GatewayFleet.denyAll
        invalid.network = PolicyDocument.Network(denyCIDRs: ["10.0.0.0/99"])
        let bad = PolicyRelease(invalid)
        let status = await pusher.distribute(bad, to: fleet.targets, group: "g")
        #expect(status.replicas.allSatisfy { $0.phase(desired: bad.version) == .rejected })
        #expect(status.replicas.allSatisfy { $0.lastError?.contains("network.denyCIDRs") == true }, "\(status.replicas.map(\.lastError))")
        #expect(status.replicas.allSatisfy { $0.ackedVersion == good.version }, "the last good version stays recorded")
        let sent = await pusher.pushesSent
        let runner = Task { await pusher.run() }
        try await Task.sleep(for: .milliseconds(700))  // retries and two verifications pass
        runner.cancel()
        #expect(await pusher.pushesSent == sent, "a rejected version is not retried")
        for index in 0..<2 { #expect(try await fleet.enforcedVersion(index) == good.version) }
        // A corrected version goes out.
        let fixed = PolicyRelease(GatewayFleet.denyAll)
        #expect(await pusher.distribute(fixed, to: fleet.targets, group: "g").isComplete)
    }

    @Test func aGatewayThatIsDownLagsAndCatchesUpWhenItReturns() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(3)
        let pusher = PolicyPusher(configuration: Self.fast, logger: quietLogger)
        let updates = await pusher.updates()
        fleet.stop(2)
        let release = PolicyRelease(GatewayFleet.denyAll)
        let status = await pusher.distribute(release, to: fleet.targets, group: "g", changeObservedAt: .now)
        #expect(status.currentCount == 2)
        let down = try #require(status.replicas.first { $0.replica == "gw-2" })
        #expect(down.phase(desired: release.version) == .lagging)
        #expect(down.lastError?.contains("cannot reach") == true, "\(String(describing: down.lastError))")
        #expect(status.lastPropagation == nil)
        for index in 0..<2 { #expect(try await fleet.enforcedVersion(index) == release.version) }

        let runner = Task { await pusher.run() }
        defer { runner.cancel() }
        try await fleet.restart(2)
        // The first update that reports the group complete, raced against a deadline: a missed
        // update fails the test in seconds, not at the time limit.
        let caughtUp = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await update in updates where update.group == "g" && update.isComplete { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(caughtUp, "no update reported the group complete within 15 s of the gateway's return")
        #expect(try await fleet.enforcedVersion(2) == release.version)
        #expect(await pusher.status(of: "g")?.lastPropagation != nil)
    }

    @Test func verificationBringsARestartedGatewayBackToTheCurrentVersion() async throws {
        let fleet = try GatewayFleet()
        defer { fleet.stopAll() }
        try await fleet.start(1)
        let pusher = PolicyPusher(configuration: Self.fast, logger: quietLogger)
        let release = PolicyRelease(GatewayFleet.denyAll)
        #expect(await pusher.distribute(release, to: fleet.targets, group: "g").isComplete)
        let runner = Task { await pusher.run() }
        defer { runner.cancel() }
        fleet.stop(0)
        try await fleet.restart(0)  // boots with the old (allow-all) policy file
        try await eventually("the restarted gateway enforces the current version") {
            try await fleet.enforcedVersion(0) == release.version
        }
        #expect(try await !fleet.echoAllowed(0))
    }
}

/// A logger that keeps test output to failures.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()
