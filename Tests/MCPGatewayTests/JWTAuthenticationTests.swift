import Foundation
import JWTKit
import PolicyEngine
import Testing
import TestSupport

@testable import MCPGateway

/// Bearer JWTs verified against a JWKS: signature, issuer, audience and expiry; claims feed the
/// policy's roles.
@Suite("JWT authentication")
struct JWTAuthenticationTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var roles: [String]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func signer(kid: String = "k1") async throws -> (JWTKeyCollection, String) {
        let key = ES256PrivateKey()
        let parameters = try #require(key.publicKey.parameters)
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","kid":"\#(kid)","alg":"ES256","use":"sig","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        return (keys, jwks)
    }

    static func token(_ keys: JWTKeyCollection, kid: String = "k1", issuer: String = "https://issuer.example", audience: String = "mcp",
                      expires: Date = Date().addingTimeInterval(300), roles: [String] = ["analyst"]) async throws -> String {
        try await keys.sign(Claims(sub: "alice", iss: .init(value: issuer), aud: .init(value: [audience]), exp: .init(value: expires), roles: roles),
                            kid: JWKIdentifier(string: kid))
    }

    /// A static web server on 127.0.0.1 serving `directory`, and its origin.
    static func serve(_ directory: String) async throws -> (PeerProcess, String) {
        let server = try await PeerProcess.start(executable: "/usr/bin/env", arguments: [
            "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory])
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let words = server.firstLine.split(separator: " ")
        let port = try #require(words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) }, "\(server.firstLine)")
        return (server, "http://127.0.0.1:\(port)")
    }

    /// An OIDC issuer on 127.0.0.1: its discovery document names `jwks.json` beside it.
    static func startIssuer(jwks: String) async throws -> (PeerProcess, issuer: String, directory: String) {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/.well-known", withIntermediateDirectories: true)
        try jwks.write(toFile: directory + "/jwks.json", atomically: true, encoding: .utf8)
        let (server, origin) = try await serve(directory)
        try #"{"issuer":"\#(origin)","jwks_uri":"\#(origin)/jwks.json"}"#
            .write(toFile: directory + "/.well-known/openid-configuration", atomically: true, encoding: .utf8)
        return (server, origin, directory)
    }

    @Test func thePolicysIssuerIsDiscoveredAndItsTokensAccepted() async throws {
        let (keys, jwks) = try await Self.signer()
        let (issuerServer, issuer, directory) = try await Self.startIssuer(jwks: jwks)
        defer {
            issuerServer.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        // The gateway is started with no JWKS, issuer or audience: the policy names them.
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream())
        configuration.policyCompiler = EnginePolicyCompiler()
        let document: JSONValue = [
            "defaultAction": "allow",
            "authentication": ["oidc": ["issuer": .string(issuer), "audiences": ["https://mcp.example/mcp", "mcp"]]],
        ]
        try await Harness.withGateway(configuration) { _, port, admin in
            let unprotected = try await TestHTTP.request(.GET, port: port, path: "/.well-known/oauth-protected-resource/mcp")
            #expect(unprotected.status == 404, "no issuer before the policy names one")
            let pushed = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer admin-secret")],
                                                    body: AdminTests.pushBody(document))
            #expect(pushed.status == 200, "\(pushed.body)")
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let metadataURL = "http://127.0.0.1:\(port)/.well-known/oauth-protected-resource/mcp"

            let accepted = try await TestHTTP.post(port: port, session: nil, body: initialize,
                                                   headers: TestHTTP.mcpHeaders + [("Authorization", "Bearer \(try await Self.token(keys, issuer: issuer))")])
            #expect(accepted.status == 200, "\(accepted.body)")
            #expect(accepted.header("mcp-session-id") != nil)

            let anonymous = try await TestHTTP.post(port: port, session: nil, body: initialize)
            #expect(anonymous.status == 401)
            #expect(anonymous.header("www-authenticate") == "Bearer resource_metadata=\"\(metadataURL)\"")

            for (token, reason) in [
                (try await Self.token(keys, issuer: issuer, audience: "another-service"), "token audience is not accepted"),
                (try await Self.token(keys, issuer: "https://issuer.example"), "token issuer is not accepted"),
                (try await Self.token(try await Self.signer().0, issuer: issuer), "token rejected"),
            ] {
                let refused = try await TestHTTP.post(port: port, session: nil, body: initialize,
                                                      headers: TestHTTP.mcpHeaders + [("Authorization", "Bearer \(token)")])
                #expect(refused.status == 401)
                #expect(refused.header("www-authenticate")
                    == "Bearer resource_metadata=\"\(metadataURL)\", error=\"invalid_token\", error_description=\"\(reason)\"")
            }

            let metadata = try await TestHTTP.request(.GET, port: port, path: "/.well-known/oauth-protected-resource/mcp")
            #expect(metadata.status == 200)
            #expect(metadata.json == ["resource": .string("http://127.0.0.1:\(port)/mcp"), "authorization_servers": [.string(issuer)],
                                      "bearer_methods_supported": ["header"]])
            let behindIngress = try await TestHTTP.request(.GET, port: port, path: "/.well-known/oauth-protected-resource",
                                                           headers: [("X-Forwarded-Host", "mcp.example"), ("X-Forwarded-Proto", "https")])
            #expect(behindIngress.json?["resource"] == "https://mcp.example")
        }
    }

    @Test func rotatedKeysAreFetchedAgainAndAnUnreachableIssuerIsNamed() async throws {
        let (oldKeys, oldJWKS) = try await Self.signer(kid: "old")
        let (issuerServer, issuer, directory) = try await Self.startIssuer(jwks: oldJWKS)
        defer {
            issuerServer.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let oidc = PolicyDocument.OIDC(issuer: issuer, audiences: ["mcp"])
        let keys = OIDCKeys(http: UpstreamFactory.makeHTTPTransport(maxIdleConnections: 1), minimumRefetchInterval: .zero)
        let before = await keys.verify(try await Self.token(oldKeys, kid: "old", issuer: issuer), oidc: oidc)
        #expect(try before.get().subject == "alice")
        // The issuer rotates its keys: a token under the new key makes the gateway fetch again.
        let (newKeys, newJWKS) = try await Self.signer(kid: "new")
        try newJWKS.write(toFile: directory + "/jwks.json", atomically: true, encoding: .utf8)
        let after = await keys.verify(try await Self.token(newKeys, kid: "new", issuer: issuer), oidc: oidc)
        #expect(try after.get().subject == "alice")

        let unreachable = PolicyDocument.OIDC(issuer: "http://127.0.0.1:9", audiences: ["mcp"])
        guard case .failure(let failure) = await keys.verify(try await Self.token(newKeys, kid: "new", issuer: "http://127.0.0.1:9"), oidc: unreachable) else {
            Issue.record("a token of an unreachable issuer was accepted")
            return
        }
        #expect(failure.reason.contains("http://127.0.0.1:9/.well-known/openid-configuration"), "\(failure.reason)")
    }

    @Test func fetchesTheJWKSFromItsURLAndRefusesAMissingOne() async throws {
        let (keys, jwks) = try await Self.signer()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try jwks.write(toFile: directory + "/jwks.json", atomically: true, encoding: .utf8)
        let server = try await PeerProcess.start(executable: "/usr/bin/env", arguments: [
            "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory])
        defer { server.stop() }
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let words = server.firstLine.split(separator: " ")
        let port = try #require(words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) }, "\(server.firstLine)")
        let authenticator = try await Authenticator(configuration: AuthenticationConfiguration(
            jwksURL: "http://127.0.0.1:\(port)/jwks.json", issuer: "https://issuer.example", audience: "mcp"))
        let identity = try await authenticator.authenticate(authorization: "Bearer \(try await Self.token(keys))", apiKey: nil).get()
        #expect(identity.subject == "alice")
        await #expect(throws: UpstreamError.self) {
            _ = try await Authenticator(configuration: AuthenticationConfiguration(jwksURL: "http://127.0.0.1:\(port)/missing.json"))
        }
    }

    @Test func verifiesSignatureIssuerAudienceAndExpiry() async throws {
        let (keys, jwks) = try await Self.signer()
        let authenticator = try await Authenticator(configuration: AuthenticationConfiguration(
            jwksJSON: jwks, issuer: "https://issuer.example", audience: "mcp"))
        let good = await authenticator.authenticate(authorization: "Bearer \(try await Self.token(keys))", apiKey: nil)
        let identity = try good.get()
        #expect(identity.method == .jwt)
        #expect(identity.subject == "alice")
        #expect(identity.claims["roles"] == ["analyst"])

        let expired = await authenticator.authenticate(authorization: "Bearer \(try await Self.token(keys, expires: Date().addingTimeInterval(-60)))", apiKey: nil)
        #expect((try? expired.get()) == nil)
        let wrongAudience = await authenticator.authenticate(authorization: "Bearer \(try await Self.token(keys, audience: "other"))", apiKey: nil)
        #expect((try? wrongAudience.get()) == nil)
        let wrongIssuer = await authenticator.authenticate(authorization: "Bearer \(try await Self.token(keys, issuer: "https://evil.example"))", apiKey: nil)
        #expect((try? wrongIssuer.get()) == nil)
        let (otherKeys, _) = try await Self.signer()
        let forged = await authenticator.authenticate(authorization: "Bearer \(try await Self.token(otherKeys))", apiKey: nil)
        #expect((try? forged.get()) == nil)
        let garbage = await authenticator.authenticate(authorization: "Bearer a.b.c", apiKey: nil)
        #expect((try? garbage.get()) == nil)
        #expect(try await authenticator.authenticate(authorization: nil, apiKey: nil).get() == .anonymous)
    }

    @Test func tokenRolesDriveThePolicy() async throws {
        let (keys, jwks) = try await Self.signer()
        var configuration = Harness.configuration(upstream: Harness.recordingUpstream())
        configuration.authentication = AuthenticationConfiguration(jwksJSON: jwks, issuer: "https://issuer.example", audience: "mcp")
        configuration.policyCompiler = EnginePolicyCompiler()
        let document: JSONValue = [
            "defaultAction": "deny",
            "authentication": ["oidc": ["issuer": "https://issuer.example", "audiences": ["mcp"], "rolesClaim": "roles"]],
            "roles": [["name": "analyst", "claims": ["roles": ["analyst"]], "allowTools": ["echo"]]],
        ]
        let analyst = try await Self.token(keys)
        let stranger = try await Self.token(keys, roles: ["guest"])
        try await Harness.withGateway(configuration) { _, port, admin in
            let pushed = try await TestHTTP.request(.PUT, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer admin-secret")],
                                                    body: AdminTests.pushBody(document))
            #expect(pushed.status == 200, "\(pushed.body)")
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            for (token, expected) in [(analyst, true), (stranger, false)] {
                let headers = TestHTTP.mcpHeaders + [("Authorization", "Bearer \(token)")]
                let opened = try await TestHTTP.post(port: port, session: nil, body: initialize, headers: headers)
                let session = try #require(opened.header("mcp-session-id"), "\(opened.status) \(opened.body)")
                let call = try await TestHTTP.post(port: port, session: session,
                                                   body: #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{}}}"#, headers: headers)
                #expect((call.json?["result"] != nil) == expected, "\(call.body)")
            }
            let invalid = try await TestHTTP.post(port: port, session: nil, body: initialize,
                                                  headers: TestHTTP.mcpHeaders + [("Authorization", "Bearer \(analyst)x")])
            #expect(invalid.status == 401)
        }
    }
}
