import Foundation
import Logging
import OperatorCore
import ServiceLifecycle

/// Turns a cache that cannot sync into one clear log line: a 403 names the missing RBAC
/// permission, so a misconfigured install is never a silent idle. Repeats at most once a minute
/// per cache while the problem lasts.
struct CacheSyncWatchdog: ServiceLifecycle.Service {
    let controller: MCPServerController
    let logger: Logger

    func run() async throws {
        var lastLogged: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelledOrShuttingDown {
            for cache in controller.unsyncedCaches {
                guard let error = cache.lastError else { continue }
                if let last = lastLogged[cache.name], last.duration(to: .now) < .seconds(60) { continue }
                lastLogged[cache.name] = .now
                if error.contains(" 403 ") || error.contains("Forbidden") {
                    logger.error("RBAC: the operator may not list/watch \(cache.name); grant it (see manifests/rbac) — \(error)")
                } else {
                    logger.warning("cache \(cache.name) has not synced: \(error)")
                }
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the task is cancelled or the service group is shutting down.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
