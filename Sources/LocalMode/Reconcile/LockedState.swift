import Foundation

/// A value behind a lock, for the controller's in-memory bookkeeping shared by its workers,
/// event watcher and monitor. Never held across an `await`.
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
