import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock (`flock`) on a file, held by one process at a time.
public final class FileLock: @unchecked Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock without waiting; nil when another process holds it.
    public static func tryLock(path: String) throws -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LocalStoreError.database(file: path, detail: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        return FileLock(path: path, descriptor: descriptor)
    }

    /// Takes the lock, waiting up to `timeout` for another process to release it.
    public static func lock(path: String, timeout: Duration) throws -> FileLock {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let lock = try tryLock(path: path) { return lock }
            if ContinuousClock.now >= deadline {
                throw LocalStoreError.busy(file: path, waited: timeout)
            }
            usleep(10_000)
        }
    }

    /// Runs `body` while holding the lock.
    static func withExclusiveLock<T>(path: String, timeout: Duration, _ body: () throws -> T) throws -> T {
        let lock = try lock(path: path, timeout: timeout)
        defer { lock.unlock() }
        return try body()
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Whether another process holds the lock on `path` right now.
    public static func isHeld(path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        guard let lock = try? tryLock(path: path) else { return true }
        lock.unlock()
        return false
    }

    private let state = NSLock()
    private var released = false

    /// Releases the lock (also released when the process exits).
    public func unlock() {
        let first = state.withLock {
            defer { released = true }
            return !released
        }
        if first {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    deinit { unlock() }
}
