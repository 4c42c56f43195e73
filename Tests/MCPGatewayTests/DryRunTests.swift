import Foundation
import NIOConcurrencyHelpers
import Testing
import TestSupport

@testable import MCPGateway

/// A dry-run policy pushed beside the enforced one: its would-be decisions are counted and
/// audited, and never enforced.
@Suite("Dry-run policies", .serialized)
struct DryRunTests {
    static let enforced: JSONValue = ["defaultAction": "allow", "authentication": ["allowAnonymous": true]]

    /// Allows everything but would deny any argument containing "secret".
    static let candidate: JSONValue = [
        "defaultAction": "allow", "authentication": ["allowAnonymous": true],
        "inputValidation": ["customPatterns": [["name": "no-secrets", "pattern": "secret"]]],
        "dryRun": true,
    ]

    static let auth = [("Authorization", "Bearer admin-secret")]

    static func push(_ document: JSONValue, admin: Int) async throws -> HTTPResult {
        try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: auth, body: AdminTests.pushBody(document))
    }

    static func call(_ port: Int, _ session: String, _ arguments: JSONValue) async throws -> JSONValue? {
        let body: JSONValue = ["jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": ["name": "echo", "arguments": arguments]]
        return try await TestHTTP.post(port: port, session: session, body: body.renderedString).json
    }

    static func version(_ document: JSONValue) -> String { "sha256:\(Authenticator.sha256Hex(document.renderedBytes()))" }

    static func recordingConfiguration(_ lines: NIOLockedValueBox<[JSONValue]>) -> GatewayConfiguration {
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream(), auditLog: AuditLog { bytes in
            for line in bytes.split(separator: 0x0A) {
                if let record = try? JSONValue(parsing: Array(line)) { lines.withLockedValue { $0.append(record) } }
            }
        })
        configuration.policyCompiler = EnginePolicyCompiler()
        return configuration
    }

    @Test func aCallTheDryRunPolicyWouldDenySucceedsAndTheWouldBeDenialIsCountedAndAudited() async throws {
        let lines = NIOLockedValueBox<[JSONValue]>([])
        let dryRunSHA256 = try await Harness.withGateway(Self.recordingConfiguration(lines)) { app, port, admin in
            #expect(try await Self.push(Self.enforced, admin: admin).status == 200)
            let pushed = try await Self.push(Self.candidate, admin: admin)
            #expect(pushed.status == 200, "\(pushed.body)")
            #expect(pushed.json?["applied"] == "dryRun")
            #expect(pushed.json?["version"] == .string(Self.version(Self.enforced)), "the enforced policy stays")
            #expect(pushed.json?["dryRun"]?["version"] == .string(Self.version(Self.candidate)))

            let shown = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy", headers: Self.auth).json
            #expect(shown?["version"] == .string(Self.version(Self.enforced)))
            #expect(shown?["enforcing"] == true)
            #expect(shown?["dryRun"]?["version"] == .string(Self.version(Self.candidate)))
            #expect(shown?["dryRun"]?["appliedAt"]?.stringValue != nil)
            let dryRunSHA256 = try #require(shown?["dryRun"]?["sha256"]?.stringValue)

            let session = try await TestHTTP.initialize(port: port)
            let secret = try await Self.call(port, session, ["text": "the secret plan"])
            #expect(secret?["error"] == nil, "\(String(describing: secret))")
            #expect(secret?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("the secret plan") == true)
            let plain = try await Self.call(port, session, ["text": "hello"])
            #expect(plain?["result"] != nil)

            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains(
                "mcp_gateway_policy_dry_run_decisions_total{stage=\"tools/call\",decision=\"deny\",rule=\"inputValidation.customPatterns.no-secrets\"} 1"),
                "\(metrics)")
            #expect(metrics.contains("mcp_gateway_policy_dry_run_decisions_total{stage=\"tools/call\",decision=\"allow\",rule=\"allow\"} 1"))
            #expect(metrics.contains("mcp_gateway_policy_decisions_total{stage=\"tools/call\",decision=\"allow\",rule=\"allow\"} 2"))
            #expect(app.policyStore.current?.version == Self.version(Self.enforced))
            return dryRunSHA256
        }
        let records = lines.withLockedValue { $0 }
        let wouldBe = records.filter { $0["dryRun"] == true }
        let enforcedRecords = records.filter { $0["dryRun"] != true }
        #expect(wouldBe.count == 2)
        #expect(enforcedRecords.count == 2)
        #expect(enforcedRecords.allSatisfy { $0["allowed"] == true })
        let denial = try #require(wouldBe.first { $0["allowed"] == false })
        #expect(denial["rule"] == "inputValidation.customPatterns.no-secrets")
        #expect(denial["tool"] == "echo")
        #expect(denial["policyVersion"] == .string("sha256:\(dryRunSHA256)"), "the record names the dry-run policy")
    }

    @Test func anEnforcingPushKeepsTheDryRunPolicyUnlessItPromotesIt() async throws {
        let lines = NIOLockedValueBox<[JSONValue]>([])
        try await Harness.withGateway(Self.recordingConfiguration(lines)) { app, port, admin in
            #expect(try await Self.push(Self.enforced, admin: admin).status == 200)
            #expect(try await Self.push(Self.candidate, admin: admin).status == 200)

            var other = Self.enforced
            other["audit"] = ["enabled": true, "includeArguments": false]
            let replaced = try await Self.push(other, admin: admin)
            #expect(replaced.json?["applied"] == "enforced")
            #expect(replaced.json?["version"] == .string(Self.version(other)))
            #expect(replaced.json?["dryRun"]?["version"] == .string(Self.version(Self.candidate)), "an unrelated enforcing push keeps the dry run")

            var promoted = Self.candidate
            promoted["dryRun"] = false
            let enforcedNow = try await Self.push(promoted, admin: admin)
            #expect(enforcedNow.json?["applied"] == "enforced")
            #expect(enforcedNow.json?["dryRun"] == nil, "promoting the dry-run document ends the dry run")
            #expect(app.policyStore.current?.dryRun == nil)

            let session = try await TestHTTP.initialize(port: port)
            let secret = try await Self.call(port, session, ["text": "the secret plan"])
            #expect(secret?["error"]?["data"]?["rule"] == "inputValidation.customPatterns.no-secrets")
        }
    }

    @Test func deletingTheDryRunPolicyLeavesTheEnforcedOne() async throws {
        let lines = NIOLockedValueBox<[JSONValue]>([])
        try await Harness.withGateway(Self.recordingConfiguration(lines)) { _, port, admin in
            #expect(try await Self.push(Self.enforced, admin: admin).status == 200)
            let none = try await TestHTTP.request(.DELETE, port: admin, path: "/admin/policy/dry-run", headers: Self.auth)
            #expect(none.status == 404)
            #expect(try await TestHTTP.request(.DELETE, port: admin, path: "/admin/policy/dry-run").status == 401)
            #expect(try await Self.push(Self.candidate, admin: admin).status == 200)
            let deleted = try await TestHTTP.request(.DELETE, port: admin, path: "/admin/policy/dry-run", headers: Self.auth)
            #expect(deleted.status == 200)
            #expect(deleted.json?["version"] == .string(Self.version(Self.enforced)))
            #expect(deleted.json?["dryRun"] == nil)
            let session = try await TestHTTP.initialize(port: port)
            _ = try await Self.call(port, session, ["text": "the secret plan"])
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(!metrics.contains("stage=\"tools/call\",decision=\"deny\",rule=\"inputValidation.customPatterns.no-secrets\""))
        }
        #expect(lines.withLockedValue { $0 }.allSatisfy { $0["dryRun"] != true })
    }

    @Test func aGatewayBootingFromADryRunDocumentEnforcesNothingAndAuditsWhatItWouldDo() async throws {
        let lines = NIOLockedValueBox<[JSONValue]>([])
        var configuration = Self.recordingConfiguration(lines)
        configuration.initialPolicy = nil
        var strict = Self.candidate
        strict["authentication"] = ["allowAnonymous": false]
        configuration.initialPolicyJSON = strict.renderedString
        try await Harness.withGateway(configuration) { _, port, admin in
            let shown = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy", headers: Self.auth).json
            #expect(shown?["enforcing"] == false)
            #expect(shown?["version"] == shown?["dryRun"]?["version"])
            let session = try await TestHTTP.initialize(port: port)
            let secret = try await Self.call(port, session, ["text": "the secret plan"])
            #expect(secret?["result"] != nil, "nothing is enforced: \(String(describing: secret))")
            let conflict = try await TestHTTP.request(.DELETE, port: admin, path: "/admin/policy/dry-run", headers: Self.auth)
            #expect(conflict.status == 409)
            let metrics = try await TestHTTP.request(.GET, port: admin, path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_policy_dry_run_decisions_total{stage=\"identity\",decision=\"deny\",rule=\"authentication.anonymous\"}"))
        }
        let records = lines.withLockedValue { $0 }
        #expect(records.count == 1)
        #expect(records.first?["dryRun"] == true)
        #expect(records.first?["allowed"] == false)
        #expect(records.first?["rule"] == "authentication.anonymous")
    }

    @Test func anyEnforcerCanRunDryAndItsRecordsAreMarked() throws {
        let shadow = ShadowedPolicyEnforcer(
            enforced: AllowAllPolicyEnforcer(),
            dryRun: DryRunPolicy(evaluator: ToolDenyList(denied: ["pid"]), version: "candidate-2", sha256: String(repeating: "1", count: 64)),
            metrics: nil)
        let origin = RequestOrigin(clientIP: "127.0.0.1", identity: CallerIdentity(method: .apiKey, subject: "ops"))
        #expect(shadow.checkToolCall(tool: "pid", arguments: nil, origin: origin) == .allow)
        #expect(shadow.isToolVisible("pid", origin: origin))
        let bytes = try #require(shadow.auditRecord(tool: "pid", arguments: nil, origin: origin, decision: .allow, latencyNanoseconds: 1000))
        let records = bytes.split(separator: 0x0A).compactMap { try? JSONValue(parsing: Array($0)) }
        #expect(records.count == 2)
        #expect(records[0]["allowed"] == true)
        #expect(records[0]["dryRun"] == nil)
        #expect(records[1]["allowed"] == false)
        #expect(records[1]["rule"] == "deny-tools")
        #expect(records[1]["dryRun"] == true)
    }
}
