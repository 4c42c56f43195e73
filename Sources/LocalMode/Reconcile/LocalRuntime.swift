import DockerEngine
import Foundation

/// The controller's in-memory bookkeeping: restarts and exits per container, the latest stats
/// of plugin containers, what each server's config volume holds.
final class LocalRuntime: Sendable {
    /// One stats sample, rounded for a stable status.
    struct Usage: Sendable, Hashable {
        var memoryBytes: Int64?
        var memoryLimitBytes: Int64?
        var cpuMillicores: Int64?
    }

    struct State {
        var restarts: RestartTracker
        var usage: [String: Usage] = [:]
        /// Server key → (token fingerprint, policy version) written to its config volume.
        var configWritten: [String: String] = [:]
    }

    private let state: LockedState<State>

    init(backoff: RestartTracker.Configuration) {
        state = LockedState(State(restarts: RestartTracker(configuration: backoff)))
    }

    func withRestarts<R>(_ body: (inout RestartTracker) -> R) -> R { state.withLock { body(&$0.restarts) } }

    func usage(_ container: String) -> Usage? { state.withLock { $0.usage[container] } }

    func record(usage: Usage, for container: String) { state.withLock { $0.usage[container] = usage } }

    func configWritten(_ key: String) -> String? { state.withLock { $0.configWritten[key] } }

    func setConfigWritten(_ key: String, _ value: String?) { state.withLock { $0.configWritten[key] = value } }

    func forget(server key: String, containers: [String]) {
        state.withLock { state in
            state.restarts.forget(containers)
            for name in containers { state.usage[name] = nil }
            state.configWritten[key] = nil
        }
    }

    /// A stats sample as kept: memory to the MiB, CPU to the millicore.
    static func usage(of stats: ContainerStats) -> Usage {
        let mib: UInt64 = 1 << 20
        let memory = stats.memoryUsedBytes.map { Int64(($0 + mib / 2) / mib * mib) }
        let limit = stats.memoryLimitBytes.map { Int64(clamping: $0) }
        return Usage(memoryBytes: memory, memoryLimitBytes: limit, cpuMillicores: Int64((stats.cpuPercent * 10).rounded()))
    }
}
