import Foundation
import PolicyEngine
import Testing

@testable import PolicyDistribution

/// The pusher's bookkeeping, without I/O.
struct DistributionGroupTests {
    let backoff = PushBackoff(initial: .milliseconds(100), maximum: .seconds(1))
    let targets = [PolicyPushTarget(replica: "a", adminURL: "http://10.0.0.1:9090", adminToken: "t"),
                   PolicyPushTarget(replica: "b", adminURL: "http://10.0.0.2:9090", adminToken: "t")]
    let v1 = PolicyRelease(PolicyDocument(defaultAction: .allow))
    let v2 = PolicyRelease(PolicyDocument(defaultAction: .deny))

    @Test func backoffDoublesUpToTheMaximum() {
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 9) == .seconds(1))
    }

    @Test func acknowledgedRejectedAndInFlightReplicasAreNotDue() {
        let now = ContinuousClock.now
        var group = DistributionGroup()
        group.update(release: v1, targets: targets, observedAt: now)
        #expect(group.due(now: now).map(\.replica) == ["a", "b"])
        group.begin("a", version: v1.version)
        #expect(group.due(now: now).map(\.replica) == ["b"])
        group.record(.acknowledged(version: v1.version, sha256: v1.sha256, appliedAt: nil), pushing: v1.version, to: targets[0],
                     now: now, wallNow: Date(), backoff: backoff)
        group.record(.rejected(field: "roles[0]", reason: "bad"), pushing: v1.version, to: targets[1], now: now, wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now + .seconds(60)).isEmpty, "neither the acked nor the rejecting replica is pushed to again")
        #expect(group.status(group: "g").replicas[1].phase(desired: v1.version) == .rejected)
        #expect(group.status(group: "g").replicas[1].lastError?.contains("roles[0]: bad") == true)
        // A new version goes to both.
        group.update(release: v2, targets: targets, observedAt: now)
        #expect(group.due(now: now).map(\.replica) == ["a", "b"])
    }

    @Test func aFailedReplicaWaitsForItsBackoffAndANewAddressStartsOver() {
        let now = ContinuousClock.now
        var group = DistributionGroup()
        group.update(release: v1, targets: targets, observedAt: nil)
        group.record(.failed("down"), pushing: v1.version, to: targets[0], now: now, wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now).map(\.replica) == ["b"])
        #expect(group.due(now: now + .milliseconds(100)).map(\.replica) == ["a", "b"])
        #expect(group.status(group: "g").replicas[0].phase(desired: v1.version) == .lagging)
        group.record(.failed("down"), pushing: v1.version, to: targets[0], now: now, wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now + .milliseconds(150)).map(\.replica) == ["b"], "the second failure waits 200 ms")
        var moved = targets
        moved[0].adminURL = "http://10.0.0.9:9090"
        group.update(release: v1, targets: moved, observedAt: nil)
        #expect(group.due(now: now).map(\.replica) == ["a", "b"])
        #expect(group.status(group: "g").replicas[0].lastError == nil)
    }

    @Test func propagationCompletesOnceWhenTheLastReplicaAcks() {
        let now = ContinuousClock.now
        var group = DistributionGroup()
        group.update(release: v1, targets: targets, observedAt: now)
        for target in targets {
            #expect(group.completePropagation(now: now, wallNow: Date()) == nil)
            group.record(.acknowledged(version: v1.version, sha256: v1.sha256, appliedAt: nil), pushing: v1.version, to: target,
                         now: now, wallNow: Date(), backoff: backoff)
        }
        #expect(group.completePropagation(now: now + .milliseconds(30), wallNow: Date()) == .milliseconds(30))
        #expect(group.completePropagation(now: now + .milliseconds(40), wallNow: Date()) == nil)
    }

    @Test func verificationFindsAReplicaBehindAndMakesItDue() {
        let now = ContinuousClock.now
        var group = DistributionGroup()
        group.update(release: v1, targets: targets, observedAt: nil)
        for target in targets {
            group.record(.acknowledged(version: v1.version, sha256: v1.sha256, appliedAt: nil), pushing: v1.version, to: target,
                         now: now, wallNow: Date(), backoff: backoff)
        }
        #expect(group.due(now: now).isEmpty)
        group.record(VerificationOutcome.enforcing(version: v2.version, sha256: v2.sha256, appliedAt: nil), of: targets[1], now: now,
                     wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now).map(\.replica) == ["b"])
        group.record(VerificationOutcome.noPolicy, of: targets[0], now: now, wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now).map(\.replica) == ["a", "b"])
    }

    @Test func aVerificationThatBeganBeforeAPushDoesNotUndoItsAck() {
        // verify() asks a replica what it enforces; meanwhile a push of v2 starts and is acked;
        // then the verification's answer (v1, from before the push) arrives.
        let now = ContinuousClock.now
        var group = DistributionGroup()
        group.update(release: v1, targets: targets, observedAt: nil)
        group.record(.acknowledged(version: v1.version, sha256: v1.sha256, appliedAt: nil), pushing: v1.version, to: targets[0],
                     now: now, wallNow: Date(), backoff: backoff)
        let pushCount = group.pushCount(of: "a")
        group.update(release: v2, targets: targets, observedAt: nil)
        group.begin("a", version: v2.version)
        group.record(.acknowledged(version: v2.version, sha256: v2.sha256, appliedAt: nil), pushing: v2.version, to: targets[0],
                     now: now, wallNow: Date(), backoff: backoff)
        group.record(VerificationOutcome.enforcing(version: v1.version, sha256: v1.sha256, appliedAt: nil), of: targets[0],
                     pushCountAtStart: pushCount, now: now, wallNow: Date(), backoff: backoff)
        #expect(group.status(group: "g").replicas[0].ackedVersion == v2.version)
        #expect(!group.due(now: now).contains { $0.replica == "a" }, "not pushed again")
        // A verification that began after the push is believed.
        group.record(VerificationOutcome.noPolicy, of: targets[0], pushCountAtStart: group.pushCount(of: "a"), now: now,
                     wallNow: Date(), backoff: backoff)
        #expect(group.due(now: now).contains { $0.replica == "a" })
    }
}
