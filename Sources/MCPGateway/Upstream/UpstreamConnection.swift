import Logging
import NIOConcurrencyHelpers

/// Something an upstream server sent on its own: a notification, or a request the gateway must
/// pass to the client (sampling, elicitation, roots); or the news that the upstream is gone.
public enum UpstreamEvent: Sendable {
    /// A notification from the server.
    case notification(method: String, params: JSONValue?)
    /// A server-to-client request; answer it with `UpstreamConnection.respond(to:with:)`.
    case request(id: JSONRPCID, method: String, params: JSONValue?)
    /// The upstream exited or its connection was lost; no more events follow.
    case closed(UpstreamError)
}

/// The gateway's MCP client side of one upstream server: it assigns its own request ids, matches
/// answers to callers, answers callers with a JSON-RPC error when the upstream dies, and surfaces
/// everything else as `events`.
public actor UpstreamConnection {
    /// The upstream's name: empty for the main server, the plugin name for a plugin.
    public nonisolated let name: String
    /// Notifications, server-to-client requests and the close, in arrival order.
    public nonisolated let events: AsyncStream<UpstreamEvent>

    private let transport: any UpstreamTransport
    private let logger: Logger
    private let eventContinuation: AsyncStream<UpstreamEvent>.Continuation
    private var remapper = IDRemapper<PendingAnswer>()
    /// Where the progress of a call in flight goes, by the progress token the call carries.
    private var progressRelays: [JSONValue: ProgressRelay] = [:]
    private var readTask: Task<Void, Never>?
    private var closedError: UpstreamError?
    /// The server's answer to `initialize`, once the handshake is done.
    public private(set) var initializeResult: JSONValue?

    /// A connection over `transport`; call `start()` and then `initialize(...)`.
    public init(name: String, transport: any UpstreamTransport, logger: Logger) {
        self.name = name
        self.transport = transport
        self.logger = logger
        (events, eventContinuation) = AsyncStream<UpstreamEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    /// Whether the upstream is still there.
    public var isAlive: Bool { closedError == nil }

    private nonisolated let lostFlag = NIOLockedValueBox(false)
    /// Whether the upstream is gone or closed, readable without a hop to the connection; set
    /// before any pending caller is answered with the loss.
    public nonisolated var isLost: Bool { lostFlag.withLockedValue { $0 } }

    /// The transport this connection speaks over.
    public nonisolated var underlyingTransport: any UpstreamTransport { transport }

    /// Starts the transport and the reader.
    public func start() async throws {
        let stream = try await transport.start()
        readTask = Task { [weak self] in
            for await message in stream {
                guard let self else { return }
                await self.receive(message)
            }
            await self?.lost(.exited("the upstream closed its output"))
        }
    }

    /// Runs the `initialize` handshake and sends `notifications/initialized`.
    /// - Returns: the server's `InitializeResult`.
    public func initialize(protocolVersion: String, clientInfo: JSONValue, capabilities: JSONValue) async throws -> JSONValue {
        let params: JSONValue = ["protocolVersion": .string(protocolVersion), "capabilities": capabilities, "clientInfo": clientInfo]
        switch await call(method: "initialize", params: params) {
        case .success(let result):
            guard case .object = result else { throw UpstreamError.initializeFailed("initialize result is not an object") }
            if let version = result["protocolVersion"]?.stringValue { await transport.negotiated(protocolVersion: version) }
            initializeResult = result
            try await exchange(.notification(method: "notifications/initialized", params: nil))
            return result
        case .failure(let error):
            throw UpstreamError.initializeFailed(error.description)
        }
    }

    /// Sends a request and waits for its answer. When the calling task is cancelled, the upstream
    /// gets `notifications/cancelled` and the caller a JSON-RPC error at once.
    ///
    /// With `progress`, the upstream's `notifications/progress` carrying `progress.token` go to
    /// `progress.relay` as they are read, so every one sent before the answer is relayed before the
    /// caller has the answer (through `events` they could come after it, and be dropped).
    public func call(method: String, params: JSONValue?,
                     progress: (token: JSONValue, relay: ProgressRelay)? = nil) async -> Result<JSONValue, JSONRPCError> {
        if let closedError { return .failure(.upstreamUnavailable(closedError.shortDescription)) }
        if let progress { progressRelays[progress.token] = progress.relay }
        defer { if let progress { progressRelays[progress.token] = nil } }
        // The answer is registered before the request leaves, then the request is sent on the
        // caller's own task (no task of its own: this is every tool call's path).
        let answer = PendingAnswer()
        let id = remapper.assign(original: nil, context: answer)
        return await withTaskCancellationHandler {
            if !Task.isCancelled {
                do {
                    try await exchange(.request(id: id, method: method, params: params))
                } catch {
                    remapper.resolve(id)?.context.resolve(.failure(.upstreamUnavailable("send failed")))
                }
            }
            return await answer.value
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Sends a notification.
    public func notify(method: String, params: JSONValue?) async {
        guard closedError == nil else { return }
        do {
            try await exchange(.notification(method: method, params: params))
        } catch {
            logger.debug("notification to upstream failed", metadata: ["upstream": "\(name)", "error": "\(error)"])
        }
    }

    /// Answers a server-to-client request that the upstream sent with `id`.
    public func respond(to id: JSONRPCID, with result: Result<JSONValue, JSONRPCError>) async {
        guard closedError == nil else { return }
        let message: JSONRPCMessage
        switch result {
        case .success(let value): message = .response(id: id, result: value)
        case .failure(let error): message = .errorResponse(id: id, error: error)
        }
        try? await exchange(message)
    }

    /// Sends `message` and takes in what the transport answered within the exchange (an HTTP
    /// upstream's JSON answer resolves its caller here, without a trip through the reader).
    private func exchange(_ message: JSONRPCMessage) async throws {
        for answer in try await transport.send(message) { receive(answer) }
    }

    /// Ends the upstream: pending callers get an error, the transport is closed.
    public func close() async {
        lost(.closed)
        readTask?.cancel()
        await transport.close()
    }

    private func cancel(_ id: JSONRPCID) async {
        guard let entry = remapper.resolve(id) else { return }
        entry.context.resolve(.failure(JSONRPCError(code: JSONRPCError.internalErrorCode, message: "Request cancelled")))
        await notify(method: "notifications/cancelled", params: ["requestId": id.json, "reason": "cancelled by the client"])
    }

    private func receive(_ message: JSONRPCMessage) {
        switch message {
        case .response(let id, let result):
            guard let entry = remapper.resolve(id) else {
                logger.debug("upstream answered an unknown id", metadata: ["upstream": "\(name)", "id": "\(id)"])
                return
            }
            entry.context.resolve(.success(result))
        case .errorResponse(let id, let error):
            guard let id, let entry = remapper.resolve(id) else { return }
            entry.context.resolve(.failure(error))
        case .request(let id, let method, let params):
            eventContinuation.yield(.request(id: id, method: method, params: params))
        case .notification("notifications/progress", let params):
            if let token = params?["progressToken"], let relay = progressRelays[token] {
                relay(params)
            } else {
                eventContinuation.yield(.notification(method: "notifications/progress", params: params))
            }
        case .notification(let method, let params):
            eventContinuation.yield(.notification(method: method, params: params))
        }
    }

    private func lost(_ error: UpstreamError) {
        guard closedError == nil else { return }
        closedError = error
        lostFlag.withLockedValue { $0 = true }
        for entry in remapper.drain() {
            entry.context.resolve(.failure(.upstreamUnavailable(error.shortDescription)))
        }
        if error != .closed { logger.warning("upstream lost", metadata: ["upstream": "\(name)", "reason": "\(error)"]) }
        eventContinuation.yield(.closed(error))
        eventContinuation.finish()
    }
}

/// Takes the params of a `notifications/progress` on a call in flight.
public typealias ProgressRelay = @Sendable (JSONValue?) -> Void

/// The answer to one request, awaited by its caller and given by whoever resolves the request
/// first: the upstream's response, a cancellation, or the upstream's loss.
final class PendingAnswer: Sendable {
    typealias Answer = Result<JSONValue, JSONRPCError>

    private enum State {
        case waiting(CheckedContinuation<Answer, Never>?)
        case answered(Answer)
    }

    private let state = NIOLockedValueBox(State.waiting(nil))

    /// Gives the answer; later answers are ignored.
    func resolve(_ answer: Answer) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Answer, Never>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .answered(answer)
            return waiter
        }
        waiter?.resume(returning: answer)
    }

    /// The answer, once given (one caller waits).
    var value: Answer {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state -> Answer? in
                    switch state {
                    case .answered(let answer): return answer
                    case .waiting: state = .waiting(continuation); return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
