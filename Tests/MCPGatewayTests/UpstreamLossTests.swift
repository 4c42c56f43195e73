import Logging
import Testing

@testable import MCPGateway

/// The loss of a session's main upstream is known before anyone hears of it, so the client that
/// got "upstream unavailable" finds the session gone (404) on its very next request.
@Suite("Upstream loss", .timeLimit(.minutes(1)))
struct UpstreamLossTests {
    @Test func theLossIsMarkedBeforePendingCallersAreAnswered() async throws {
        let upstream = FakeUpstream(tools: ["slow"])
        let connection = try await UpstreamFactory(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            .connect(name: "", transport: upstream)
        #expect(!connection.isLost)
        let pending = Task { await connection.call(method: "tools/call", params: ["name": "slow"]) }
        while upstream.received.allSatisfy({ $0.method != "tools/call" }) { await Task.yield() }
        upstream.die()
        guard case .failure(let error) = await pending.value else { Issue.record("the pending call was answered"); return }
        #expect(error.code == JSONRPCError.upstreamUnavailableCode)
        #expect(connection.isLost, "marked before the caller was answered")
    }

    @Test func theNextRequestAfterAnUpstreamUnavailableAnswerIsA404() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(), warmPool: 1)) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            let crash = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crash"}}"#)
            #expect(crash.json?["error"]?["code"] == .int(Int64(JSONRPCError.upstreamUnavailableCode)))
            // No wait: the session is gone for the client at once.
            #expect(try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#).status == 404)
        }
    }
}
