import ControlPlaneHTTP
import Crypto
import Foundation
import JWTKit
import PolicyEngine

/// How callers prove who they are: bearer JWTs checked against a JWKS (issuer, audience, expiry),
/// and API keys stored only as SHA-256 hashes.
public struct AuthenticationConfiguration: Sendable {
    /// The JWKS document as JSON text (from a file).
    public var jwksJSON: String?
    /// Where to fetch the JWKS at start when `jwksJSON` is not given (`http://` or `https://`).
    public var jwksURL: String?
    /// The required `iss`, if any.
    public var issuer: String?
    /// The required `aud`, if any.
    public var audience: String?
    /// API key name → lowercase hex SHA-256 of the key.
    public var apiKeyHashes: [String: String]

    /// A configuration; with nothing set every caller is anonymous.
    public init(jwksJSON: String? = nil, jwksURL: String? = nil, issuer: String? = nil, audience: String? = nil,
                apiKeyHashes: [String: String] = [:]) {
        self.jwksJSON = jwksJSON
        self.jwksURL = jwksURL
        self.issuer = issuer
        self.audience = audience
        self.apiKeyHashes = apiKeyHashes
    }

    /// Reads an API key file: a JSON object of name → hex SHA-256, or lines `name:hex` / `name hex`.
    public static func parseAPIKeyHashes(_ text: String) -> [String: String] {
        if let json = try? JSONValue(parsing: text), let object = json.objectValue {
            return object.compactMapValues { $0.stringValue?.lowercased() }
        }
        var hashes: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "=" }).map(String.init)
            if parts.count == 2 { hashes[parts[0]] = parts[1].lowercased() }
        }
        return hashes
    }
}

/// Credentials that were presented but did not check out (HTTP 401).
public struct AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why, without secrets.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}

/// Checks the credentials of each request. No credentials at all gives the anonymous identity;
/// whether anonymous callers are let in is the policy's decision.
public final class Authenticator: Sendable {
    private let configuration: AuthenticationConfiguration
    private let keys: JWTKeyCollection?
    /// The keys of the issuers policies name.
    let policyKeys: OIDCKeys

    /// An authenticator for `configuration`.
    /// - Throws: when the JWKS is not valid.
    public init(configuration: AuthenticationConfiguration, policyKeys: OIDCKeys? = nil) async throws {
        self.configuration = configuration
        self.policyKeys = policyKeys ?? OIDCKeys(http: UpstreamFactory.makeHTTPTransport(maxIdleConnections: 4))
        var jwksJSON = configuration.jwksJSON
        if jwksJSON == nil, let url = configuration.jwksURL {
            let response = try await UpstreamFactory.makeHTTPTransport(maxIdleConnections: 1)
                .send(HTTPRequest(url: url, headers: ["Accept": "application/json"], timeout: .seconds(30)))
            guard response.status == 200 else { throw UpstreamError.httpStatus(response.status, "fetching the JWKS") }
            jwksJSON = String(decoding: response.body.prefix(1 << 20), as: UTF8.self)
        }
        if let jwks = jwksJSON {
            let keys = JWTKeyCollection()
            try await keys.add(jwksJSON: jwks)
            self.keys = keys
        } else {
            keys = nil
        }
    }

    /// The identity behind an `Authorization` header value and an `X-API-Key` header value. A
    /// bearer JWT is checked against the policy's `oidc` issuer and audiences when the policy names
    /// one (with the issuer's keys, fetched, or the gateway's own JWKS when it was started with that
    /// issuer's), else against the JWKS, issuer and audience the gateway was started with.
    public func authenticate(authorization: String?, apiKey: String?, oidc: PolicyDocument.OIDC? = nil) async
        -> Result<CallerIdentity, AuthenticationFailure>
    {
        if let apiKey, !apiKey.isEmpty { return checkAPIKey(apiKey) }
        guard let authorization, !authorization.isEmpty else { return .success(.anonymous) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(AuthenticationFailure(reason: "unsupported authorization scheme"))
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        if token.split(separator: ".").count != 3 { return checkAPIKey(token) }
        if let oidc {
            // The keys the gateway was started with serve the policy's issuer when they are that
            // issuer's (no fetch); the policy's issuer and audiences decide.
            if let keys, configuration.issuer == oidc.issuer { return await OIDCKeys.verify(token, keys: keys, oidc: oidc) }
            return await policyKeys.verify(token, oidc: oidc)
        }
        return await checkJWT(token)
    }

    private func checkAPIKey(_ key: String) -> Result<CallerIdentity, AuthenticationFailure> {
        let hash = Self.sha256Hex(Array(key.utf8))
        var matched: String?
        for (name, expected) in configuration.apiKeyHashes where Self.constantTimeEquals(Array(hash.utf8), Array(expected.utf8)) {
            matched = name
        }
        guard let matched else { return .failure(AuthenticationFailure(reason: "unknown API key")) }
        return .success(CallerIdentity(method: .apiKey, subject: matched))
    }

    private func checkJWT(_ token: String) async -> Result<CallerIdentity, AuthenticationFailure> {
        guard let keys else { return .failure(AuthenticationFailure(reason: "bearer tokens are not accepted (no JWKS configured)")) }
        do {
            let payload = try await keys.verify(token, as: VerifiedClaims.self)
            if let issuer = configuration.issuer, payload.iss?.value != issuer {
                return .failure(AuthenticationFailure(reason: "token issuer is not accepted"))
            }
            if let audience = configuration.audience {
                guard let aud = payload.aud else { return .failure(AuthenticationFailure(reason: "token has no audience")) }
                try aud.verifyIntendedAudience(includes: audience)
            }
            let claims = Self.decodeClaims(token)
            return .success(CallerIdentity(method: .jwt, subject: payload.sub?.value, claims: claims))
        } catch {
            return .failure(AuthenticationFailure(reason: "token rejected"))
        }
    }

    /// The claims of an already verified token, as JSON.
    static func decodeClaims(_ token: String) -> [String: JSONValue] {
        let segments = token.split(separator: ".")
        guard segments.count == 3 else { return [:] }
        var base64 = segments[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let json = try? JSONValue(parsing: data) else { return [:] }
        return json.objectValue ?? [:]
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares without stopping at the first difference, so timing reveals nothing but the length.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

