import Foundation
import KubeClient
import Logging
import Metrics

/// Competes for leadership on a coordination.k8s.io/v1 Lease and runs work only while leading.
///
/// Candidates try to acquire every `retryPeriod` (with jitter). The leader renews every
/// `retryPeriod` with an update that carries the lease's resourceVersion, so of two writers only
/// one succeeds (the other gets 409 and reads again). A leader that has not renewed within
/// `renewDeadline` of its last successful renewal — or that sees another holder — stops leading
/// at once: `isLeader` turns false, the callback runs and the work is cancelled. A leader whose
/// work ends (graceful shutdown) releases the lease so another candidate takes over quickly.
public final class LeaderElector: Sendable {
    /// How `run` ended.
    public enum Outcome: Sendable, Equatable {
        /// The work finished or the task was cancelled; the lease was released if held.
        case stopped
        /// Leadership was lost while leading; the work was cancelled.
        case lost
    }

    /// The election's settings.
    public let configuration: LeaderElectionConfiguration
    private let client: KubernetesClient
    private let logger: Logger
    private let onChange: (@Sendable (Bool) -> Void)?
    private let state: Locked<(decision: LeaseDecision, lease: Lease?, leading: Bool)>
    private let leaderGauge: Gauge

    /// Makes an elector. `onLeadershipChange` is called with true on acquiring and false on
    /// losing or releasing the lease.
    public init(client: KubernetesClient, configuration: LeaderElectionConfiguration,
                onLeadershipChange: (@Sendable (Bool) -> Void)? = nil, logger: Logger = Logger(label: "leader-election")) {
        self.client = client
        self.configuration = configuration
        self.onChange = onLeadershipChange
        var logger = logger
        logger[metadataKey: "lease"] = "\(configuration.namespace)/\(configuration.leaseName)"
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
        state = Locked((LeaseDecision(identity: configuration.identity, leaseDuration: configuration.leaseDuration), nil, false))
        leaderGauge = Gauge(label: "leader_election_master_status", dimensions: [("name", configuration.leaseName)])
    }

    /// Whether this process currently leads.
    public var isLeader: Bool { state.withLock { $0.leading } }

    /// Acquires the lease, runs `work` while leading, and returns when the work ends, leadership
    /// is lost (the work is then cancelled at once), or the task is cancelled.
    public func run(_ work: @escaping @Sendable () async -> Void) async -> Outcome {
        guard await acquire() else { return .stopped }
        setLeading(true)
        logger.info("acquired leadership")
        let lost = await withTaskGroup(of: Bool.self) { group -> Bool in
            group.addTask { await work(); return false }
            group.addTask { await self.renewUntilLost() }
            let first = await group.next() ?? false
            if first { setLeading(false) }  // before the work is cancelled: nothing may reconcile on
            group.cancelAll()
            return first
        }
        if lost {
            logger.error("lost leadership: could not renew the lease within the renew deadline")
            return .lost
        }
        setLeading(false)
        if configuration.releaseOnCancel {
            // The calling task may be cancelled; release in a fresh task, bounded by the renew deadline.
            let deadline = configuration.renewDeadline
            await Task { try? await self.withTimeout(deadline) { try await self.release() } }.value
        }
        logger.info("stopped leading")
        return .stopped
    }

    // MARK: Phases

    /// Tries every retry period (jittered) until the lease is ours; false when cancelled.
    private func acquire() async -> Bool {
        while !Task.isCancelled {
            if (try? await withTimeout(configuration.renewDeadline) { try await self.tryAcquireOrRenew() }) == true { return true }
            let delay = configuration.retryPeriod * (1 + 0.2 * configuration.jitter.next())
            do { try await configuration.clock.sleep(for: delay) } catch { return false }
        }
        return false
    }

    /// Renews every retry period; returns true once leadership is lost, false when cancelled.
    private func renewUntilLost() async -> Bool {
        var lastRenew = configuration.clock.now()
        while true {
            do { try await configuration.clock.sleep(for: configuration.retryPeriod) } catch { return false }
            while true {
                let remaining = (lastRenew + configuration.renewDeadline) - configuration.clock.now()
                if remaining <= .zero { return true }
                let attemptStarted = configuration.clock.now()
                do {
                    if try await withTimeout(remaining, { try await self.tryAcquireOrRenew() }) {
                        lastRenew = attemptStarted
                        break
                    }
                    return true  // someone else holds it now
                } catch {
                    if Task.isCancelled { return false }
                    logger.warning("renewing the lease failed: \(error)")
                }
                let wait = min(configuration.retryPeriod, (lastRenew + configuration.renewDeadline) - configuration.clock.now())
                if wait > .zero {
                    do { try await configuration.clock.sleep(for: wait) } catch { return false }
                }
            }
        }
    }

    /// One read-decide-write round; true when this candidate holds the lease afterwards.
    private func tryAcquireOrRenew() async throws -> Bool {
        let current: Lease?
        do {
            current = try await client.get(Lease.self, name: configuration.leaseName, namespace: configuration.namespace)
        } catch let error as KubernetesError where error.isNotFound {
            current = nil
        }
        let now = configuration.clock.now()
        let action = state.withLock { state -> LeaseDecision.Action in
            state.decision.observe(current, now: now)
            state.lease = current
            return state.decision.decide(current, now: now, wallNow: configuration.wallClock())
        }
        var written: Lease
        switch action {
        case .heldByOther:
            return false
        case .create(var lease):
            lease.metadata.name = configuration.leaseName
            lease.metadata.namespace = configuration.namespace
            // 409 AlreadyExists or Conflict: another candidate wrote first; the next round reads again.
            written = try await client.create(lease)
        case .update(let lease):
            written = try await client.update(lease)
        }
        let observedAt = configuration.clock.now()
        state.withLock { state in
            state.decision.observe(written, now: observedAt)
            state.lease = written
        }
        return true
    }

    /// Clears the holder when this candidate holds the lease.
    private func release() async throws {
        let lease = try await client.get(Lease.self, name: configuration.leaseName, namespace: configuration.namespace)
        let decision = state.withLock { $0.decision }
        guard let released = decision.released(lease, wallNow: configuration.wallClock()) else { return }
        _ = try await client.update(released)
        logger.info("released the lease")
    }

    private func setLeading(_ leading: Bool) {
        let changed = state.withLock { state -> Bool in
            defer { state.leading = leading }
            return state.leading != leading
        }
        guard changed else { return }
        leaderGauge.record(leading ? 1 : 0)
        onChange?(leading)
    }

    /// Runs `operation`, cancelling it and throwing `LeaderElectionTimeout` after `timeout`.
    private func withTimeout<R: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> R) async throws -> R {
        let clock = configuration.clock
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await clock.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw LeaderElectionTimeout() }
            return result
        }
    }
}

/// A lease request that did not finish in time.
struct LeaderElectionTimeout: Error, CustomStringConvertible {
    var description: String { "the lease request timed out" }
}
