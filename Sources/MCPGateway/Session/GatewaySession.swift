import Logging

/// A request a session took from its client: answered at once, or running.
public enum PendingRequest: Sendable {
    /// Answered without running (the session is closed or its upstream lost).
    case answered(JSONRPCMessage)
    /// Running under the client's request id.
    case running(JSONRPCID, Task<JSONRPCMessage, Never>)
}

/// One client's MCP session through the gateway. To the client it is the MCP server; to each
/// upstream (the main server and every plugin) it is an MCP client with a connection of its own.
/// It answers `initialize` from the upstreams' handshakes, aggregates and routes tools, forwards the
/// rest to the main server, and carries notifications and server-to-client requests both ways with
/// remapped ids. Every request is checked against the policy snapshot current when it started.
public actor GatewaySession {
    /// The `Mcp-Session-Id` (or SSE `sessionId`) the client uses.
    public nonisolated let id: String
    /// The `CallerIdentity.sessionOwner` of the caller who opened it.
    public nonisolated let owner: String
    /// What the session sends the client outside request answers.
    public nonisolated let outbox = SessionOutbox()
    /// Whether the main upstream is gone: true before any caller hears of it, so once a client
    /// has an "upstream unavailable" answer, the registry no longer hands the session out.
    public nonisolated var hasFailed: Bool { main.isLost }

    let main: UpstreamConnection
    let plugins: [String: UpstreamConnection]
    let routing: ToolRouting
    let policyStore: PolicyStore
    let metrics: GatewayMetrics?
    let auditLog: AuditLog
    let logger: Logger
    private let clock = ContinuousClock()
    private let onFailure: @Sendable (String) -> Void

    /// The protocol version agreed with the client in `initialize`.
    public private(set) var protocolVersion: String?
    var clientCapabilities: JSONValue = [:]
    /// Set when the main upstream is gone; every later request fails.
    public private(set) var failure: UpstreamError?
    private var closed = false
    private var lastActivity: ContinuousClock.Instant
    private var inFlight: [JSONRPCID: Task<JSONRPCMessage, Never>] = [:]
    /// Requests the client cancelled (`notifications/cancelled`): they get no answer.
    private var cancelledByClient: Set<JSONRPCID> = []
    var serverRequests = IDRemapper<String>(firstID: 1)
    var serverRequestIDs: [String: JSONRPCID] = [:]
    /// Progress tokens of upstream requests relayed to the client: the gateway's token → the
    /// upstream that asked and its own token, so the client's progress goes back to it.
    var upstreamProgressTokens: [JSONValue: (upstream: String, token: JSONValue)] = [:]
    /// The gateway's progress token of each relayed upstream request, by the request's gateway id.
    var upstreamProgressTokenOfRequest: [JSONRPCID: JSONValue] = [:]
    var nextProgressToken: Int64 = 1
    var downPlugins: Set<String> = []
    var listedTools: [JSONValue]?
    var visibleTools: Set<String>?
    var listOrigin: RequestOrigin?
    /// Whether the client finished its handshake (`notifications/initialized`, or any request
    /// after `initialize`); until then, upstream requests wait in `heldRequests`.
    var clientReady = false
    var heldRequests: [(upstream: String, id: JSONRPCID, method: String, params: JSONValue?)] = []
    private var eventTasks: [Task<Void, Never>] = []

    /// A session over already initialized upstreams; `onFailure` is called with the session id when
    /// the main upstream dies.
    public init(id: String, owner: String = "", main: UpstreamConnection, plugins: [String: UpstreamConnection], routing: ToolRouting,
                policyStore: PolicyStore, metrics: GatewayMetrics?, auditLog: AuditLog = .discard, logger: Logger,
                onFailure: @escaping @Sendable (String) -> Void = { _ in }) {
        self.id = id
        self.owner = owner
        self.main = main
        self.plugins = plugins
        self.routing = routing
        self.policyStore = policyStore
        self.metrics = metrics
        self.auditLog = auditLog
        var logger = logger
        logger[metadataKey: "session"] = "\(id)"
        self.logger = logger
        self.onFailure = onFailure
        lastActivity = ContinuousClock.now
    }

    /// Starts relaying the upstreams' notifications and requests to the client.
    public func start() {
        guard eventTasks.isEmpty else { return }
        for (name, connection) in [("", main)] + plugins.map({ ($0.key, $0.value) }) {
            eventTasks.append(Task { [weak self] in
                for await event in connection.events {
                    guard let self else { return }
                    await self.upstreamEvent(from: name, event)
                }
            })
        }
    }

    /// The last time the client sent something, or now while a stream is attached.
    public var idleSince: ContinuousClock.Instant {
        if outbox.isAttached || !inFlight.isEmpty { return clock.now }
        return lastActivity
    }

    /// Handles one message from the client and returns the answer, if the message is a request.
    public func handle(_ message: JSONRPCMessage, origin: RequestOrigin) async -> JSONRPCMessage? {
        guard let pending = await receive(message, origin: origin) else { return nil }
        return await answer(to: pending)
    }

    /// Takes one message from the client; a transport calls it in the order the messages arrived.
    /// A notification or an answer is acted on before this returns. A request is registered in
    /// flight before this returns (so a cancellation that follows it finds it) and runs on; its
    /// answer comes from `answer(to:)`.
    public func receive(_ message: JSONRPCMessage, origin: RequestOrigin) async -> PendingRequest? {
        lastActivity = clock.now
        switch message {
        case .request(let requestID, let method, let params):
            if closed { return .answered(.errorResponse(id: requestID, error: JSONRPCError(code: JSONRPCError.sessionErrorCode, message: "Session closed"))) }
            if let failure { return .answered(.errorResponse(id: requestID, error: .upstreamUnavailable(failure.shortDescription))) }
            if method != "initialize", protocolVersion != nil, !clientReady { await clientBecameReady() }
            let task = Task { await self.dispatch(id: requestID, method: method, params: params, origin: origin) }
            inFlight[requestID] = task
            return .running(requestID, task)
        case .notification(let method, let params):
            await clientNotification(method: method, params: params)
        case .response(let responseID, let result):
            await clientAnswer(responseID, .success(result))
        case .errorResponse(let responseID, let error):
            if let responseID { await clientAnswer(responseID, .failure(error)) }
        }
        return nil
    }

    /// Takes every message of a payload in order (`receive(_:origin:)`); an element that is not
    /// a valid message is answered at once with its error.
    public func receive(_ payload: JSONRPCPayload, origin: RequestOrigin) async -> [PendingRequest] {
        var pending: [PendingRequest] = []
        for element in payload.elements {
            switch element {
            case .success(let message):
                if let request = await receive(message, origin: origin) { pending.append(request) }
            case .failure(let invalid):
                pending.append(.answered(invalid.response))
            }
        }
        return pending
    }

    /// The answer to a request `receive(_:origin:)` took; nil when the client cancelled it.
    public func answer(to pending: PendingRequest) async -> JSONRPCMessage? {
        switch pending {
        case .answered(let answer):
            return answer
        case .running(let requestID, let task):
            let answer = await task.value
            if inFlight[requestID] == task { inFlight[requestID] = nil }
            lastActivity = clock.now
            // The client gave up on it; an answer would be one it cannot match.
            if cancelledByClient.remove(requestID) != nil { return nil }
            return answer
        }
    }

    private func dispatch(id requestID: JSONRPCID, method: String, params: JSONValue?, origin: RequestOrigin) async -> JSONRPCMessage {
        let started = clock.now
        let result: Result<JSONValue, JSONRPCError>
        if let snapshot = policyStore.current {
            let enforcer = snapshot.enforcer
            switch method {
            case "initialize": result = await initializeResult(params: params)
            case "ping": result = .success([:])
            case "tools/list": result = await listTools(origin: origin, enforcer: enforcer)
            case "tools/call": result = await callTool(params: params, origin: origin, enforcer: enforcer)
            case "logging/setLevel":
                for plugin in plugins.values where await Self.declaresLogging(plugin) { _ = await plugin.call(method: method, params: params) }
                // The gateway declares logging when any upstream does; the main server is asked
                // only when it is one of them.
                result = await Self.declaresLogging(main) ? await forward(to: main, method: method, params: params) : .success([:])
            default: result = await forward(to: main, method: method, params: params)
            }
        } else {
            result = .failure(JSONRPCError(code: JSONRPCError.sessionErrorCode, message: "No policy loaded yet"))
        }
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(let error) where error.code == JSONRPCError.policyDeniedCode: outcome = "denied"
        case .failure(let error) where error.code == JSONRPCError.rateLimitedCode: outcome = "rate_limited"
        case .failure: outcome = "error"
        }
        metrics?.recordRequest(method: method, outcome: outcome, duration: clock.now - started)
        switch result {
        case .success(let value): return .response(id: requestID, result: value)
        case .failure(let error): return .errorResponse(id: requestID, error: error)
        }
    }

    private func initializeResult(params: JSONValue?) async -> Result<JSONValue, JSONRPCError> {
        guard protocolVersion == nil else { return .failure(.invalidRequest("the session is already initialized")) }
        let version = MCPProtocolVersions.negotiate(params?["protocolVersion"]?.stringValue)
        protocolVersion = version
        clientCapabilities = params?["capabilities"] ?? [:]
        let upstream = await main.initializeResult ?? [:]
        var capabilities = upstream["capabilities"]?.objectValue ?? [:]
        if capabilities["tools"] != nil || !plugins.isEmpty { capabilities["tools"] = ["listChanged": true] }
        // Plugins' log messages are relayed: declare logging when any upstream sends them.
        if capabilities["logging"] == nil {
            for plugin in plugins.values where await Self.declaresLogging(plugin) {
                capabilities["logging"] = [:]
                break
            }
        }
        var result: [String: JSONValue] = [
            "protocolVersion": .string(version),
            "capabilities": .object(capabilities),
            "serverInfo": ["name": "mcp-gateway", "version": .string(GatewayVersion.current)],
        ]
        if let instructions = upstream["instructions"] { result["instructions"] = instructions }
        return .success(.object(result))
    }

    /// Whether `upstream` declared the logging capability in its handshake.
    static func declaresLogging(_ upstream: UpstreamConnection) async -> Bool {
        await upstream.initializeResult?["capabilities"]?["logging"] != nil
    }

    /// Sends a request to `upstream`, with the client's progress token swapped for one of the
    /// gateway's; the upstream's progress on it reaches the client under the client's token.
    func forward(to upstream: UpstreamConnection, method: String, params: JSONValue?) async -> Result<JSONValue, JSONRPCError> {
        guard let clientToken = params?["_meta"]?["progressToken"] else {
            return await upstream.call(method: method, params: params)
        }
        var params = params
        let token = JSONValue.string("gw-progress-\(nextProgressToken)")
        nextProgressToken += 1
        params?["_meta"]?["progressToken"] = token
        let outbox = self.outbox
        return await upstream.call(method: method, params: params, progress: (token, { progress in
            var progress = progress
            progress?["progressToken"] = clientToken
            outbox.send(.notification(method: "notifications/progress", params: progress))
        }))
    }

    /// Ends the session: in-flight requests are cancelled, upstreams closed, the client's stream ended.
    public func close() async {
        guard !closed else { return }
        closed = true
        for task in inFlight.values { task.cancel() }
        for task in eventTasks { task.cancel() }
        outbox.finish()
        await main.close()
        for plugin in plugins.values { await plugin.close() }
    }

    func cancelInFlight(_ requestID: JSONRPCID) {
        guard let task = inFlight[requestID] else { return }
        cancelledByClient.insert(requestID)
        task.cancel()
    }

    func fail(_ error: UpstreamError) {
        guard failure == nil, !closed else { return }
        failure = error
        logger.warning("session failed: main upstream lost", metadata: ["reason": "\(error)"])
        metrics?.recordUpstreamFailure("main", reason: error.shortDescription)
        onFailure(id)
    }
}
