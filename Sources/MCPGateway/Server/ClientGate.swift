import Foundation
import HTTPTypes
import Hummingbird
import PolicyEngine

/// The checks every client request passes before it reaches a session, in order: the Origin
/// allow-list, a loaded policy, the network policy for the client's address, the credentials, and
/// whether the policy admits that identity. A refusal is an HTTP answer.
struct ClientGate: Sendable {
    let allowedOrigins: [String]
    let authenticator: Authenticator
    let policyStore: PolicyStore
    let metrics: GatewayMetrics

    /// The origin of an admitted request, or the HTTP answer refusing it.
    func admit(_ request: Request, context: GatewayRequestContext) async -> Result<RequestOrigin, GateRefusal> {
        if let origin = request.headers[.origin], !isAllowed(origin: origin) {
            return .failure(GateRefusal(HTTPReplies.error(.forbidden, code: JSONRPCError.invalidRequestCode, message: "Origin not allowed")))
        }
        guard let snapshot = policyStore.current else {
            return .failure(GateRefusal(HTTPReplies.error(.serviceUnavailable, code: JSONRPCError.sessionErrorCode, message: "No policy loaded yet")))
        }
        let enforcer = snapshot.enforcer
        let clientIP = context.clientIP
        let connection = enforcer.checkConnection(clientIP: clientIP)
        metrics.recordDecision(connection, stage: "connection")
        if let refusal = refusal(for: connection) { return .failure(refusal) }
        let authorization = request.headers[.authorization]
        let presentedKey = request.headers[HTTPReplies.apiKeyHeader] ?? Self.opaqueBearer(authorization)
        let authenticated: Result<CallerIdentity, AuthenticationFailure>
        if let presentedKey, let known = enforcer.identify(apiKey: presentedKey) {
            authenticated = .success(known)
        } else {
            authenticated = await authenticator.authenticate(authorization: authorization, apiKey: request.headers[HTTPReplies.apiKeyHeader],
                                                             oidc: enforcer.oidc)
        }
        let identity: CallerIdentity
        switch authenticated {
        case .success(let value): identity = value
        case .failure(let failure):
            metrics.recordDecision(.deny(rule: "authentication", reason: failure.reason), stage: "identity")
            return .failure(GateRefusal(HTTPReplies.error(.unauthorized, code: JSONRPCError.policyDeniedCode, message: "Unauthorized: \(failure.reason)",
                                                          headers: [.wwwAuthenticate: Self.challenge(for: request, oidc: enforcer.oidc, refused: failure.reason)])))
        }
        let origin = RequestOrigin(clientIP: clientIP, identity: identity)
        let decision = enforcer.checkIdentity(origin)
        metrics.recordDecision(decision, stage: "identity")
        if identity.method == .anonymous, case .deny = decision, let error = decision.jsonRPCError {
            // Credentials are missing where the policy wants them: 401 with the challenge that
            // tells the client how to get some (RFC 6750; the MCP authorization spec).
            return .failure(GateRefusal(HTTPReplies.json(JSONRPCMessage.errorResponse(id: nil, error: error).json, status: .unauthorized,
                                                         headers: [.wwwAuthenticate: Self.challenge(for: request, oidc: enforcer.oidc, refused: nil)])))
        }
        if let refusal = refusal(for: decision) { return .failure(refusal) }
        return .success(origin)
    }

    /// A 401's `WWW-Authenticate`: `Bearer`, with `resource_metadata` (RFC 9728) when the policy
    /// names an OIDC issuer, and `error="invalid_token"` when credentials were presented and refused.
    static func challenge(for request: Request, oidc: PolicyDocument.OIDC?, refused reason: String?) -> String {
        var parameters: [String] = []
        if oidc != nil { parameters.append("resource_metadata=\"\(ProtectedResourceEndpoint.metadataURL(for: request))\"") }
        if let reason {
            // A quoted-string without quotes, backslashes or control characters.
            let description = String(reason.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }.map(Character.init))
            parameters += ["error=\"invalid_token\"", "error_description=\"\(description)\""]
        }
        return parameters.isEmpty ? "Bearer" : "Bearer " + parameters.joined(separator: ", ")
    }

    /// A bearer credential that is not a JWT (no two dots): an API key sent as a bearer token.
    private static func opaqueBearer(_ authorization: String?) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.split(separator: ".").count == 3 ? nil : token
    }

    private func refusal(for decision: PolicyDecision) -> GateRefusal? {
        guard let error = decision.jsonRPCError else { return nil }
        let body = JSONRPCMessage.errorResponse(id: nil, error: error).json
        if case .rateLimited(_, let retryAfter) = decision {
            let seconds = max(1, Int(retryAfter.rounded(.up)))
            return GateRefusal(HTTPReplies.json(body, status: .tooManyRequests, headers: [.retryAfter: String(seconds)]))
        }
        return GateRefusal(HTTPReplies.json(body, status: .forbidden))
    }

    /// Localhost origins are always allowed; others only when listed (`*` lists every origin).
    func isAllowed(origin: String) -> Bool {
        if allowedOrigins.contains("*") || allowedOrigins.contains(origin) { return true }
        guard let host = URLComponents(string: origin)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]" || host.hasSuffix(".localhost")
    }
}

/// A request the gate refused, with the answer to send.
struct GateRefusal: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
