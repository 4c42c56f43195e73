import ControlPlaneHTTP
import Foundation
import Logging
import Metrics

/// Keeps groups of gateways at a wanted policy version: pushes each release concurrently to every
/// replica's admin endpoint, records each acknowledgement (version, sha256, when) or rejection,
/// retries replicas that are down with backoff, and re-checks every replica periodically with
/// `GET /admin/policy` so a restarted or replaced one is brought back to the current version.
/// One implementation for the Kubernetes operator (a group per MCPServer, a target per ready pod)
/// and for local mode (a group per server, a target per gateway container).
///
/// Usage:
///
/// ```swift
/// let pusher = PolicyPusher(onUpdate: { status in /* write status.policy */ })
/// Task { await pusher.run() }                  // retries and verification, until cancelled
/// let status = await pusher.distribute(PolicyRelease(document), to: [
///     PolicyPushTarget(replica: "files-0", adminURL: "http://127.0.0.1:9090", adminToken: token),
/// ], group: "default/files")
/// status.isComplete                            // every replica acknowledged
/// ```
///
/// `distribute` returns after one round of pushes to the replicas that need it (acks and
/// rejections recorded); call it again whenever the replicas or the release change (it is
/// idempotent: replicas already at the version are not pushed to). A replica that answers 422 is
/// never sent that version again; one that is down is retried by `run()` with `backoff`, and
/// shows as `lagging` meanwhile. Every change of a group's state after `distribute` returns —
/// a retry or a verification that changed something — is reported to `onUpdate` and `updates()`.
/// The histogram `policy_propagation_seconds` records, per group and change, the time from the
/// change being observed (`changeObservedAt`) to the last replica's acknowledgement.
public actor PolicyPusher {
    /// How the pusher talks to gateways and how often it retries and verifies.
    public struct Configuration: Sendable {
        /// Time allowed to connect to an admin endpoint.
        public var connectTimeout: Duration
        /// Total time allowed for one push or check.
        public var requestTimeout: Duration
        /// Delays between attempts to reach a replica that failed.
        public var backoff: PushBackoff
        /// How often every replica is asked what it enforces.
        public var verifyInterval: Duration
        /// How often due retries are looked for.
        public var retryTick: Duration
        /// Connections kept open for reuse (one per gateway is ideal).
        public var maxConnections: Int

        /// The defaults: 1 s to connect, 3 s per request, backoff from 200 ms to 10 s, verification
        /// every 30 s.
        public init(connectTimeout: Duration = .seconds(1), requestTimeout: Duration = .seconds(3), backoff: PushBackoff = PushBackoff(),
                    verifyInterval: Duration = .seconds(30), retryTick: Duration = .milliseconds(100), maxConnections: Int = 256) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.backoff = backoff
            self.verifyInterval = verifyInterval
            self.retryTick = retryTick
            self.maxConnections = maxConnections
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let client: PolicyAdminClient
    private let logger: Logger
    private let onUpdate: (@Sendable (PolicyDistributionStatus) -> Void)?
    private let propagation = Metrics.Timer(label: "policy_propagation_seconds", preferredDisplayUnit: .seconds)
    private var groups: [String: DistributionGroup] = [:]
    /// Pushes sent since the pusher was made (every `PUT /admin/policy`, whatever its outcome).
    public private(set) var pushesSent = 0
    private var subscribers: [Int: AsyncStream<PolicyDistributionStatus>.Continuation] = [:]
    private var nextSubscriber = 0

    /// A pusher. `onUpdate` is called (on the pusher) with a group's status whenever a retry or a
    /// verification changed it.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "policy-pusher"),
                onUpdate: (@Sendable (PolicyDistributionStatus) -> Void)? = nil) {
        self.configuration = configuration
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            maxIdleConnections: configuration.maxConnections, acceptCompression: false))
        client = PolicyAdminClient(transport: transport, timeout: configuration.requestTimeout)
        self.logger = logger
        self.onUpdate = onUpdate
    }

    // MARK: Distribution

    /// Makes `release` the version `group`'s replicas should enforce, with `targets` as the
    /// replicas (others are forgotten), and pushes it to every replica that needs it, concurrently.
    /// Returns the group's status after that round. `changeObservedAt` is when the change was
    /// observed, for `policy_propagation_seconds` (nil: the change is not timed).
    @discardableResult
    public func distribute(_ release: PolicyRelease, to targets: [PolicyPushTarget], group: String,
                           changeObservedAt: ContinuousClock.Instant? = nil) async -> PolicyDistributionStatus {
        var state = groups[group] ?? DistributionGroup()
        state.update(release: release, targets: targets, observedAt: changeObservedAt)
        groups[group] = state
        await pushDue(group)
        finishRound(group)
        return status(of: group) ?? PolicyDistributionStatus(group: group, desiredVersion: release.version, replicas: [])
    }

    /// The status of a group, if it is known.
    public func status(of group: String) -> PolicyDistributionStatus? { groups[group]?.status(group: group) }

    /// Every group's status.
    public func statuses() -> [PolicyDistributionStatus] { groups.keys.sorted().compactMap(status(of:)) }

    /// Forgets a group (its server was deleted).
    public func remove(group: String) { groups[group] = nil }

    /// Asks every replica of `group` what it enforces now, pushes to those found behind, and
    /// returns the status.
    @discardableResult
    public func verify(group: String) async -> PolicyDistributionStatus? {
        guard let state = groups[group] else { return nil }
        let before = state.status(group: group)
        let targets = state.idleTargets().map { (target: $0, pushCount: state.pushCount(of: $0.replica)) }
        let client = self.client
        let expected = state.release?.version
        await withTaskGroup(of: (PolicyPushTarget, Int, VerificationOutcome).self) { tasks in
            for (target, pushCount) in targets {
                tasks.addTask { (target, pushCount, await client.verify(target, expecting: expected)) }
            }
            // A push may start and finish while a verification is out (this actor is reentrant):
            // its answer then predates the push and is dropped.
            for await (target, pushCount, outcome) in tasks {
                groups[group]?.record(outcome, of: target, pushCountAtStart: pushCount, now: .now, wallNow: Date(), backoff: configuration.backoff)
            }
        }
        await pushDue(group)
        if let after = status(of: group), after != before { publish(after) }
        finishRound(group)
        return status(of: group)
    }

    /// A stream of group statuses, one element per change reported to `onUpdate`.
    public func updates() -> AsyncStream<PolicyDistributionStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: PolicyDistributionStatus.self, bufferingPolicy: .bufferingNewest(256))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    // MARK: Background

    /// Retries replicas whose backoff has passed and verifies every replica each
    /// `verifyInterval`, until cancelled.
    public func run() async {
        var lastVerification = ContinuousClock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.retryTick)
            } catch {
                return
            }
            let now = ContinuousClock.now
            let verifyAll = lastVerification.duration(to: now) >= configuration.verifyInterval
            if verifyAll { lastVerification = now }
            let names = groups.keys.filter { verifyAll || groups[$0]?.due(now: now).isEmpty == false }
            guard !names.isEmpty else { continue }
            await withTaskGroup(of: Void.self) { tasks in
                for name in names {
                    tasks.addTask {
                        if verifyAll {
                            await self.verify(group: name)
                        } else {
                            await self.retry(group: name)
                        }
                    }
                }
            }
        }
    }

    private func retry(group: String) async {
        guard let before = status(of: group) else { return }
        await pushDue(group)
        if let after = status(of: group), after != before { publish(after) }
        finishRound(group)
    }

    /// Pushes the group's release to every due replica concurrently, recording each outcome as it comes.
    private func pushDue(_ group: String) async {
        guard var state = groups[group], let release = state.release else { return }
        let due = state.due(now: .now)
        guard !due.isEmpty else { return }
        for target in due { state.begin(target.replica, version: release.version) }
        pushesSent += due.count
        groups[group] = state
        let client = self.client
        await withTaskGroup(of: (PolicyPushTarget, PushOutcome).self) { tasks in
            for target in due { tasks.addTask { (target, await client.push(release, to: target)) } }
            for await (target, outcome) in tasks {
                switch outcome {
                case .acknowledged: break
                case .rejected(let field, let reason):
                    logger.warning("gateway rejected the policy", metadata: [
                        "group": "\(group)", "replica": "\(target.replica)", "version": "\(release.version)", "field": "\(field)",
                        "reason": "\(reason)"])
                case .failed(let message):
                    logger.info("policy push failed", metadata: ["group": "\(group)", "replica": "\(target.replica)", "error": "\(message)"])
                }
                groups[group]?.record(outcome, pushing: release.version, to: target, now: .now, wallNow: Date(), backoff: configuration.backoff)
            }
        }
    }

    /// Records the propagation time when the round completed a change.
    private func finishRound(_ group: String) {
        guard var state = groups[group] else { return }
        if let elapsed = state.completePropagation(now: .now, wallNow: Date()) {
            let (seconds, attoseconds) = elapsed.components
            propagation.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            logger.debug("policy propagated", metadata: ["group": "\(group)", "elapsed": "\(elapsed)"])
        }
        groups[group] = state
    }

    private func publish(_ status: PolicyDistributionStatus) {
        onUpdate?(status)
        for continuation in subscribers.values { continuation.yield(status) }
    }
}
