import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The admin listener: `PUT`/`GET /admin/policy` and `DELETE /admin/policy/dry-run` (bearer admin
/// token, compared in constant time), and the unauthenticated `/metrics`, `/healthz` and `/readyz`.
///
/// `GET /admin/policy` (and a successful `PUT`) answers what the gateway runs:
/// `{"version", "sha256", "appliedAt", "enforcing", "dryRun": {"version", "sha256", "appliedAt"}}` —
/// the top-level fields are the enforced policy's (`enforcing` is false when only a dry-run policy
/// is loaded), and `dryRun` is present while a dry-run policy is evaluated beside it. A `PUT`
/// answer adds `"applied": "enforced"` or `"applied": "dryRun"`, the slot the document went to.
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
        router.delete("/admin/policy/dry-run") { request, _ in await deleteDryRun(request) }
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

    private static func describe(_ snapshot: PolicySnapshot, applied: String? = nil) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var answer: [String: JSONValue] = [
            "version": .string(snapshot.version), "sha256": .string(snapshot.sha256),
            "appliedAt": .string(formatter.string(from: snapshot.appliedAt)), "enforcing": .bool(snapshot.isEnforcing),
        ]
        if let dryRun = snapshot.dryRun {
            answer["dryRun"] = ["version": .string(dryRun.version), "sha256": .string(dryRun.sha256),
                                "appliedAt": .string(formatter.string(from: dryRun.appliedAt))]
        }
        if let applied { answer["applied"] = .string(applied) }
        return .object(answer)
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
        switch await administrator.applyPushReporting(body: Array(body.readableBytesView)) {
        case .success(let outcome):
            return HTTPReplies.json(Self.describe(outcome.snapshot, applied: outcome.slot.rawValue))
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

    private func deleteDryRun(_ request: Request) async -> Response {
        guard authorized(request) else {
            return HTTPReplies.json(["error": "unauthorized"], status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
        }
        let (snapshot, removed) = await administrator.clearDryRun()
        guard removed, let snapshot else {
            let reason = snapshot?.isEnforcing == false
                ? "only a dry-run policy is loaded; push an enforcing policy first" : "no dry-run policy is loaded"
            return HTTPReplies.json(["error": .string(reason)], status: snapshot?.isEnforcing == false ? .conflict : .notFound)
        }
        return HTTPReplies.json(Self.describe(snapshot))
    }
}
