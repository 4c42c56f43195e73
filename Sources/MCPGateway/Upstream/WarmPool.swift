import Logging

/// Keeps a few started and initialized upstream processes ready so a new session does not wait for
/// a cold start. Each connection goes to one session only; the pool refills in the background.
public actor WarmPool {
    private let spec: UpstreamSpec
    private let size: Int
    private let factory: UpstreamFactory
    private let logger: Logger
    private var ready: [UpstreamConnection] = []
    private var starting = 0
    private var stopped = false
    /// Whether any upstream has completed the handshake since the pool started.
    public private(set) var hasInitialized = false
    /// How many starts failed in a row (reported as upstream health).
    public private(set) var consecutiveFailures = 0

    /// A pool of `size` ready connections to `spec` (0 disables warming).
    public init(spec: UpstreamSpec, size: Int, factory: UpstreamFactory, logger: Logger) {
        self.spec = spec
        self.size = max(0, size)
        self.factory = factory
        self.logger = logger
    }

    /// The number of ready connections.
    public var readyCount: Int { ready.count }

    /// Starts filling the pool.
    public func fill() {
        while !stopped, ready.count + starting < size {
            starting += 1
            Task { await self.startOne() }
        }
    }

    /// A ready connection, or a freshly started one when none is ready.
    public func take() async throws -> UpstreamConnection {
        while let connection = ready.first {
            ready.removeFirst()
            if await connection.isAlive {
                fill()
                return connection
            }
        }
        fill()
        do {
            let connection = try await factory.connect(name: "", spec: spec)
            record(success: true)
            return connection
        } catch {
            record(success: false)
            throw error
        }
    }

    /// With no warm slots, starts the upstream once and closes it, so readiness reflects a working
    /// upstream; with warm slots, fills the pool.
    public func probe() async {
        guard size == 0 else { return fill() }
        guard !hasInitialized, !stopped else { return }
        do {
            let connection = try await factory.connect(name: "", spec: spec)
            record(success: true)
            await connection.close()
        } catch {
            record(success: false)
            logger.warning("upstream probe failed", metadata: ["upstream": "\(spec)", "error": "\(error)"])
        }
    }

    /// Closes every ready connection and stops refilling.
    public func shutdown() async {
        stopped = true
        let connections = ready
        ready.removeAll()
        for connection in connections { await connection.close() }
    }

    private func record(success: Bool) {
        if success {
            hasInitialized = true
            consecutiveFailures = 0
        } else {
            consecutiveFailures += 1
        }
    }

    private func startOne() async {
        do {
            let connection = try await factory.connect(name: "", spec: spec)
            starting -= 1
            record(success: true)
            if stopped || ready.count >= size {
                await connection.close()
            } else {
                ready.append(connection)
            }
        } catch {
            starting -= 1
            record(success: false)
            logger.warning("warm upstream failed to start", metadata: ["upstream": "\(spec)", "error": "\(error)"])
            // Back off so a broken command does not spin.
            if !stopped {
                try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(consecutiveFailures, 6))))
                fill()
            }
        }
    }
}
