import NIOConcurrencyHelpers

/// The messages a session sends to its client outside the answer to a request (notifications,
/// server-to-client requests, and on the HTTP+SSE transport every answer). One consumer at a time
/// — the GET stream, the SSE stream or the WebSocket — takes them in order; while none is attached
/// the newest `capacity` messages wait.
public final class SessionOutbox: Sendable {
    private let state: NIOLockedValueBox<State>
    private let capacity: Int

    private struct State {
        var buffer: [JSONRPCMessage] = []
        var waiter: CheckedContinuation<JSONRPCMessage?, Never>?
        var waiterCall: UInt64 = 0
        var nextCall: UInt64 = 0
        // A call cancelled before it could register its waiter; only that call honours it.
        var cancelledCall: UInt64?
        var attached = false
        var finished = false
        /// The consumer that holds the outbox (`takeOver`); an older one gets nothing more.
        var consumer: UInt64 = 0
    }

    /// An outbox holding at most `capacity` undelivered messages (older ones are dropped).
    public init(capacity: Int = 1024) {
        self.capacity = capacity
        state = NIOLockedValueBox(State())
    }

    /// Queues `message` for the client.
    public func send(_ message: JSONRPCMessage) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<JSONRPCMessage?, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(message)
            if state.buffer.count > capacity { state.buffer.removeFirst(state.buffer.count - capacity) }
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// Claims the outbox for one consumer; false when another holds it or the session ended.
    public func attach() -> Bool {
        state.withLockedValue { state in
            guard !state.attached, !state.finished else { return false }
            state.attached = true
            return true
        }
    }

    /// Claims the outbox for a new consumer even while another holds it (a client reconnecting
    /// its stream before the server noticed the old one drop): the old consumer's wait ends with
    /// nil, and it gets nothing more. Returns the new consumer's number, nil when the session ended.
    public func takeOver() -> UInt64? {
        let (consumer, waiter) = state.withLockedValue { state -> (UInt64?, CheckedContinuation<JSONRPCMessage?, Never>?) in
            guard !state.finished else { return (nil, nil) }
            state.consumer += 1
            state.attached = true
            defer { state.waiter = nil }
            return (state.consumer, state.waiter)
        }
        waiter?.resume(returning: nil)
        return consumer
    }

    /// Releases the outbox so another consumer may attach; with `consumer`, only if that consumer
    /// still holds it.
    public func detach(consumer: UInt64? = nil) {
        state.withLockedValue { state in
            if let consumer, consumer != state.consumer { return }
            state.attached = false
        }
    }

    /// Whether a consumer is attached.
    public var isAttached: Bool { state.withLockedValue { $0.attached } }

    /// The next message; nil when the session ended, the waiting task was cancelled, or (with
    /// `consumer`) a newer consumer took the outbox over.
    public func next(consumer: UInt64? = nil) async -> JSONRPCMessage? {
        let call = state.withLockedValue { state -> UInt64 in
            state.nextCall += 1
            return state.nextCall
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<JSONRPCMessage?, Never>) in
                let immediate = state.withLockedValue { state -> JSONRPCMessage?? in
                    if let consumer, consumer != state.consumer { return .some(nil) }
                    if !state.buffer.isEmpty { return .some(state.buffer.removeFirst()) }
                    if state.finished || state.cancelledCall == call {
                        state.cancelledCall = nil
                        return .some(nil)
                    }
                    state.waiter = continuation
                    state.waiterCall = call
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> CheckedContinuation<JSONRPCMessage?, Never>? in
                guard let waiter = state.waiter, state.waiterCall == call else {
                    state.cancelledCall = call
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits at most `timeout` for the next message: `.message`, `.finished`, or `.idle`.
    public func next(timeout: Duration, consumer: UInt64? = nil) async -> OutboxWait {
        await withTaskGroup(of: OutboxWait.self) { group in
            group.addTask {
                if let message = await self.next(consumer: consumer) { return .message(message) }
                return Task.isCancelled ? .idle : .finished
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .idle
            }
            let first = await group.next() ?? .finished
            group.cancelAll()
            // A message that raced the timeout is not lost: the cancelled `next()` may still have
            // taken one, so collect it.
            if case .idle = first, let second = await group.next(), case .message = second { return second }
            return first
        }
    }

    /// Ends the outbox: the consumer gets nil.
    public func finish() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<JSONRPCMessage?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}

/// What waiting on an outbox with a timeout found.
public enum OutboxWait: Sendable {
    /// A message to deliver.
    case message(JSONRPCMessage)
    /// Nothing within the timeout (time for a keep-alive).
    case idle
    /// The session ended, or a newer consumer took the outbox over.
    case finished
}
