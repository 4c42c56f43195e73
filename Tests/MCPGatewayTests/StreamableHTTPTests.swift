import Foundation
import Testing
import TestSupport

@testable import MCPGateway

@Suite("Streamable HTTP on a real listener with a stdio upstream", .serialized, .timeLimit(.minutes(2)))
struct StreamableHTTPTests {
    @Test func malformedJSONIsAParseErrorAndNothingGoesUpstream() async throws {
        let directory = try makeTemporaryDirectory()
        let record = directory + "/record.jsonl"
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(recordFile: record), warmPool: 0)) { app, port, _ in
            // With no warm pool the gateway's readiness probe starts one upstream process at boot;
            // its handshake must be over before the baseline, or it lands in the record later.
            for _ in 0..<500 where !(await app.isReady()) { try await Task.sleep(for: .milliseconds(20)) }
            let session = try await TestHTTP.initialize(port: port)
            // The session's upstream handshake may still be landing in the record: the baseline is
            // taken once the record holds a completed handshake and has not changed for a second.
            var before = ""
            var quiet = 0
            for _ in 0..<100 where quiet < 5 {
                let now = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
                quiet = now == before && now.contains("notifications/initialized") ? quiet + 1 : 0
                before = now
                try await Task.sleep(for: .milliseconds(200))
            }
            let malformed = #"{"jsonrpc":"2.0","id":1,"method":"tools/list""#
            let result = try await TestHTTP.post(port: port, session: session, body: malformed)
            #expect(result.status == 400)
            #expect(result.json?["error"]?["code"] == .int(-32700))
            try await Task.sleep(for: .milliseconds(200))
            let after = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
            #expect(after == before)
            #expect(!after.contains(malformed))
            let invalid = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":"x","method":5}"#)
            #expect(invalid.json?["error"]?["code"] == .int(-32600))
            #expect(invalid.json?["id"] == "x")
        }
    }

    @Test func sessionHeaderRules() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, _ in
            let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            #expect(try await TestHTTP.post(port: port, session: nil, body: ping).status == 400)
            #expect(try await TestHTTP.post(port: port, session: "no-such-session", body: ping).status == 404)
            let session = try await TestHTTP.initialize(port: port)
            let ok = try await TestHTTP.post(port: port, session: session, body: ping)
            #expect(ok.status == 200)
            #expect(ok.json?["result"] == [:])
            let badVersion = try await TestHTTP.post(port: port, session: session, body: ping,
                                                     headers: TestHTTP.mcpHeaders + [("MCP-Protocol-Version", "1999-01-01")])
            #expect(badVersion.status == 400)
            let batch = try await TestHTTP.post(port: port, session: session, body: "[\(ping)]")
            #expect(batch.status == 400)
            #expect(batch.json?["error"]?["code"] == .int(-32600))
            let deleted = try await TestHTTP.request(.DELETE, port: port, path: "/mcp", headers: [("Mcp-Session-Id", session)])
            #expect(deleted.status == 200)
            #expect(try await TestHTTP.post(port: port, session: session, body: ping).status == 404)
        }
    }

    @Test func batchesAreAnsweredIn20250326Sessions() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, _ in
            let opened = try await TestHTTP.post(port: port, session: nil, body: """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
                """)
            #expect(opened.json?["result"]?["protocolVersion"] == "2025-03-26")
            let session = try #require(opened.header("mcp-session-id"))
            let batch = try await TestHTTP.post(port: port, session: session, body: """
                [{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"k":1}}},{"id":8}]
                """)
            #expect(batch.status == 200)
            let answers = try #require(batch.json?.arrayValue)
            #expect(answers.map { $0["id"] } == ["a", 7, 8], "the invalid message is answered with its readable id")
            #expect(answers[2]["error"]?["code"] == .int(-32600))
        }
    }

    @Test func aBatchIsTakenInOrderSoACancellationFindsTheRequestBeforeIt() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, _ in
            let opened = try await TestHTTP.post(port: port, session: nil, body: """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
                """)
            let session = try #require(opened.header("mcp-session-id"))
            // `wait` never answers: only the cancellation that follows it in the batch ends it,
            // and a cancelled request gets no answer, so the batch is answered 202.
            let batch = try await TestHTTP.post(port: port, session: session, body: """
                [{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"wait"}},
                 {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}}]
                """)
            #expect(batch.status == 202)
        }
    }

    @Test func oversizedBodiesAndForeignOriginsAreRefused() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream())
        configuration.maxBodyBytes = 1024
        try await Harness.withGateway(configuration) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            let big = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"x":""# + String(repeating: "a", count: 4096) + "\"}}}"
            #expect(try await TestHTTP.post(port: port, session: session, body: big).status == 413)
            let foreign = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                                                  headers: TestHTTP.mcpHeaders + [("Origin", "https://evil.example")])
            #expect(foreign.status == 403)
            let local = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                                                headers: TestHTTP.mcpHeaders + [("Origin", "http://localhost:3000")])
            #expect(local.status == 200)
        }
    }

    @Test func answersAsAnEventStreamWhenOnlySSEIsAccepted() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            let result = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":"e","method":"tools/call","params":{"name":"echo","arguments":{"v":1}}}"#,
                                                 headers: [("Content-Type", "application/json"), ("Accept", "text/event-stream")])
            #expect(result.header("content-type") == "text/event-stream")
            var parser = SSEParser()
            let events = parser.feed(Array(result.body.utf8))
            let message = try events.first.map { try JSONValue(parsing: $0.data) }
            #expect(message?["id"] == "e")
            #expect(message?["result"]?["content"]?.arrayValue?.first?["text"] == #"{"v": 1}"#)
        }
    }

    @Test func upstreamDeathFailsTheSessionAndTheNextGetsAFreshProcess() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(), warmPool: 1)) { _, port, _ in
            let first = try await TestHTTP.initialize(port: port)
            let pid = try await TestHTTP.post(port: port, session: first, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pid"}}"#)
            let firstPID = pid.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            #expect(firstPID != nil)
            let crash = try await TestHTTP.post(port: port, session: first, body: #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crash"}}"#)
            #expect(crash.json?["error"]?["code"] == .int(Int64(JSONRPCError.upstreamUnavailableCode)))
            // The failed session is dropped a few hops after the upstream's death: poll for its 404.
            let deadline = ContinuousClock.now + .seconds(5)
            var status = try await TestHTTP.post(port: port, session: first, body: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#).status
            while status != 404, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                status = try await TestHTTP.post(port: port, session: first, body: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#).status
            }
            #expect(status == 404, "the session whose upstream died is gone within 5 s")
            let second = try await TestHTTP.initialize(port: port)
            let again = try await TestHTTP.post(port: port, session: second, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pid"}}"#)
            let secondPID = again.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            #expect(secondPID != nil && secondPID != firstPID)
        }
    }

    @Test func notificationsReachTheGetStream() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            async let streamed = TestHTTP.firstStreamedEvent(port: port, session: session)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"notify"}}"#)
            let data = try await streamed
            #expect(try JSONValue(parsing: data)["method"] == "notifications/tools/list_changed")
        }
    }

    @Test func rejectedConnectionsGet429WithRetryAfter() async throws {
        struct Throttled: PolicyEnforcer {
            func checkConnection(clientIP: String?) -> PolicyDecision { .rateLimited(rule: "per-ip", retryAfterSeconds: 1.5) }
            func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision { .allow }
            func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision { .allow }
            func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool { true }
            func redact(toolResult: JSONValue) -> JSONValue { toolResult }
        }
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(), policy: Throttled())) { _, port, _ in
            let result = try await TestHTTP.post(port: port, session: nil, body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(result.status == 429)
            #expect(result.header("retry-after") == "2")
            #expect(result.json?["error"]?["data"]?["rule"] == "per-ip")
        }
    }

    @Test func aSessionBelongsToTheCallerWhoOpenedIt() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), policy: ToolDenyList(requireSubject: true))
        configuration.authentication = AuthenticationConfiguration(apiKeyHashes: [
            "alice": Authenticator.sha256Hex(Array("alice-key".utf8)), "bob": Authenticator.sha256Hex(Array("bob-key".utf8))])
        try await Harness.withGateway(configuration) { _, port, _ in
            let alice = TestHTTP.mcpHeaders + [("X-API-Key", "alice-key")]
            let bob = TestHTTP.mcpHeaders + [("X-API-Key", "bob-key")]
            let opened = try await TestHTTP.post(port: port, session: nil, body: """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
                """, headers: alice)
            let session = try #require(opened.header("mcp-session-id"))
            let ping = #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#
            // Another caller holding the id finds no session: not by POST, GET or DELETE.
            #expect(try await TestHTTP.post(port: port, session: session, body: ping, headers: bob).status == 404)
            #expect(try await TestHTTP.request(.GET, port: port, path: "/mcp",
                                               headers: bob + [("Accept", "text/event-stream"), ("Mcp-Session-Id", session)]).status == 404)
            #expect(try await TestHTTP.request(.DELETE, port: port, path: "/mcp", headers: bob + [("Mcp-Session-Id", session)]).status == 404)
            // Its owner still has it.
            #expect(try await TestHTTP.post(port: port, session: session, body: ping, headers: alice).status == 200)
        }
    }

    @Test func apiKeysAuthenticateByHash() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), policy: ToolDenyList(requireSubject: true))
        configuration.authentication = AuthenticationConfiguration(apiKeyHashes: ["ci-bot": Authenticator.sha256Hex(Array("s3cret-key".utf8))])
        try await Harness.withGateway(configuration) { _, port, _ in
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let anonymous = try await TestHTTP.post(port: port, session: nil, body: initialize)
            #expect(anonymous.status == 401)
            #expect(anonymous.json?["error"]?["data"]?["rule"] == "require-auth")
            let wrong = try await TestHTTP.post(port: port, session: nil, body: initialize, headers: TestHTTP.mcpHeaders + [("X-API-Key", "nope")])
            #expect(wrong.status == 401)
            let right = try await TestHTTP.post(port: port, session: nil, body: initialize, headers: TestHTTP.mcpHeaders + [("X-API-Key", "s3cret-key")])
            #expect(right.status == 200)
            let bearer = try await TestHTTP.post(port: port, session: nil, body: initialize, headers: TestHTTP.mcpHeaders + [("Authorization", "Bearer s3cret-key")])
            #expect(bearer.status == 200)
        }
    }
}
