import Foundation

#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("prctl")
private func processControl(_ option: Int32, _ argument: UInt) -> Int32

/// Reaps the orphans a supervisor inherits. A gateway that is its container's first process (PID 1)
/// or a child subreaper becomes the parent of every process its servers leave behind (`npx` and
/// `uvx` start grandchildren; a server killed with its session orphans them): without `wait`, each
/// stays a zombie and the container runs out of process ids. Children started as `ChildProcess`
/// are left to their owners, who wait for them; every other zombie child is reaped.
public enum OrphanReaper {
    /// The ids of the running `ChildProcess`es, guarded by `lock`; a pid is added under the lock
    /// as it is spawned, so the reaper never takes an owned child for an orphan.
    nonisolated(unsafe) static var owned: Set<pid_t> = []
    static let lock = NSLock()
    nonisolated(unsafe) private static var started = false

    /// Makes this process a child subreaper (orphans of its descendants come to it, as to PID 1)
    /// and reaps them every `interval` on a thread of its own. Idempotent.
    public static func start(interval: TimeInterval = 1) {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        _ = processControl(36 /* PR_SET_CHILD_SUBREAPER */, 1)
        let thread = Thread {
            while true {
                reapOrphans()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "orphan-reaper"
        thread.start()
    }

    /// Reaps the zombie children no `ChildProcess` owns; returns their ids.
    @discardableResult
    public static func reapOrphans() -> [pid_t] {
        var reaped: [pid_t] = []
        for pid in zombieChildren(of: getpid()) {
            lock.lock()
            if !owned.contains(pid) {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { reaped.append(pid) }
            }
            lock.unlock()
        }
        return reaped
    }

    /// The children of `parent` that have ended and not been waited for (state `Z` in
    /// `/proc/PID/stat`).
    static func zombieChildren(of parent: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // "pid (comm) S ppid ...": the command may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, fields[0] == "Z", pid_t(fields[1]) == parent else { return nil }
            return pid
        }
    }

    static func register(_ pid: pid_t) { owned.insert(pid) }

    static func unregister(_ pid: pid_t) {
        lock.lock()
        owned.remove(pid)
        lock.unlock()
    }
}
