import ControlPlaneHTTP
import Foundation

/// Talks to gateways' admin endpoints: `PUT /admin/policy` and `GET /admin/policy`, with the
/// bearer admin token and short timeouts. Errors become outcomes; nothing is thrown.
struct PolicyAdminClient: Sendable {
    let transport: HTTPTransport
    let timeout: Duration

    /// Pushes `release` to `target`.
    func push(_ release: PolicyRelease, to target: PolicyPushTarget) async -> PushOutcome {
        let response: HTTPResponse
        do {
            response = try await transport.send(request("PUT", target, body: release.pushBody))
        } catch {
            return .failed("cannot reach \(target.adminURL): \(error)")
        }
        let json = Self.object(response.body)
        switch response.status {
        case 200:
            guard let version = json?["version"] as? String, let sha256 = json?["sha256"] as? String else {
                return .failed("\(target.adminURL) answered 200 without a version and sha256")
            }
            return .acknowledged(version: version, sha256: sha256, appliedAt: Self.date(json?["appliedAt"]))
        case 422:
            let field = json?["field"] as? String ?? ""
            let reason = json?["reason"] as? String ?? String(decoding: response.body.prefix(512), as: UTF8.self)
            return .rejected(field: field, reason: reason)
        default:
            return .failed(Self.unexpected(response, from: target))
        }
    }

    /// Asks `target` what it enforces.
    func verify(_ target: PolicyPushTarget) async -> VerificationOutcome {
        let response: HTTPResponse
        do {
            response = try await transport.send(request("GET", target, body: nil))
        } catch {
            return .failed("cannot reach \(target.adminURL): \(error)")
        }
        switch response.status {
        case 200:
            let json = Self.object(response.body)
            guard let version = json?["version"] as? String, let sha256 = json?["sha256"] as? String else {
                return .failed("\(target.adminURL) answered 200 without a version and sha256")
            }
            return .enforcing(version: version, sha256: sha256, appliedAt: Self.date(json?["appliedAt"]))
        case 404:
            return .noPolicy
        default:
            return .failed(Self.unexpected(response, from: target))
        }
    }

    private func request(_ method: String, _ target: PolicyPushTarget, body: Data?) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(target.adminToken)")
        if body != nil { headers.add("Content-Type", "application/json") }
        return HTTPRequest(method: method, url: target.policyURL, headers: headers, body: body, timeout: timeout)
    }

    private static func unexpected(_ response: HTTPResponse, from target: PolicyPushTarget) -> String {
        if response.status == 401 { return "\(target.adminURL) refused the admin token (401)" }
        let text = String(decoding: response.body.prefix(256), as: UTF8.self)
        return "\(target.adminURL) answered \(response.status): \(text)"
    }

    private static func object(_ body: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    private static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
