import HTTPTypes
import Hummingbird

/// Cross-origin access for browser-based MCP clients, for the origins the gateway admits (the
/// `--allowed-origin` list and localhost): a preflight `OPTIONS` is answered 204 with the methods
/// and headers MCP uses, and every answer to such an origin names it in
/// `Access-Control-Allow-Origin` and exposes `Mcp-Session-Id` (which a script must read to go on).
/// Other origins get no CORS headers (and the gate refuses their requests with 403).
struct CORSMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    static let allowedMethods = "GET, POST, DELETE, OPTIONS"
    static let allowedHeaders = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, X-API-Key"
    static let exposedHeaders = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, Retry-After"

    let gate: ClientGate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], gate.isAllowed(origin: origin) else {
            return try await next(request, context)
        }
        if request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin,
                .accessControlAllowMethods: Self.allowedMethods,
                .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: "600",
                .vary: "Origin",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers[.vary] = "Origin"
        return response
    }
}
