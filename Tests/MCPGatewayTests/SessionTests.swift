import Logging
import Testing

@testable import MCPGateway
import TestPolling

@Suite("Session aggregation and routing with in-process upstreams", .timeLimit(.minutes(1)))
struct SessionTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let origin = RequestOrigin(clientIP: "127.0.0.1", identity: .anonymous)

    struct Fixture {
        let session: GatewaySession
        let main: FakeUpstream
        let plugin: FakeUpstream
        let store: PolicyStore
    }

    /// A session over fake upstreams; with `handshake`, the client's initialize and initialized.
    func makeSession(policy: any PolicyEnforcer = AllowAllPolicyEnforcer(), handshake: Bool = true, pluginLogs: Bool = false) async throws -> Fixture {
        let factory = UpstreamFactory(logger: logger)
        let main = FakeUpstream(tools: ["get_time", "secret", "slow"])
        let plugin = FakeUpstream(tools: ["add"], logging: pluginLogs)
        let mainConnection = try await factory.connect(name: "", transport: main)
        let pluginConnection = try await factory.connect(name: "calc", transport: plugin)
        let store = PolicyStore(initial: .test(policy))
        let session = GatewaySession(id: "s1", main: mainConnection, plugins: ["calc": pluginConnection],
                                     routing: ToolRouting(pluginNames: ["calc"]), policyStore: store, metrics: GatewayMetrics(), logger: logger)
        await session.start()
        let fixture = Fixture(session: session, main: main, plugin: plugin, store: store)
        if handshake { try await self.handshake(fixture) }
        return fixture
    }

    func handshake(_ fixture: Fixture) async throws {
        let session = fixture.session
        let answer = await session.handle(.request(id: .int(0), method: "initialize", params: [
            "protocolVersion": "2025-06-18", "capabilities": ["sampling": [:]], "clientInfo": ["name": "t", "version": "1"]]), origin: origin)
        guard case .response(_, let result) = answer else { throw TestFailure("initialize failed: \(String(describing: answer))") }
        #expect(result["serverInfo"]?["name"] == "mcp-gateway")
        #expect(result["capabilities"]?["tools"]?["listChanged"] == true)
        _ = await session.handle(.notification(method: "notifications/initialized", params: nil), origin: origin)
    }

    @Test func loggingIsDeclaredWhenAPluginLogsAndSetLevelReachesOnlyThoseThatDo() async throws {
        let fixture = try await makeSession(handshake: false, pluginLogs: true)
        let initialize = await fixture.session.handle(.request(id: .int(0), method: "initialize", params: [
            "protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]]), origin: origin)
        guard case .response(_, let result) = initialize else { Issue.record("\(String(describing: initialize))"); return }
        #expect(result["capabilities"]?["logging"] != nil, "the plugin's log messages are relayed, so logging is declared")
        let answer = await fixture.session.handle(.request(id: .int(1), method: "logging/setLevel", params: ["level": "debug"]), origin: origin)
        guard case .response = answer else { Issue.record("setLevel failed: \(String(describing: answer))"); return }
        #expect(fixture.plugin.received.contains { $0.method == "logging/setLevel" })
        #expect(!fixture.main.received.contains { $0.method == "logging/setLevel" }, "the main server declared no logging")
        await fixture.session.close()
    }

    @Test func theClientsProgressOnAPluginsRequestGoesBackToThePlugin() async throws {
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        fixture.plugin.inject(.request(id: .int(9), method: "sampling/createMessage",
                                       params: ["messages": [], "_meta": ["progressToken": "p1"]]))
        guard case .request(let gatewayID, _, let params) = await fixture.session.outbox.next(),
              let token = params?["_meta"]?["progressToken"] else {
            Issue.record("not relayed with a progress token")
            return
        }
        #expect(token != "p1", "the client sees the gateway's token")
        _ = await fixture.session.handle(.notification(method: "notifications/progress", params: ["progressToken": token, "progress": 1]),
                                         origin: origin)
        await eventually("the progress reaches the plugin under its own token") {
            fixture.plugin.received.contains(.notification(method: "notifications/progress", params: ["progressToken": "p1", "progress": 1]))
        }
        #expect(!fixture.main.received.contains { $0.method == "notifications/progress" })
        _ = await fixture.session.handle(.response(id: gatewayID, result: ["model": "m"]), origin: origin)
        await fixture.session.close()
    }

    @Test func aPluginThatDiesIsAnnouncedAsAToolListChange() async throws {
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        _ = await fixture.session.handle(.request(id: .int(1), method: "tools/list", params: nil), origin: origin)
        fixture.plugin.die()
        guard case .notification("notifications/tools/list_changed", _) = await fixture.session.outbox.next() else {
            Issue.record("no list_changed after the plugin died")
            return
        }
        let answer = await fixture.session.handle(.request(id: .int(2), method: "tools/list", params: nil), origin: origin)
        guard case .response(_, let result) = answer else { Issue.record("\(String(describing: answer))"); return }
        #expect(result["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["get_time", "secret", "slow"])
        await fixture.session.close()
    }

    @Test func upstreamRequestsWaitForTheClientsHandshake() async throws {
        // Upstreams are initialized before the client (warm pool, plugins) and may ask at once,
        // as servers that read the client's roots do.
        let fixture = try await makeSession(handshake: false)
        _ = fixture.session.outbox.attach()
        fixture.main.inject(.request(id: .string("early"), method: "sampling/createMessage", params: ["messages": []]))
        try await Task.sleep(for: .milliseconds(100))
        #expect(fixture.main.received.allSatisfy { if case .errorResponse = $0 { false } else { true } },
                "not refused for want of the client's capabilities")
        try await handshake(fixture)
        guard case .request(let gatewayID, "sampling/createMessage", _) = await fixture.session.outbox.next() else {
            Issue.record("not relayed after the handshake")
            return
        }
        _ = await fixture.session.handle(.response(id: gatewayID, result: ["model": "m"]), origin: origin)
        await eventually("the answer reaches the upstream under its own id") {
            fixture.main.received.contains(.response(id: .string("early"), result: ["model": "m"]))
        }
        await fixture.session.close()
    }

    @Test func toolsListMergesWithPrefixes() async throws {
        let fixture = try await makeSession()
        let answer = await fixture.session.handle(.request(id: .string("list"), method: "tools/list", params: nil), origin: origin)
        guard case .response(let id, let result) = answer else { Issue.record("\(String(describing: answer))"); return }
        #expect(id == .string("list"))
        let names = result["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["get_time", "secret", "slow", "calc__add"])
        await fixture.session.close()
    }

    @Test func toolsCallRoutesByPrefixAndStripsIt() async throws {
        let fixture = try await makeSession()
        let answer = await fixture.session.handle(.request(id: .string("c"), method: "tools/call", params: ["name": "calc__add", "arguments": ["a": 1]]), origin: origin)
        guard case .response(.string("c"), let result) = answer else { Issue.record("\(String(describing: answer))"); return }
        #expect(result["content"]?.arrayValue?.first?["text"] == "called add")
        let sent = fixture.plugin.received.compactMap { message -> String? in
            if case .request(_, "tools/call", let params) = message { return params?["name"]?.stringValue }
            return nil
        }
        #expect(sent == ["add"])
        #expect(fixture.main.received.allSatisfy { $0.method != "tools/call" })
        await fixture.session.close()
    }

    @Test func upstreamIDsAreTheGatewaysOwn() async throws {
        let fixture = try await makeSession()
        _ = await fixture.session.handle(.request(id: .string("same"), method: "tools/call", params: ["name": "get_time"]), origin: origin)
        _ = await fixture.session.handle(.request(id: .int(1), method: "tools/call", params: ["name": "get_time"]), origin: origin)
        let ids = fixture.main.received.compactMap { message -> JSONRPCID? in
            if case .request(let id, _, _) = message { return id }
            return nil
        }
        #expect(Set(ids).count == ids.count, "every upstream request has a distinct id")
        #expect(!ids.contains(.string("same")))
        await fixture.session.close()
    }

    @Test func deniedCallNamesTheRuleAndSendsNothingUpstream() async throws {
        let fixture = try await makeSession(policy: ToolDenyList(denied: ["get_time"]))
        let answer = await fixture.session.handle(.request(id: .int(5), method: "tools/call", params: ["name": "get_time"]), origin: origin)
        guard case .errorResponse(.int(5), let error) = answer else { Issue.record("\(String(describing: answer))"); return }
        #expect(error.code == JSONRPCError.policyDeniedCode)
        #expect(error.message.contains("deny-tools"))
        #expect(fixture.main.received.allSatisfy { $0.method != "tools/call" })
        let list = await fixture.session.handle(.request(id: .int(6), method: "tools/list", params: nil), origin: origin)
        if case .response(_, let result) = list {
            #expect(result["tools"]?.arrayValue?.contains { $0["name"] == "get_time" } == false)
        }
        await fixture.session.close()
    }

    @Test func rateLimitIsAJSONRPCErrorInsideTheSession() async throws {
        let fixture = try await makeSession(policy: ToolDenyList(rateLimited: ["get_time"]))
        let answer = await fixture.session.handle(.request(id: .int(5), method: "tools/call", params: ["name": "get_time"]), origin: origin)
        guard case .errorResponse(_, let error) = answer else { Issue.record("not refused"); return }
        #expect(error.code == JSONRPCError.rateLimitedCode)
        #expect(error.data?["retryAfterSeconds"] == .double(2))
        await fixture.session.close()
    }

    @Test func resultsAreRedacted() async throws {
        let fixture = try await makeSession(policy: ToolDenyList())
        let answer = await fixture.session.handle(.request(id: .int(5), method: "tools/call", params: ["name": "secret"]), origin: origin)
        guard case .response(_, let result) = answer else { Issue.record("failed"); return }
        #expect(result["content"]?.arrayValue?.first?["text"] == "token=[REDACTED]")
        await fixture.session.close()
    }

    @Test func progressTokensAreRemappedBothWays() async throws {
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        _ = await fixture.session.handle(.request(id: .int(9), method: "tools/call", params: ["name": "get_time", "_meta": ["progressToken": "client-token"]]), origin: origin)
        let upstreamToken = fixture.main.received.compactMap { message -> JSONValue? in
            if case .request(_, "tools/call", let params) = message { return params?["_meta"]?["progressToken"] }
            return nil
        }.first
        #expect(upstreamToken != nil && upstreamToken != "client-token")
        guard case .message(let relayed) = await fixture.session.outbox.next(timeout: .seconds(5)) else {
            Issue.record("the progress was not relayed")
            return
        }
        #expect(relayed == .notification(method: "notifications/progress", params: ["progressToken": "client-token", "progress": 1]))
        await fixture.session.close()
    }

    @Test func everyProgressSentBeforeTheAnswerReachesTheClientBeforeTheAnswer() async throws {
        // The upstream sends 100 progress notifications, then the answer. Each must be in the
        // client's stream by the time the answer is given, none dropped as a stale token.
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        let answer = await fixture.session.handle(.request(id: .int(9), method: "tools/call", params: [
            "name": "get_time", "arguments": ["steps": 100], "_meta": ["progressToken": "client-token"]]), origin: origin)
        guard case .response = answer else { Issue.record("\(String(describing: answer))"); return }
        var relayed: [JSONValue?] = []
        while case .message(.notification("notifications/progress", let params)) = await fixture.session.outbox.next(timeout: .milliseconds(1)) {
            relayed.append(params)
        }
        #expect(relayed.compactMap { $0?["progress"]?.intValue } == Array(1...100), "every step, in order")
        #expect(relayed.allSatisfy { $0?["progressToken"] == "client-token" })
        await fixture.session.close()
    }

    @Test func serverToClientRequestsAreRemappedAndAnswered() async throws {
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        fixture.main.inject(.request(id: .string("upstream-7"), method: "sampling/createMessage", params: ["messages": []]))
        guard case .request(let gatewayID, "sampling/createMessage", _) = await fixture.session.outbox.next() else {
            Issue.record("not relayed")
            return
        }
        #expect(gatewayID != .string("upstream-7"))
        _ = await fixture.session.handle(.response(id: gatewayID, result: ["model": "m"]), origin: origin)
        await eventually("the answer reaches the upstream under its own id") {
            fixture.main.received.contains(.response(id: .string("upstream-7"), result: ["model": "m"]))
        }
        await fixture.session.close()
    }

    @Test func cancellationReachesTheUpstream() async throws {
        let fixture = try await makeSession()
        let session = fixture.session
        // The request is in flight once taken; the cancellation follows once the upstream has it.
        let pending = try #require(await session.receive(.request(id: .int(42), method: "tools/call", params: ["name": "slow"]), origin: origin))
        await eventually("the call reaches the upstream") { fixture.main.received.contains { $0.method == "tools/call" } }
        let calls = fixture.main.received.compactMap { message -> JSONRPCID? in
            if case .request(let id, "tools/call", _) = message { return id }
            return nil
        }
        let callID = try #require(calls.first)
        #expect(await session.receive(.notification(method: "notifications/cancelled", params: ["requestId": 42]), origin: origin) == nil)
        // The spec: the receiver of a cancellation should not answer the cancelled request.
        #expect(await session.answer(to: pending) == nil)
        await eventually("the cancellation reaches the upstream under the upstream's id") {
            fixture.main.received.contains {
                if case .notification("notifications/cancelled", let params) = $0 { return params?["requestId"] == callID.json }
                return false
            }
        }
        await session.close()
    }

    @Test func aCancellationTakenRightAfterItsRequestFindsIt() async throws {
        // Transports take a client's messages in order: the request is in flight once taken.
        let fixture = try await makeSession()
        let pending = try #require(await fixture.session.receive(.request(id: .int(42), method: "tools/call", params: ["name": "slow"]), origin: origin))
        #expect(await fixture.session.receive(.notification(method: "notifications/cancelled", params: ["requestId": 42]), origin: origin) == nil)
        #expect(await fixture.session.answer(to: pending) == nil, "a cancelled request gets no answer")
        await fixture.session.close()
    }

    @Test func upstreamDeathFailsPendingAndLaterRequests() async throws {
        let fixture = try await makeSession()
        let session = fixture.session
        let pending = try #require(await session.receive(.request(id: .int(1), method: "tools/call", params: ["name": "slow"]), origin: origin))
        // The upstream dies with the call pending on it.
        await eventually("the call reaches the upstream") { fixture.main.received.contains { $0.method == "tools/call" } }
        fixture.main.die()
        guard case .errorResponse(_, let error) = await session.answer(to: pending) else { Issue.record("no error"); return }
        #expect(error.code == JSONRPCError.upstreamUnavailableCode)
        await eventually("the session records the failure") { await session.failure != nil }
        guard case .errorResponse = await session.handle(.request(id: .int(2), method: "tools/list", params: nil), origin: origin) else {
            Issue.record("a failed session answered")
            return
        }
        await session.close()
    }

    @Test func policySwapSendsListChangedWhenVisibleToolsChange() async throws {
        let fixture = try await makeSession()
        _ = fixture.session.outbox.attach()
        _ = await fixture.session.handle(.request(id: .int(1), method: "tools/list", params: nil), origin: origin)
        await fixture.session.policyChanged(to: .test(ToolDenyList(denied: ["calc__add"]), version: "v2"))
        #expect(await fixture.session.outbox.next() == .notification(method: "notifications/tools/list_changed", params: nil))
        await fixture.session.policyChanged(to: .test(ToolDenyList(denied: ["calc__add"]), version: "v3"))
        #expect(await fixture.session.outbox.next(timeout: .milliseconds(100)).isIdle, "no change, no notification")
        await fixture.session.close()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension OutboxWait {
    var isIdle: Bool {
        if case .idle = self { return true }
        return false
    }
}
