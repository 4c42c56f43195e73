import Logging

/// The open sessions by id. It builds each session's upstreams (the main one from the warm pool,
/// plugins connected fresh), expires idle sessions, drops sessions whose main upstream died, and
/// tells every session when the policy changes.
public actor SessionRegistry {
    private var sessions: [String: GatewaySession] = [:]
    private let pool: WarmPool
    private let plugins: [PluginSpec]
    private let factory: UpstreamFactory
    private let policyStore: PolicyStore
    private let metrics: GatewayMetrics?
    private let auditLog: AuditLog
    private let logger: Logger
    private let idleTimeout: Duration
    /// The most sessions open (or opening) at once; nil for no limit.
    public nonisolated let maxSessions: Int?
    private var opening = 0
    private var observerToken: Int?

    /// A registry whose sessions use `pool` for the main upstream and connect to `plugins`.
    public init(pool: WarmPool, plugins: [PluginSpec], factory: UpstreamFactory, policyStore: PolicyStore,
                metrics: GatewayMetrics?, auditLog: AuditLog = .discard, idleTimeout: Duration, maxSessions: Int? = nil,
                logger: Logger) {
        self.auditLog = auditLog
        self.maxSessions = maxSessions.flatMap { $0 > 0 ? $0 : nil }
        self.pool = pool
        self.plugins = plugins
        self.factory = factory
        self.policyStore = policyStore
        self.metrics = metrics
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// The number of open sessions.
    public var count: Int { sessions.count }

    /// The session with `id`, if it is open.
    public func session(id: String) -> GatewaySession? {
        // A session whose main upstream died is gone for its client (404, so it opens a new one)
        // from that moment, not once the removal has run.
        guard let session = sessions[id], !session.hasFailed else { return nil }
        return session
    }

    /// The session with `id` when it is open and belongs to `owner`; another caller holding the id
    /// finds nothing (the same 404 as an unknown id, so ids cannot be probed).
    public func session(id: String, owner: String) -> GatewaySession? {
        guard let session = session(id: id), session.owner == owner else { return nil }
        return session
    }

    /// Whether another session may open now.
    public var hasCapacity: Bool {
        guard let maxSessions else { return true }
        return sessions.count + opening < maxSessions
    }

    /// Opens a session: takes a main upstream, connects the plugins, and registers it.
    /// - Throws: `SessionLimitReached` when `maxSessions` are open or opening; `UpstreamError`
    ///   when the main upstream cannot be had.
    /// `owner` is the opening caller's `CallerIdentity.sessionOwner`.
    public func createSession(owner: String = "") async throws -> GatewaySession {
        // Count the slot before the first suspension: the actor is re-entrant, and concurrent
        // openings must not all pass the check.
        guard hasCapacity else {
            metrics?.recordSessionRejected(reason: "limit")
            throw SessionLimitReached(limit: maxSessions ?? 0)
        }
        opening += 1
        defer { opening -= 1 }
        let main: UpstreamConnection
        do {
            main = try await pool.take()
            metrics?.setUpstreamUp("main", true)
        } catch {
            metrics?.setUpstreamUp("main", false)
            metrics?.recordUpstreamFailure("main", reason: (error as? UpstreamError)?.shortDescription ?? "error")
            throw error
        }
        let factory = self.factory
        let metrics = self.metrics
        let logger = self.logger
        let connected = await withTaskGroup(of: (String, UpstreamConnection?).self) { group in
            for plugin in plugins {
                group.addTask {
                    do {
                        let connection = try await factory.connect(name: plugin.name, spec: plugin.upstream)
                        metrics?.setUpstreamUp(plugin.name, true)
                        return (plugin.name, connection)
                    } catch {
                        logger.warning("plugin failed to connect", metadata: ["plugin": "\(plugin.name)", "error": "\(error)"])
                        metrics?.setUpstreamUp(plugin.name, false)
                        metrics?.recordUpstreamFailure(plugin.name, reason: (error as? UpstreamError)?.shortDescription ?? "error")
                        return (plugin.name, nil)
                    }
                }
            }
            var result: [String: UpstreamConnection] = [:]
            for await (name, connection) in group { if let connection { result[name] = connection } }
            return result
        }
        let id = Self.makeSessionID()
        let session = GatewaySession(
            id: id, owner: owner, main: main, plugins: connected, routing: ToolRouting(pluginNames: plugins.map(\.name)),
            policyStore: policyStore, metrics: metrics, auditLog: auditLog, logger: logger,
            onFailure: { [weak self] id in Task { await self?.remove(id: id) } })
        await session.start()
        sessions[id] = session
        metrics?.setSessions(sessions.count)
        if observerToken == nil {
            // Each delivery runs on a task of its own, so two quick swaps can arrive in either
            // order: sessions look at the store's current policy, not at the one handed over.
            observerToken = policyStore.addObserver { [weak self] _ in
                Task { await self?.policyChanged() }
            }
        }
        return session
    }

    /// Closes and forgets the session with `id`.
    public func remove(id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        metrics?.setSessions(sessions.count)
        await session.close()
    }

    /// Closes sessions idle for longer than the timeout.
    public func expireIdleSessions(now: ContinuousClock.Instant = .now) async {
        for (id, session) in sessions where now - (await session.idleSince) > idleTimeout {
            logger.info("session expired", metadata: ["session": "\(id)"])
            await remove(id: id)
        }
    }

    /// Runs the expiry sweep until cancelled.
    public func runExpiry() async {
        let interval = min(idleTimeout / 4, .seconds(5))
        while !Task.isCancelled {
            try? await Task.sleep(for: max(interval, .milliseconds(50)))
            await expireIdleSessions()
        }
    }

    /// Closes every session (their streams end); the registry stays usable.
    public func closeAllSessions() async {
        for id in Array(sessions.keys) { await remove(id: id) }
    }

    /// Closes every session and the warm pool.
    public func shutdown() async {
        if let observerToken { policyStore.removeObserver(observerToken) }
        for id in Array(sessions.keys) { await remove(id: id) }
        await pool.shutdown()
    }

    private func policyChanged() async {
        for session in sessions.values { await session.policyChanged() }
    }

    private static func makeSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// A new session was refused because the gateway already holds as many as it may.
public struct SessionLimitReached: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configured maximum.
    public let limit: Int
    /// How long a client should wait before trying again, in seconds.
    public static let retryAfterSeconds = 1

    /// `session limit of N reached`.
    public var description: String { "session limit of \(limit) reached" }
}
