import Foundation
import Testing
import TestSupport

@testable import MCPGateway

@Suite("Admin listener: policy pushes, metrics, health", .serialized)
struct AdminTests {
    static let document: JSONValue = ["defaultAction": "allow", "roles": []]

    static func pushBody(_ document: JSONValue, sha256: String? = nil) -> String {
        let hash = sha256 ?? Authenticator.sha256Hex(document.renderedBytes())
        let body: JSONValue = ["document": document, "version": .string("sha256:\(hash)"), "sha256": .string(hash)]
        return body.renderedString
    }

    @Test func pushValidatesHashAndSwaps() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { app, _, admin in
            let auth = [("Authorization", "Bearer admin-secret")]
            let unauthorized = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", body: Self.pushBody(Self.document))
            #expect(unauthorized.status == 401)
            let wrongToken = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer admin-secreT")], body: Self.pushBody(Self.document))
            #expect(wrongToken.status == 401)

            let badHash = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth,
                                                     body: Self.pushBody(Self.document, sha256: String(repeating: "a", count: 64)))
            #expect(badHash.status == 422)
            #expect(badHash.json?["field"] == "sha256")
            #expect(app.policyStore.current?.version == "test-1", "the last good policy stays")

            let malformed = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth, body: #"{"document": {"#)
            #expect(malformed.status == 422)
            #expect(malformed.json?["reason"]?.stringValue?.contains("the body is not JSON") == true, "\(malformed.body)")
            #expect(malformed.json?["reason"]?.stringValue?.contains("at byte") == true, "the offset of the problem: \(malformed.body)")
            let notObject = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth, body: #"{"document": 5, "version": "v", "sha256": "x"}"#)
            #expect(notObject.status == 422)
            #expect(notObject.json?["field"] == "document")

            let applied = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth, body: Self.pushBody(Self.document))
            #expect(applied.status == 200)
            let hash = Authenticator.sha256Hex(Self.document.renderedBytes())
            #expect(applied.json?["sha256"] == .string(hash))
            #expect(applied.json?["version"] == .string("sha256:\(hash)"))
            #expect(applied.json?["appliedAt"]?.stringValue != nil)
            #expect(app.policyStore.current?.sha256 == hash)

            let enforced = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy", headers: auth)
            #expect(enforced.json?["sha256"] == .string(hash))

            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics")
            #expect(metrics.body.contains("mcp_gateway_policy_info{version=\"sha256:\(hash)\"} 1"))
        }
    }

    @Test func healthReadinessAndMetrics() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(), policy: ToolDenyList(denied: ["echo"]))) { _, port, admin in
            #expect(try await TestHTTP.request(.GET, port: admin, path: "/healthz").status == 200)
            var ready = false
            for _ in 0..<100 where !ready {
                ready = try await TestHTTP.request(.GET, port: admin, path: "/readyz").status == 200
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready)
            let session = try await TestHTTP.initialize(port: port)
            _ = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"#)
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_requests_total{method=\"tools/call\",outcome=\"denied\"} 1"))
            #expect(metrics.contains("mcp_gateway_policy_decisions_total{stage=\"tools/call\",decision=\"deny\",rule=\"deny-tools\"} 1"))
            #expect(metrics.contains("mcp_gateway_request_duration_seconds_bucket"))
            #expect(metrics.contains("mcp_gateway_sessions 1"))
            #expect(metrics.contains("mcp_gateway_upstream_up{upstream=\"main\"} 1"))
        }
    }

    @Test func rateLimitedCallsAreCountedAsSuch() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream(), policy: ToolDenyList(rateLimited: ["echo"]))) { _, port, admin in
            let session = try await TestHTTP.initialize(port: port)
            _ = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"#)
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_requests_total{method=\"tools/call\",outcome=\"rate_limited\"} 1"))
        }
    }

    @Test func policySwapUnderLoadFailsNoRequest() async throws {
        try await Harness.withGateway(Harness.configuration(upstream: Harness.recordingUpstream())) { _, port, admin in
            let session = try await TestHTTP.initialize(port: port)
            let auth = [("Authorization", "Bearer admin-secret")]
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var failures = 0
                        for index in 0..<25 {
                            let result = try await TestHTTP.post(port: port, session: session,
                                                                 body: #"{"jsonrpc":"2.0","id":"\#(worker)-\#(index)","method":"tools/call","params":{"name":"echo","arguments":{"n":\#(index)}}}"#)
                            if result.status != 200 || result.json?["result"] == nil { failures += 1 }
                        }
                        return failures
                    }
                }
                group.addTask {
                    for version in 0..<10 {
                        let document: JSONValue = ["defaultAction": "allow", "revision": .int(Int64(version))]
                        let result = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth, body: AdminTests.pushBody(document))
                        if result.status != 200 { return 1000 }
                    }
                    return 0
                }
                var failures = 0
                for try await count in group { failures += count }
                #expect(failures == 0)
            }
        }
    }
}
