import Foundation
import KubeClient

/// The pure logic of leader election over a Lease, after client-go's `tryAcquireOrRenew`.
///
/// Expiry is judged on this process's monotonic clock — from when the lease record was last seen
/// to change, plus its `leaseDurationSeconds` — never by comparing the holder's `renewTime` with
/// the local wall clock, so clock skew between nodes cannot make two leaders.
struct LeaseDecision: Sendable {
    /// What to do after reading the lease.
    enum Action: Equatable, Sendable {
        /// No lease exists: create this one.
        case create(Lease)
        /// Take or renew the lease with this update (its resourceVersion is the precondition).
        case update(Lease)
        /// Another candidate holds an unexpired lease.
        case heldByOther(String)
    }

    let identity: String
    let leaseDuration: Duration
    private(set) var observed: LeaseSpec?
    private(set) var observedAt: ContinuousClock.Instant?

    init(identity: String, leaseDuration: Duration) {
        self.identity = identity
        self.leaseDuration = leaseDuration
    }

    /// Records the lease as read (or written) at `now`; the expiry timer restarts when its
    /// record changed.
    mutating func observe(_ lease: Lease?, now: ContinuousClock.Instant) {
        let spec = lease?.spec
        if observedAt == nil || spec != observed {
            observed = spec
            observedAt = now
        }
    }

    /// Whether the observed record's holder is this candidate.
    var observedHolderIsSelf: Bool { observed?.holderIdentity == identity }

    /// The decision for the lease just read (and observed) at `now`, at wall time `wallNow`.
    func decide(_ lease: Lease?, now: ContinuousClock.Instant, wallNow: Date) -> Action {
        let time = KubeTime.microString(from: wallNow)
        let seconds = Int(leaseDuration.seconds.rounded(.up))
        guard var lease else {
            let spec = LeaseSpec(holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: time, renewTime: time,
                                 leaseTransitions: 0)
            return .create(Lease(metadata: ObjectMeta(), spec: spec))
        }
        let old = lease.spec ?? LeaseSpec()
        let holder = old.holderIdentity ?? ""
        if !holder.isEmpty, holder != identity, !isExpired(old, now: now) {
            return .heldByOther(holder)
        }
        var spec = old
        spec.holderIdentity = identity
        spec.leaseDurationSeconds = seconds
        spec.renewTime = time
        if holder != identity {
            spec.acquireTime = time
            spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1
        } else if spec.acquireTime == nil {
            spec.acquireTime = time
        }
        lease.spec = spec
        return .update(lease)
    }

    /// The lease released by this holder: no holder, a one-second duration so any reader sees it
    /// as free, the transition count kept. Nil when this candidate does not hold it.
    func released(_ lease: Lease, wallNow: Date) -> Lease? {
        guard lease.spec?.holderIdentity == identity else { return nil }
        var lease = lease
        let time = KubeTime.microString(from: wallNow)
        lease.spec?.holderIdentity = nil
        lease.spec?.leaseDurationSeconds = 1
        lease.spec?.acquireTime = time
        lease.spec?.renewTime = time
        return lease
    }

    /// Whether the observed record has expired at `now`.
    func isExpired(_ spec: LeaseSpec, now: ContinuousClock.Instant) -> Bool {
        guard let observedAt else { return true }
        let duration = spec.leaseDurationSeconds.map { Duration.seconds($0) } ?? leaseDuration
        return observedAt + duration <= now
    }
}
