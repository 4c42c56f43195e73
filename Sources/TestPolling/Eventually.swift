import Testing

/// Polls `condition` every 20 ms until it holds or `timeout` passes; records an issue naming
/// `what` on timeout. For test targets only (it records Swift Testing issues): a test on a loaded
/// machine waits for what it asserts rather than giving it a fixed, short window.
@discardableResult
public func eventually(_ what: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    if try await condition() { return true }
    Issue.record("timed out after \(timeout) waiting for \(what)", sourceLocation: sourceLocation)
    return false
}
