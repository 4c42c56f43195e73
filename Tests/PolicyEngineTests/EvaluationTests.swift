import Foundation
import Testing

@testable import PolicyEngine

@Suite struct EvaluationTests {
    @Test func networkLayerOrdersDenyThreatIntelAndAllow() throws {
        let policy = try CompiledPolicy(
            PolicyDocument(
                defaultAction: .allow,
                network: .init(allowCIDRs: ["10.0.0.0/8", "2001:db8::/32"], denyCIDRs: ["10.66.0.0/16"]),
                threatIntel: .init(denyCIDRs: ["10.99.0.0/16", "2001:db8:bad::/48"])))
        #expect(policy.evaluateConnection(IPAddress("10.1.2.3")).allowed)
        #expect(policy.evaluateConnection(IPAddress("10.66.1.1")).rule == "network.deny")
        #expect(policy.evaluateConnection(IPAddress("10.99.1.1")).rule == "threatIntel")
        #expect(policy.evaluateConnection(IPAddress("2001:db8:bad::1")).rule == "threatIntel")
        #expect(policy.evaluateConnection(IPAddress("192.0.2.1")).rule == "network.allow")
        #expect(policy.evaluateConnection(nil).rule == "network.allow")
        #expect(policy.evaluateConnection(IPAddress("::ffff:10.1.2.3")).allowed)
        let open = try CompiledPolicy(PolicyDocument())
        #expect(open.evaluateConnection(nil).allowed)
    }

    @Test func apiKeysResolveByHash() throws {
        let hash = "8cdefaf738d350cc8e2982c038b8b5b6d75d098e3a320af3612292b833c82bca"  // sha256("hunter2-but-longer")
        let policy = try CompiledPolicy(PolicyDocument(authentication: .init(apiKeys: [.init(name: "ci-bot", sha256: hash.uppercased())])))
        #expect(policy.identity(forAPIKey: "hunter2-but-longer") == Identity(subject: "ci-bot", method: .apiKey))
        #expect(policy.identity(forAPIKey: "hunter2") == nil)
    }

    @Test func verifiedClaimsBecomeAnIdentity() throws {
        let policy = try CompiledPolicy(
            PolicyDocument(authentication: .init(oidc: .init(
                issuer: "https://idp.example.com", audiences: ["mcp"], subjectClaim: "email", rolesClaim: "realm_access.roles"))))
        let identity = try #require(policy.identity(fromVerifiedClaims: [
            "sub": "1234", "email": "ana@example.com", "realm_access": ["roles": ["analyst", "viewer"]], "groups": ["ops"], "email_verified": true,
        ]))
        #expect(identity.subject == "ana@example.com")
        #expect(identity.roles == ["analyst", "viewer"])
        #expect(identity.claims["groups"] == ["ops"])
        #expect(identity.claims["email_verified"] == ["true"])
        #expect(identity.method == .jwt)
        let spaced = CompiledPolicy.identity(fromVerifiedClaims: ["sub": "x", "scope": "read write"], subjectClaim: "sub", rolesClaim: "scope")
        #expect(spaced?.roles == ["read", "write"])
        #expect(policy.identity(fromVerifiedClaims: ["sub": "no-email"]) == nil)
    }

    @Test func auditRecordHashesArgumentsUnlessAskedToKeepThem() throws {
        let request = ToolCallRequest(identity: .key("ci"), clientIP: "192.0.2.10", toolName: "search", arguments: ["q": "weather", "n": 3])
        let decision = Decision(allowed: true, rule: "defaultAction", reason: "ok")
        let time = Date(timeIntervalSince1970: 1_714_566_896.789)
        let hashed = try CompiledPolicy(PolicyDocument(defaultAction: .allow))
        let line = hashed.auditRecord(request: request, decision: decision, latencyNanoseconds: 12_345, timestamp: time)
        #expect(line.last == UInt8(ascii: "\n"))
        let record = try PolicyJSON(parsing: line)
        #expect(record["time"] == "2024-05-01T12:34:56.789Z")
        #expect(record["subject"] == "ci")
        #expect(record["tool"] == "search")
        #expect(record["rule"] == "defaultAction")
        #expect(record["allowed"] == true)
        #expect(record["latencyMicroseconds"] == 12.345)
        #expect(record["clientIP"] == "192.0.2.10")
        #expect(record["policyVersion"] == .string(hashed.version))
        // sha256 of the canonical arguments {"n":3,"q":"weather"}
        #expect(record["argumentsSHA256"] == "36e2bd032395c6ba09f9519df9b6ee6b8a74439e0c1b1b7981e1417ad4303dce")
        #expect(record["arguments"] == nil)
        let keeping = try CompiledPolicy(PolicyDocument(defaultAction: .allow, audit: .init(includeArguments: true), dryRun: true))
        let full = try PolicyJSON(parsing: keeping.auditRecord(request: request, decision: decision, latencyNanoseconds: 0, timestamp: time))
        #expect(full["arguments"] == ["q": "weather", "n": 3])
        #expect(full["dryRun"] == true)
        #expect(keeping.isDryRun)
    }

    @Test func argumentHashIgnoresKeyOrder() throws {
        let policy = try CompiledPolicy(PolicyDocument(defaultAction: .allow))
        func hash(_ json: String) throws -> PolicyJSON? {
            let arguments = try PolicyJSON(parsing: json)
            let request = ToolCallRequest(identity: .key("k"), clientIP: nil as String?, toolName: "t", arguments: arguments)
            let line = policy.auditRecord(request: request, decision: .allow("x", "y"), latencyNanoseconds: 0, timestamp: Date(timeIntervalSince1970: 0))
            return try PolicyJSON(parsing: line)["argumentsSHA256"]
        }
        #expect(try hash(#"{"a": 1, "b": [true, "x"]}"#) == hash(#"{"b":[true,"x"],"a":1.0}"#))
        #expect(try hash(#"{"a": 1}"#) != hash(#"{"a": 2}"#))
    }

    @Test func isoTimestampsCoverCalendarEdges() {
        #expect(CompiledPolicy.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(CompiledPolicy.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(CompiledPolicy.iso8601(Date(timeIntervalSince1970: 4_102_444_799.5)) == "2099-12-31T23:59:59.500Z")
    }

    @Test func compiledPolicyReportsItsVersion() throws {
        let document = PolicyDocument(roles: [.init(name: "r", subjects: ["a"], allowTools: ["x"])])
        let policy = try CompiledPolicy(document)
        #expect(policy.version == document.version)
        #expect(policy.canonicalJSON == document.canonicalJSON())
        #expect(policy.document == document.normalized())
    }
}
