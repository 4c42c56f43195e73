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
            guard let slot = Self.reportedSlot(json, expecting: release.version) else {
                return .failed("\(target.adminURL) answered 200 without a version and sha256")
            }
            return .acknowledged(version: slot.version, sha256: slot.sha256, appliedAt: slot.appliedAt)
        case 422:
            let field = json?["field"] as? String ?? ""
            let reason = json?["reason"] as? String ?? String(decoding: response.body.prefix(512), as: UTF8.self)
            return .rejected(field: field, reason: reason)
        default:
            return .failed(Self.unexpected(response, from: target))
        }
    }

    /// Asks `target` what it enforces.
    func verify(_ target: PolicyPushTarget, expecting expected: String? = nil) async -> VerificationOutcome {
        let response: HTTPResponse
        do {
            response = try await transport.send(request("GET", target, body: nil))
        } catch {
            return .failed("cannot reach \(target.adminURL): \(error)")
        }
        switch response.status {
        case 200:
            guard let slot = Self.reportedSlot(Self.object(response.body), expecting: expected) else {
                return .failed("\(target.adminURL) answered 200 without a version and sha256")
            }
            return .enforcing(version: slot.version, sha256: slot.sha256, appliedAt: slot.appliedAt)
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

    /// The policy a gateway's answer reports for the version expected: a gateway holds an enforced
    /// policy and, beside it, possibly a dry-run one (`"dryRun": {version, sha256, appliedAt}`); a
    /// dry-run document pushed lands in that slot, so its ack is read there. Otherwise the enforced
    /// (top-level) policy. Nil when the answer names no version and sha256.
    static func reportedSlot(_ json: [String: Any]?, expecting expected: String?)
        -> (version: String, sha256: String, appliedAt: Date?)? {
        if let expected, let dryRun = json?["dryRun"] as? [String: Any], dryRun["version"] as? String == expected,
           let sha256 = dryRun["sha256"] as? String {
            return (expected, sha256, date(dryRun["appliedAt"]))
        }
        guard let version = json?["version"] as? String, let sha256 = json?["sha256"] as? String else { return nil }
        return (version, sha256, date(json?["appliedAt"]))
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
