import ControlPlaneHTTP
import Foundation
import JWTKit
import PolicyEngine

/// The signing keys of the OIDC issuers that policies name, fetched when a token first needs them:
/// from the policy's `jwksURL`, or from the `jwks_uri` of the issuer's
/// `/.well-known/openid-configuration`. Keys are fetched again after `maximumAge`, and when a
/// token does not verify against keys older than `minimumRefetchInterval` (the issuer rotated its
/// keys). Callers needing the same issuer's keys share one fetch; a failed fetch is remembered for
/// `failureMemory`, so an unreachable issuer is not asked again by every request.
public actor OIDCKeys {
    private struct Entry {
        var keys: JWTKeyCollection
        var fetchedAt: ContinuousClock.Instant
    }

    private let http: HTTPTransport
    private let clock = ContinuousClock()
    private let maximumAge: Duration
    private let minimumRefetchInterval: Duration
    private let failureMemory: Duration
    private var entries: [String: Entry] = [:]
    private var fetches: [String: Task<Entry, any Error>] = [:]
    private var failures: [String: (at: ContinuousClock.Instant, reason: String)] = [:]

    /// Keys fetched over `http`.
    public init(http: HTTPTransport, maximumAge: Duration = .seconds(3600), minimumRefetchInterval: Duration = .seconds(30),
                failureMemory: Duration = .seconds(5)) {
        self.http = http
        self.maximumAge = maximumAge
        self.minimumRefetchInterval = minimumRefetchInterval
        self.failureMemory = failureMemory
    }

    /// The identity behind bearer JWT `token` under the policy's `oidc` settings: signature against
    /// the issuer's keys, expiry and not-before, `iss` equal to the issuer, and an `aud` among the
    /// policy's audiences.
    public func verify(_ token: String, oidc: PolicyDocument.OIDC) async -> Result<CallerIdentity, AuthenticationFailure> {
        let source = oidc.jwksURL ?? oidc.issuer
        let entry: Entry
        do {
            entry = try await keys(source: source, oidc: oidc, olderThan: nil)
        } catch {
            return .failure(AuthenticationFailure(reason: "the issuer's signing keys could not be fetched: \(error)"))
        }
        var verified = await Self.verify(token, keys: entry.keys, oidc: oidc)
        if case .failure = verified, clock.now - entry.fetchedAt >= minimumRefetchInterval,
           let renewed = try? await keys(source: source, oidc: oidc, olderThan: entry.fetchedAt) {
            verified = await Self.verify(token, keys: renewed.keys, oidc: oidc)
        }
        return verified
    }

    /// `token` checked against `keys` under `oidc`'s issuer and audiences.
    static func verify(_ token: String, keys: JWTKeyCollection, oidc: PolicyDocument.OIDC) async
        -> Result<CallerIdentity, AuthenticationFailure>
    {
        let payload: VerifiedClaims
        do {
            payload = try await keys.verify(token, as: VerifiedClaims.self)
        } catch {
            return .failure(AuthenticationFailure(reason: "token rejected"))
        }
        guard payload.iss?.value == oidc.issuer else { return .failure(AuthenticationFailure(reason: "token issuer is not accepted")) }
        guard let audiences = payload.aud?.value, audiences.contains(where: oidc.audiences.contains) else {
            return .failure(AuthenticationFailure(reason: "token audience is not accepted"))
        }
        return .success(CallerIdentity(method: .jwt, subject: payload.sub?.value, claims: Authenticator.decodeClaims(token)))
    }

    /// The keys for `source`: cached ones unless missing, older than `maximumAge`, or fetched at or
    /// before `olderThan` (a verification failed against them).
    private func keys(source: String, oidc: PolicyDocument.OIDC, olderThan stale: ContinuousClock.Instant?) async throws -> Entry {
        if let entry = entries[source], clock.now - entry.fetchedAt < maximumAge, stale.map({ entry.fetchedAt > $0 }) ?? true {
            return entry
        }
        if let failure = failures[source], clock.now - failure.at < failureMemory { throw OIDCKeysError(failure.reason) }
        if let fetch = fetches[source] { return try await fetch.value }
        let http = self.http
        let fetch = Task { () throws -> Entry in
            var jwksURL = oidc.jwksURL ?? ""
            if jwksURL.isEmpty { jwksURL = try await Self.discoverJWKSURL(issuer: oidc.issuer, http: http) }
            let body = try await Self.get(jwksURL, http: http)
            let keys = JWTKeyCollection()
            do {
                try await keys.add(jwksJSON: String(decoding: body, as: UTF8.self))
            } catch {
                throw OIDCKeysError("\(jwksURL) is not a usable JWKS: \(error)")
            }
            return Entry(keys: keys, fetchedAt: ContinuousClock.now)
        }
        fetches[source] = fetch
        defer { fetches[source] = nil }
        do {
            let entry = try await fetch.value
            entries[source] = entry
            failures[source] = nil
            return entry
        } catch {
            failures[source] = (clock.now, "\(error)")
            throw error
        }
    }

    /// The `jwks_uri` of `issuer`'s OpenID Connect discovery document.
    static func discoverJWKSURL(issuer: String, http: HTTPTransport) async throws -> String {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let url = base + "/.well-known/openid-configuration"
        let body = try await get(url, http: http)
        guard let document = try? JSONValue(parsing: body), let jwksURI = document["jwks_uri"]?.stringValue else {
            throw OIDCKeysError("\(url) names no jwks_uri")
        }
        return jwksURI
    }

    private static func get(_ url: String, http: HTTPTransport) async throws -> Data {
        let response: HTTPResponse
        do {
            response = try await http.send(HTTPRequest(url: url, headers: ["Accept": "application/json"], timeout: .seconds(10)))
        } catch {
            throw OIDCKeysError("GET \(url) failed: \(error)")
        }
        guard response.status == 200 else { throw OIDCKeysError("GET \(url) answered \(response.status)") }
        guard response.body.count <= 1 << 20 else { throw OIDCKeysError("GET \(url) answered more than 1 MiB") }
        return response.body
    }
}

/// Why an issuer's keys could not be had.
struct OIDCKeysError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The registered claims checked on every token; expiry and not-before by JWTKit.
struct VerifiedClaims: JWTPayload {
    var sub: SubjectClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}
