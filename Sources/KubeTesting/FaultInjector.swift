import Foundation

/// Failures and latency injected into the fake server's answers.
final class FaultInjector: @unchecked Sendable {
    private struct Rule {
        var remaining: Int
        var status: Int
        var retryAfterSeconds: Int?
        var matching: @Sendable (RecordedRequest) -> Bool
    }

    private let lock = NSLock()
    private var rules: [Rule] = []
    private var latencyValue: Duration = .zero

    /// Fails the next `count` requests that `matching` accepts with `status`.
    func add(count: Int, status: Int, retryAfterSeconds: Int?, matching: @escaping @Sendable (RecordedRequest) -> Bool) {
        lock.lock()
        defer { lock.unlock() }
        rules.append(Rule(remaining: count, status: status, retryAfterSeconds: retryAfterSeconds, matching: matching))
    }

    /// The failure for `request`, consuming one from the first matching rule, or nil.
    func failure(for request: RecordedRequest) -> FakeAPIError? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = rules.firstIndex(where: { $0.remaining > 0 && $0.matching(request) }) else { return nil }
        rules[index].remaining -= 1
        let rule = rules[index]
        if rule.remaining == 0 { rules.remove(at: index) }
        return .injected(code: rule.status, retryAfterSeconds: rule.retryAfterSeconds)
    }

    /// The delay before every answer.
    var latency: Duration {
        get {
            lock.lock()
            defer { lock.unlock() }
            return latencyValue
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            latencyValue = newValue
        }
    }

    /// How many injected failures are still pending.
    var pendingFailures: Int {
        lock.lock()
        defer { lock.unlock() }
        return rules.reduce(0) { $0 + $1.remaining }
    }
}
