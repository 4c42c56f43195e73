import Foundation
import NIOConcurrencyHelpers
import Testing
import TestSupport

@testable import MCPGateway

/// The gateway enforcing real policy documents compiled by the policy engine, pushed through the
/// admin API.
@Suite("Policy engine behind the gateway", .serialized)
struct PolicyEngineEnforcementTests {
    static let apiKey = "ops-key-123"

    static let document: JSONValue = [
        "defaultAction": "deny",
        "authentication": ["allowAnonymous": false, "apiKeys": [["name": "ops", "sha256": .string(Authenticator.sha256Hex(Array(apiKey.utf8)))]]],
        "roles": [["name": "operators", "subjects": ["ops"], "allowTools": ["echo", "pid", "notify"], "denyTools": ["pid"]]],
        "inputValidation": ["detectors": ["sqlInjection": true, "pathTraversal": true]],
        "outputRedaction": [["name": "secrets", "pattern": "sk-[a-z0-9]+", "replacement": "[REDACTED]"]],
        "rateLimits": [["name": "per-subject", "scope": "subject", "requestsPerMinute": 600, "burst": 1000]],
    ]

    func push(_ document: JSONValue, admin: Int) async throws -> HTTPResult {
        try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer admin-secret")],
                                   body: AdminTests.pushBody(document))
    }

    func call(_ port: Int, _ session: String, _ tool: String, _ arguments: JSONValue) async throws -> JSONValue? {
        let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": .string(tool), "arguments": arguments]]
        return try await TestHTTP.post(port: port, session: session, body: body.renderedString,
                                       headers: TestHTTP.mcpHeaders + [("X-API-Key", Self.apiKey)]).json
    }

    @Test func everyLayerAllowsAndDeniesWithTheRuleNamed() async throws {
        let lines = NIOLockedValueBox<[JSONValue]>([])
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), auditLog: AuditLog { line in
            if let record = try? JSONValue(parsing: line) { lines.withLockedValue { $0.append(record) } }
        })
        configuration.policyCompiler = EnginePolicyCompiler()
        try await Harness.withGateway(configuration) { app, port, admin in
            let pushed = try await push(Self.document, admin: admin)
            #expect(pushed.status == 200, "\(pushed.body)")
            #expect(app.policyStore.current?.version == pushed.json?["version"]?.stringValue)

            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let anonymous = try await TestHTTP.post(port: port, session: nil, body: initialize)
            #expect(anonymous.status == 401, "no credentials where the policy wants them")
            #expect(anonymous.header("www-authenticate") == "Bearer", "the policy names no OIDC issuer to point at")
            #expect(anonymous.json?["error"]?["data"]?["rule"] == "authentication.anonymous")

            let opened = try await TestHTTP.post(port: port, session: nil, body: initialize, headers: TestHTTP.mcpHeaders + [("X-API-Key", Self.apiKey)])
            let session = try #require(opened.header("mcp-session-id"))

            let list = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
                                               headers: TestHTTP.mcpHeaders + [("X-API-Key", Self.apiKey)])
            let names = list.json?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["echo", "notify"], "pid is denied, crash is not granted")

            let allowed = try await call(port, session, "echo", ["text": "key sk-abc123 here"])
            #expect(allowed?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("[REDACTED]") == true)
            #expect(allowed?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("sk-abc123") == false)

            let denied = try await call(port, session, "pid", [:])
            #expect(denied?["error"]?["code"] == .int(Int64(JSONRPCError.policyDeniedCode)))
            #expect(denied?["error"]?["data"]?["rule"]?.stringValue?.hasPrefix("roles.operators.denyTools") == true)

            let notGranted = try await call(port, session, "crash", [:])
            #expect(notGranted?["error"]?["data"]?["rule"] == "defaultAction")

            let injection = try await call(port, session, "echo", ["query": "1' OR '1'='1' --"])
            #expect(injection?["error"]?["data"]?["rule"]?.stringValue?.hasPrefix("inputValidation") == true, "\(String(describing: injection))")
        }
        let records = lines.withLockedValue { $0 }
        #expect(records.count == 4)
        let denial = try #require(records.first { $0["tool"] == "pid" })
        #expect(denial["allowed"] == false)
        #expect(denial["subject"] == "ops")
        #expect(denial["rule"]?.stringValue?.hasPrefix("roles.operators.denyTools") == true)
        #expect(denial["argumentsSHA256"]?.stringValue?.count == 64)
        #expect(records.allSatisfy { $0["arguments"] == nil }, "arguments are hashed, not logged")
    }

    @Test func invalidDocumentIs422AndTheOldPolicyStays() async throws {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream())
        configuration.policyCompiler = EnginePolicyCompiler()
        try await Harness.withGateway(configuration) { app, _, admin in
            #expect(try await push(Self.document, admin: admin).status == 200)
            let good = app.policyStore.current?.version
            let bad: JSONValue = ["defaultAction": "deny", "network": ["denyCIDRs": ["10.0.0.0/33"]]]
            let rejected = try await push(bad, admin: admin)
            #expect(rejected.status == 422)
            #expect(rejected.json?["field"]?.stringValue?.contains("network.denyCIDRs") == true, "\(rejected.body)")
            #expect(app.policyStore.current?.version == good)
            let typo = try await push(["defaultAction": "deny", "rolez": []], admin: admin)
            #expect(typo.status == 422)
            #expect(typo.json?["field"]?.stringValue?.contains("rolez") == true, "\(typo.body)")
        }
    }
}
