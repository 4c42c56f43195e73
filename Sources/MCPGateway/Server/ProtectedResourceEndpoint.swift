import HTTPTypes
import Hummingbird
import PolicyEngine

/// OAuth 2.0 Protected Resource Metadata (RFC 9728), which MCP clients read to learn where to get
/// a token: `GET /.well-known/oauth-protected-resource`, and the same followed by an endpoint's path
/// (`/mcp`, `/sse`, `/ws`), names the resource (the URL the client dialed) and the policy's OIDC
/// issuer as its authorization server. 404 while the policy names no issuer. A 401 points here
/// (`WWW-Authenticate: Bearer resource_metadata="…"`).
///
/// The URLs are built from the request's `Host` (or `X-Forwarded-Host` and `X-Forwarded-Proto`,
/// set by an ingress in front of the gateway).
struct ProtectedResourceEndpoint: Sendable {
    static let wellKnownPath = "/.well-known/oauth-protected-resource"
    /// The client endpoints whose metadata has a document of its own.
    static let endpointPaths = ["/mcp", "/sse", "/ws"]
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    let policyStore: PolicyStore

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get(RouterPath(stringLiteral: Self.wellKnownPath)) { request, _ in metadata(request, resourcePath: "") }
        for path in Self.endpointPaths {
            router.get(RouterPath(stringLiteral: Self.wellKnownPath + path)) { request, _ in metadata(request, resourcePath: path) }
        }
    }

    private func metadata(_ request: Request, resourcePath: String) -> Response {
        guard let oidc = policyStore.current?.enforcer.oidc else {
            return HTTPReplies.json(["error": "not_found", "error_description": "the policy names no OIDC issuer"], status: .notFound)
        }
        return HTTPReplies.json(Self.document(resource: Self.origin(of: request) + resourcePath, oidc: oidc), headers: [.cacheControl: "max-age=300"])
    }

    /// The metadata document for `resource` protected by `oidc`'s issuer.
    static func document(resource: String, oidc: PolicyDocument.OIDC) -> JSONValue {
        ["resource": .string(resource), "authorization_servers": [.string(oidc.issuer)], "bearer_methods_supported": ["header"]]
    }

    /// Where the metadata of the endpoint `request` went to is (`/messages` is the `/sse` endpoint's).
    static func metadataURL(for request: Request) -> String {
        let path = request.uri.path == "/messages" ? "/sse" : request.uri.path
        return origin(of: request) + wellKnownPath + (endpointPaths.contains(path) ? path : "")
    }

    /// `scheme://host[:port]` as the client sees the gateway.
    static func origin(of request: Request) -> String {
        func first(_ value: String?) -> String? {
            value?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let scheme = first(request.headers[forwardedProto])?.lowercased() == "https" ? "https" : "http"
        let host = first(request.headers[forwardedHost]) ?? request.head.authority ?? "localhost"
        return "\(scheme)://\(host)"
    }
}
