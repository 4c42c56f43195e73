import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The admin listener: `PUT`/`GET /admin/policy` (bearer admin token, compared in constant time),
/// and the unauthenticated `/metrics`, `/healthz` and `/readyz`.
struct AdminEndpoint: Sendable {
    let administrator: PolicyAdministrator
    let store: PolicyStore
    let metrics: GatewayMetrics
    let adminToken: String?
    let maxBodyBytes: Int
    let isReady: @Sendable () async -> Bool

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.put("/admin/policy") { request, _ in await put(request) }
        router.get("/admin/policy") { request, _ in get(request) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/healthz") { _, _ in HTTPReplies.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            let ready = await isReady()
            return HTTPReplies.json(["ready": .bool(ready), "policyVersion": store.current.map { .string($0.version) } ?? .null],
                                    status: ready ? .ok : .serviceUnavailable)
        }
    }

    private func authorized(_ request: Request) -> Bool {
        guard let adminToken, !adminToken.isEmpty, let header = request.headers[.authorization] else { return false }
        let expected = Array("Bearer \(adminToken)".utf8)
        return Authenticator.constantTimeEquals(Array(header.utf8), expected)
    }

    private static func describe(_ snapshot: PolicySnapshot) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ["version": .string(snapshot.version), "sha256": .string(snapshot.sha256),
                "appliedAt": .string(formatter.string(from: snapshot.appliedAt))]
    }

    private func put(_ request: Request) async -> Response {
        guard authorized(request) else {
            return HTTPReplies.json(["error": "unauthorized"], status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
        }
        let body: ByteBuffer
        switch await StreamableHTTPEndpoint.readBody(request, limit: max(maxBodyBytes, 64 << 20)) {
        case .success(let value): body = value
        case .failure(let refusal): return refusal.response
        }
        switch await administrator.applyPush(body: Array(body.readableBytesView)) {
        case .success(let snapshot):
            return HTTPReplies.json(Self.describe(snapshot))
        case .failure(let rejection):
            var answer: [String: JSONValue] = [
                "error": "invalid policy", "field": .string(rejection.fieldPath), "reason": .string(rejection.reason),
                "issues": .array(rejection.issues.map { ["field": .string($0.path), "reason": .string($0.reason)] }),
            ]
            if let current = store.current { answer["enforced"] = Self.describe(current) }
            return HTTPReplies.json(.object(answer), status: .unprocessableContent)
        }
    }

    private func get(_ request: Request) -> Response {
        guard authorized(request) else {
            return HTTPReplies.json(["error": "unauthorized"], status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let current = store.current else { return HTTPReplies.json(["error": "no policy loaded"], status: .notFound) }
        return HTTPReplies.json(Self.describe(current))
    }
}
