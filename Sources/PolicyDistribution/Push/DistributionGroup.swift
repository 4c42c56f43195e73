import Foundation

/// The pusher's bookkeeping for one group of replicas (the replicas of one server): the version
/// wanted, each replica's state, and when each may be tried again. Pure: the pusher does the I/O
/// and feeds the outcomes back.
struct DistributionGroup: Sendable {
    private(set) var release: PolicyRelease?
    private(set) var targets: [String: PolicyPushTarget] = [:]
    private(set) var replicas: [String: ReplicaPolicyState] = [:]
    /// When a failed replica may be tried again.
    private var retryAt: [String: ContinuousClock.Instant] = [:]
    /// The version being pushed to a replica right now.
    private var inFlight: [String: String] = [:]
    /// Pushes started to each replica: a verification that began before the latest push may
    /// report what the replica enforced before it, and is then dropped.
    private var pushesStarted: [String: Int] = [:]
    /// When the change being propagated was observed; cleared when the last replica acks.
    private(set) var changeObservedAt: ContinuousClock.Instant?
    /// When the last change reached its last replica.
    private(set) var lastPropagation: Date?

    /// Sets the version wanted and the replicas that should enforce it. Replicas no longer listed
    /// are forgotten; a replica whose address changed (a new pod under an old name) starts over.
    /// `observedAt` is when the change was observed (kept from the first call for a version).
    mutating func update(release: PolicyRelease, targets list: [PolicyPushTarget], observedAt: ContinuousClock.Instant?) {
        if release.version != self.release?.version {
            changeObservedAt = observedAt ?? changeObservedAt
            // A failure of the previous version does not delay the new one.
            retryAt.removeAll()
        }
        self.release = release
        var next: [String: PolicyPushTarget] = [:]
        for target in list { next[target.replica] = target }
        for (name, old) in targets where next[name] == nil || next[name]?.adminURL != old.adminURL {
            replicas[name] = nil
            retryAt[name] = nil
        }
        targets = next
        for name in next.keys where replicas[name] == nil { replicas[name] = ReplicaPolicyState(replica: name) }
    }

    /// The targets to push to now: behind the wanted version, not refusing it, not being pushed
    /// to, and past their backoff.
    func due(now: ContinuousClock.Instant) -> [PolicyPushTarget] {
        guard let version = release?.version else { return [] }
        return targets.values.filter { target in
            guard let state = replicas[target.replica] else { return false }
            guard state.ackedVersion != version, state.rejectedVersion != version, inFlight[target.replica] == nil else { return false }
            if let at = retryAt[target.replica], at > now { return false }
            return true
        }.sorted { $0.replica < $1.replica }
    }

    /// The targets not being pushed to right now (for verification).
    func idleTargets() -> [PolicyPushTarget] {
        targets.values.filter { inFlight[$0.replica] == nil }.sorted { $0.replica < $1.replica }
    }

    /// The earliest backoff deadline, if a replica waits for one.
    var nextRetry: ContinuousClock.Instant? { retryAt.values.min() }

    /// Marks a push of `version` to `replica` as started.
    mutating func begin(_ replica: String, version: String) {
        inFlight[replica] = version
        pushesStarted[replica, default: 0] += 1
    }

    /// How many pushes to `replica` have started; a verification notes it when it begins.
    func pushCount(of replica: String) -> Int { pushesStarted[replica, default: 0] }

    /// Records the outcome of pushing `version` to `target`. Outcomes for a target no longer
    /// listed (or listed under another address) are dropped.
    mutating func record(_ outcome: PushOutcome, pushing version: String, to target: PolicyPushTarget, now: ContinuousClock.Instant,
                         wallNow: Date, backoff: PushBackoff) {
        inFlight[target.replica] = nil
        guard targets[target.replica]?.adminURL == target.adminURL, var state = replicas[target.replica] else { return }
        switch outcome {
        case .acknowledged(let acked, let sha256, let appliedAt):
            if acked == version {
                state.ackedVersion = acked
                state.ackedSHA256 = sha256
                state.ackedAt = appliedAt ?? wallNow
                state.lastError = nil
                state.consecutiveFailures = 0
                retryAt[target.replica] = nil
            } else {
                fail(&state, "the gateway answered the push of \(PolicyRelease.short(version)) with \(PolicyRelease.short(acked))",
                     now: now, backoff: backoff)
            }
        case .rejected(let field, let reason):
            state.rejectedVersion = version
            state.lastError = "rejected \(PolicyRelease.short(version)): " + (field.isEmpty ? reason : "\(field): \(reason)")
            state.consecutiveFailures = 0
            retryAt[target.replica] = nil
        case .failed(let message):
            fail(&state, message, now: now, backoff: backoff)
        }
        replicas[target.replica] = state
    }

    /// Records what a gateway reported enforcing. A replica found behind (restarted, replaced,
    /// or changed by hand) is marked so and becomes due at once; an unreachable one backs off.
    /// `pushCountAtStart` is `pushCount(of:)` when the verification began: when a push has started
    /// since, the report may predate it and is dropped.
    mutating func record(_ outcome: VerificationOutcome, of target: PolicyPushTarget, pushCountAtStart: Int? = nil,
                         now: ContinuousClock.Instant, wallNow: Date, backoff: PushBackoff) {
        guard targets[target.replica]?.adminURL == target.adminURL, var state = replicas[target.replica],
              inFlight[target.replica] == nil, pushCountAtStart.map({ $0 == pushCount(of: target.replica) }) ?? true else { return }
        switch outcome {
        case .enforcing(let version, let sha256, let appliedAt):
            if state.ackedVersion != version || state.ackedAt == nil {
                state.ackedVersion = version
                state.ackedSHA256 = sha256
                state.ackedAt = appliedAt ?? wallNow
            }
            if version == release?.version {
                state.lastError = nil
                state.consecutiveFailures = 0
            }
            retryAt[target.replica] = nil
        case .noPolicy:
            state.ackedVersion = nil
            state.ackedSHA256 = nil
            state.ackedAt = nil
            retryAt[target.replica] = nil
        case .failed(let message):
            fail(&state, message, now: now, backoff: backoff)
        }
        replicas[target.replica] = state
    }

    private mutating func fail(_ state: inout ReplicaPolicyState, _ message: String, now: ContinuousClock.Instant, backoff: PushBackoff) {
        state.lastError = message
        state.consecutiveFailures += 1
        retryAt[state.replica] = now + backoff.delay(afterFailures: state.consecutiveFailures)
    }

    /// Whether every listed replica enforces the wanted version.
    var allCurrent: Bool {
        guard let version = release?.version else { return true }
        return replicas.values.allSatisfy { $0.ackedVersion == version }
    }

    /// When every replica is current and a change was being propagated: how long it took (from
    /// observation to now), once. Nil otherwise, or when there are no replicas.
    mutating func completePropagation(now: ContinuousClock.Instant, wallNow: Date) -> Duration? {
        guard let observed = changeObservedAt, allCurrent else { return nil }
        changeObservedAt = nil
        guard !replicas.isEmpty else { return nil }
        lastPropagation = wallNow
        return observed.duration(to: now)
    }

    /// The public view.
    func status(group: String) -> PolicyDistributionStatus {
        PolicyDistributionStatus(group: group, desiredVersion: release?.version,
                                 replicas: replicas.values.sorted { $0.replica < $1.replica }, lastPropagation: lastPropagation)
    }
}

/// Where a group's distribution stands: the version wanted and what each replica enforces.
public struct PolicyDistributionStatus: Sendable, Hashable {
    /// The group (such as `namespace/server`).
    public var group: String
    /// The version every replica should enforce.
    public var desiredVersion: String?
    /// Each replica's state, by name.
    public var replicas: [ReplicaPolicyState]
    /// When the last change reached its last replica.
    public var lastPropagation: Date?

    /// A status.
    public init(group: String, desiredVersion: String?, replicas: [ReplicaPolicyState], lastPropagation: Date? = nil) {
        self.group = group
        self.desiredVersion = desiredVersion
        self.replicas = replicas
        self.lastPropagation = lastPropagation
    }

    /// How many replicas enforce the desired version.
    public var currentCount: Int { replicas.filter { $0.phase(desired: desiredVersion) == .current }.count }

    /// Whether every replica enforces the desired version.
    public var isComplete: Bool { currentCount == replicas.count }
}
