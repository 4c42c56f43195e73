import Foundation
import KubeClient
import Testing
@testable import ControllerRuntime

@Suite struct LeaseDecisionTests {
    let t0 = ContinuousClock.now
    let wall = Date(timeIntervalSince1970: 1_700_000_000.123456)

    func lease(holder: String?, transitions: Int = 0, renew: String = "2024-01-01T00:00:00.000000Z") -> Lease {
        var meta = ObjectMeta(name: "lock", namespace: "ns")
        meta.resourceVersion = "7"
        return Lease(metadata: meta, spec: LeaseSpec(holderIdentity: holder, leaseDurationSeconds: 15,
                                                      acquireTime: renew, renewTime: renew, leaseTransitions: transitions))
    }

    @Test func createsTheLeaseWhenThereIsNone() {
        var decision = LeaseDecision(identity: "me", leaseDuration: .seconds(15))
        decision.observe(nil, now: t0)
        guard case .create(let lease) = decision.decide(nil, now: t0, wallNow: wall) else {
            Issue.record("expected create")
            return
        }
        #expect(lease.spec?.holderIdentity == "me")
        #expect(lease.spec?.leaseDurationSeconds == 15)
        #expect(lease.spec?.renewTime == "2023-11-14T22:13:20.123456Z")
        #expect(lease.spec?.leaseTransitions == 0)
    }

    @Test func waitsForAnotherHoldersLeaseToExpireOnTheLocalClock() {
        var decision = LeaseDecision(identity: "me", leaseDuration: .seconds(15))
        let held = lease(holder: "other", transitions: 3)
        decision.observe(held, now: t0)
        #expect(decision.decide(held, now: t0 + .seconds(14), wallNow: wall) == .heldByOther("other"))
        // Seen unchanged for the lease duration: expired, taken over with one more transition.
        decision.observe(held, now: t0 + .seconds(15))
        guard case .update(let taken) = decision.decide(held, now: t0 + .seconds(15), wallNow: wall) else {
            Issue.record("expected update")
            return
        }
        #expect(taken.spec?.holderIdentity == "me")
        #expect(taken.spec?.leaseTransitions == 4)
        #expect(taken.metadata.resourceVersion == "7")
    }

    @Test func aRenewedRecordRestartsTheExpiryTimer() {
        var decision = LeaseDecision(identity: "me", leaseDuration: .seconds(15))
        decision.observe(lease(holder: "other"), now: t0)
        let renewed = lease(holder: "other", renew: "2024-01-01T00:00:10.000000Z")
        decision.observe(renewed, now: t0 + .seconds(10))
        #expect(decision.decide(renewed, now: t0 + .seconds(20), wallNow: wall) == .heldByOther("other"))
    }

    @Test func renewingKeepsAcquireTimeAndTransitions() {
        var decision = LeaseDecision(identity: "me", leaseDuration: .seconds(15))
        let mine = lease(holder: "me", transitions: 2)
        decision.observe(mine, now: t0)
        guard case .update(let renewed) = decision.decide(mine, now: t0 + .seconds(2), wallNow: wall) else {
            Issue.record("expected update")
            return
        }
        #expect(renewed.spec?.acquireTime == mine.spec?.acquireTime)
        #expect(renewed.spec?.renewTime == "2023-11-14T22:13:20.123456Z")
        #expect(renewed.spec?.leaseTransitions == 2)
    }

    @Test func aReleasedLeaseIsTakenAtOnceAndOnlyTheHolderReleases() {
        var decision = LeaseDecision(identity: "me", leaseDuration: .seconds(15))
        let free = lease(holder: nil, transitions: 1)
        decision.observe(free, now: t0)
        guard case .update(let taken) = decision.decide(free, now: t0, wallNow: wall) else {
            Issue.record("expected update")
            return
        }
        #expect(taken.spec?.holderIdentity == "me")
        let released = decision.released(taken, wallNow: wall)
        #expect(released?.spec?.holderIdentity == nil)
        #expect(released?.spec?.leaseDurationSeconds == 1)
        #expect(released?.spec?.leaseTransitions == 2)
        #expect(decision.released(lease(holder: "other"), wallNow: wall) == nil)
    }
}
