import Foundation
import Testing
import TestSupport

@testable import MCPGateway

/// The session cap and the idle timeout, on a real listener with stdio upstreams.
@Suite("Session limit and idle expiry", .serialized, .timeLimit(.minutes(2)))
struct SessionLimitTests {
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    @Test func sessionsOverTheCapGet503WithRetryAfterAndAMetric() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), warmPool: 0)
        configuration.maxSessions = 2
        try await Harness.withGateway(configuration) { app, port, admin in
            let first = try await TestHTTP.initialize(port: port)
            _ = try await TestHTTP.initialize(port: port)
            let refused = try await TestHTTP.post(port: port, session: nil, body: Self.initialize)
            #expect(refused.status == 503)
            #expect(refused.header("retry-after") == "1")
            #expect(refused.header("mcp-session-id") == nil)
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("limit of 2") == true, "\(refused.body)")
            // The legacy SSE transport opens sessions too, and is held to the same cap.
            let legacy = try await TestHTTP.request(.GET, port: port, path: "/sse", headers: [("Accept", "text/event-stream")])
            #expect(legacy.status == 503)
            #expect(await app.registry.count == 2)
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_sessions_rejected_total{reason=\"limit\"} 2"), "\(metrics)")
            // Ending a session frees its place.
            #expect(try await TestHTTP.request(.DELETE, port: port, path: "/mcp", headers: [("Mcp-Session-Id", first)]).status == 200)
            let admitted = try await TestHTTP.post(port: port, session: nil, body: Self.initialize)
            #expect(admitted.status == 200)
        }
    }

    @Test func concurrentOpeningsDoNotOvershootTheCap() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), warmPool: 0)
        configuration.maxSessions = 3
        try await Harness.withGateway(configuration) { app, port, _ in
            // Every opening waits for a cold upstream start, so all six are in flight together.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await TestHTTP.post(port: port, session: nil, body: Self.initialize).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == 503 }.count == 3, "\(statuses)")
            #expect(await app.registry.count == 3)
        }
    }

    @Test func idleSessionsExpireAndEndTheirUpstreamWhileBusyOnesStay() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), warmPool: 0)
        // The busy session's pings come every 100 ms, a twentieth of the timeout: only a stall of
        // nearly two seconds between two of them could pass for idleness (the sweep runs every 500 ms).
        let idleTimeout = Duration.seconds(2)
        configuration.sessionIdleTimeout = idleTimeout
        try await Harness.withGateway(configuration) { app, port, admin in
            let idle = try await TestHTTP.initialize(port: port)
            let pidCall = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pid"}}"#
            // The idle session's last activity is this call: it cannot expire before a timeout from here.
            let lastCall = ContinuousClock.now
            let pidAnswer = try await TestHTTP.post(port: port, session: idle, body: pidCall)
            let idlePID = try #require(pidAnswer.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue.flatMap { Int32($0) },
                                       "\(pidAnswer.status) \(pidAnswer.body)")
            #expect(kill(idlePID, 0) == 0)
            let busy = try await TestHTTP.initialize(port: port)
            let ping = #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#
            // Keep one session busy and leave the other alone until it has expired. Its expiry is
            // looked for in the registry: a request to it would count as activity.
            var expired = false
            while !expired, ContinuousClock.now - lastCall < .seconds(15) {
                #expect(try await TestHTTP.post(port: port, session: busy, body: ping).status == 200)
                try await Task.sleep(for: .milliseconds(100))
                expired = await app.registry.session(id: idle) == nil
            }
            #expect(expired, "the idle session expires (a \(idleTimeout) timeout; waited 15 s)")
            #expect(ContinuousClock.now - lastCall >= idleTimeout, "the idle session expired before its timeout")
            // The busy session stays through more than another timeout of pings, though without them
            // it would have expired about when the other did.
            let keepBusyUntil = ContinuousClock.now + idleTimeout + .seconds(1)
            while ContinuousClock.now < keepBusyUntil {
                #expect(try await TestHTTP.post(port: port, session: busy, body: ping).status == 200)
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await TestHTTP.post(port: port, session: idle, body: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#).status == 404)
            #expect(try await TestHTTP.post(port: port, session: busy, body: #"{"jsonrpc":"2.0","id":4,"method":"ping"}"#).status == 200)
            #expect(await app.registry.count == 1)
            var gone = false
            for _ in 0..<50 where !gone {
                gone = kill(idlePID, 0) != 0
                if !gone { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(gone, "the expired session's upstream process ends")
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_sessions 1"))
        }
    }
}
