import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Testing
import TestPolling

@Suite(.timeLimit(.minutes(1))) struct LeaderElectorTests {
    /// Durations a leader keeps leading through a scheduling stall of a few seconds (the test
    /// machine may stall any task for hundreds of milliseconds): a 4 s lease, a 3 s renew deadline
    /// (which also bounds releasing the lease), a 200 ms retry period.
    static func configuration(_ identity: String, leaseDuration: Duration = .seconds(4)) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(leaseName: "operator-lock", namespace: "default", identity: identity,
                                    leaseDuration: leaseDuration, renewDeadline: .seconds(3), retryPeriod: .milliseconds(200))
    }

    /// Short durations, only for tests of a leader that cannot renew: a 1 s lease, 600 ms renew
    /// deadline, 100 ms retry period.
    static func shortRenewalConfiguration(_ identity: String) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(leaseName: "operator-lock", namespace: "default", identity: identity,
                                    leaseDuration: .seconds(1), renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(100))
    }

    final class Flags: Sendable {
        private let lock = NSLock()
        nonisolated(unsafe) private var changes: [Bool] = []
        nonisolated(unsafe) private var cancelledWork = false
        nonisolated(unsafe) private var firstLeading: ContinuousClock.Instant? = nil
        func changed(_ leading: Bool) {
            let now = ContinuousClock.now
            lock.withLock {
                changes.append(leading)
                if leading, firstLeading == nil { firstLeading = now }
            }
        }
        func workCancelled() { lock.withLock { cancelledWork = true } }
        var history: [Bool] { lock.withLock { changes } }
        var wasWorkCancelled: Bool { lock.withLock { cancelledWork } }
        /// When leadership was first gained.
        var firstLeadingAt: ContinuousClock.Instant? { lock.withLock { firstLeading } }
    }

    /// Work that runs until cancelled, noting the cancellation.
    static func work(_ flags: Flags) -> @Sendable () async -> Void {
        {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
            flags.workCancelled()
        }
    }

    @Test func twoCandidatesElectExactlyOneLeaderAndStopReleasesToTheOther() async throws {
        try await TestCluster.with { cluster in
            // A 30 s lease, longer than any wait here, so a takeover can only come from the release.
            let a = LeaderElector(client: cluster.client, configuration: Self.configuration("a", leaseDuration: .seconds(30)))
            let b = LeaderElector(client: cluster.client, configuration: Self.configuration("b", leaseDuration: .seconds(30)))
            let flags = Flags()
            let runA = Task { await a.run(Self.work(flags)) }
            let runB = Task { await b.run(Self.work(flags)) }
            defer { runA.cancel(); runB.cancel() }
            await eventually("a leader") { a.isLeader || b.isLeader }
            try await Task.sleep(for: .milliseconds(500))
            #expect(a.isLeader != b.isLeader)

            let (leader, leaderRun, follower) = a.isLeader ? (a, runA, b) : (b, runB, a)
            let lease = try await cluster.client.get(Lease.self, name: "operator-lock", namespace: "default")
            #expect(lease.spec?.holderIdentity == leader.configuration.identity)
            #expect(lease.spec?.renewTime.flatMap(KubeTime.date(from:)) != nil)
            #expect(lease.spec?.renewTime?.count == "2024-01-01T00:00:00.000000Z".count)

            leaderRun.cancel()
            #expect(await leaderRun.value == .stopped)
            #expect(!leader.isLeader)
            await eventually("the follower takes over", timeout: .seconds(10)) { follower.isLeader }
            let taken = try await cluster.client.get(Lease.self, name: "operator-lock", namespace: "default")
            #expect(taken.spec?.holderIdentity == follower.configuration.identity)
            #expect((taken.spec?.leaseTransitions ?? 0) >= 1)
        }
    }

    @Test func aLeaderThatCannotRenewStopsLeadingAndCancelsItsWork() async throws {
        try await TestCluster.with { cluster in
            let flags = Flags()
            let elector = LeaderElector(client: cluster.client, configuration: Self.shortRenewalConfiguration("solo"),
                                        onLeadershipChange: { flags.changed($0) })
            let run = Task { await elector.run(Self.work(flags)) }
            defer { run.cancel() }
            // The callback, not `isLeader`: a stall may end the short leadership before a poll sees it.
            await eventually("leadership") { flags.history.first == true }
            cluster.server.injectFailures(count: 10_000, status: 500) { $0.method == "PUT" && $0.path.contains("/leases/") }
            #expect(await run.value == .lost)
            #expect(!elector.isLeader)
            #expect(flags.wasWorkCancelled)
            #expect(flags.history == [true, false])
        }
    }

    @Test func aCandidateWaitsWhileAnotherHoldsAFreshLease() async throws {
        try await TestCluster.with { cluster in
            let now = KubeTime.microString(from: Date())
            _ = try await cluster.client.create(Lease(metadata: ObjectMeta(name: "operator-lock", namespace: "default"),
                                                      spec: LeaseSpec(holderIdentity: "someone", leaseDurationSeconds: 1,
                                                                      acquireTime: now, renewTime: now, leaseTransitions: 0)))
            let flags = Flags()
            let elector = LeaderElector(client: cluster.client, configuration: Self.configuration("late"),
                                        onLeadershipChange: { flags.changed($0) })
            let started = ContinuousClock.now
            let run = Task { await elector.run(Self.work(flags)) }
            defer { run.cancel() }
            // The holder never renews: after the lease duration, as seen locally, it is taken.
            await eventually("the expired lease taken") { flags.firstLeadingAt != nil }
            #expect(elector.isLeader)
            // And not before: the candidate first saw the lease after `started`, so it must have
            // waited its full second from then (timed by the callback, not by a poll).
            let acquiredAt = try #require(flags.firstLeadingAt)
            let waited = started.duration(to: acquiredAt)
            #expect(waited >= .seconds(1), "took the still fresh lease after \(waited)")
            let lease = try await cluster.client.get(Lease.self, name: "operator-lock", namespace: "default")
            #expect(lease.spec?.holderIdentity == "late")
            #expect(lease.spec?.leaseTransitions == 1)
        }
    }
}
