import ControlPlaneHTTP
import Foundation
import PolicyEngine

/// What a gateway's `GET /admin/policy` (and a push) answers: the enforced policy and the dry-run
/// policy beside it. Every field is optional so an older gateway's answer still reads.
struct GatewayPolicyView: Decodable, Sendable {
    struct Slot: Decodable, Sendable {
        var version: String?
        var sha256: String?
        var appliedAt: String?
    }

    var version: String?
    var sha256: String?
    var appliedAt: String?
    /// False when the gateway loaded only a dry-run policy (it then enforces nothing).
    var enforcing: Bool?
    var dryRun: Slot?
    /// Where a pushed document went: `enforced` or `dryRun`.
    var applied: String?

    /// `sha256:ab12… (dry run sha256:cd34…)`, for one line of output.
    var enforcedSummary: String {
        let enforced = enforcing == false ? "nothing (dry run only)" : (version ?? "an unknown version")
        guard let dryRun = dryRun?.version else { return enforced }
        return "\(enforced), dry run \(dryRun)"
    }
}

/// Talks to gateways' admin endpoints with the admin token.
struct GatewayAdminClient: Sendable {
    let token: String
    let transport = HTTPTransport()

    init(tokenFile: String) throws {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw CLIError("\(tokenFile): no such file or not readable (--admin-token-file)")
        }
        token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CLIError("\(tokenFile): the admin token file is empty") }
    }

    static func policyURL(_ base: String, _ path: String = "/admin/policy") -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// PUTs `document` to the gateway at `base`.
    func push(_ document: PolicyDocument, to base: String) async throws -> GatewayPolicyView {
        let version = document.version
        var body = Data("{\"document\":".utf8)
        body.append(document.canonicalJSON())
        body.append(Data(",\"version\":\"\(version)\",\"sha256\":\"\(version.dropFirst("sha256:".count))\"}".utf8))
        return try await send("PUT", Self.policyURL(base), body: body, base: base, doing: "push the policy")
    }

    /// GETs what the gateway at `base` runs.
    func policy(at base: String) async throws -> GatewayPolicyView {
        try await send("GET", Self.policyURL(base), body: nil, base: base, doing: "read the policy")
    }

    /// DELETEs the gateway's dry-run policy.
    func clearDryRun(at base: String) async throws -> GatewayPolicyView {
        try await send("DELETE", Self.policyURL(base, "/admin/policy/dry-run"), body: nil, base: base, doing: "clear the dry run")
    }

    private func send(_ method: String, _ url: String, body: Data?, base: String, doing: String) async throws -> GatewayPolicyView {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(token)")
        if body != nil { headers.add("Content-Type", "application/json") }
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: .seconds(10)))
        } catch let error as TransportError {
            throw CLIError("\(base): could not \(doing): \(error.shortDescription)")
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw CLIError("\(base): could not \(doing) (HTTP \(response.status)): \(Self.reason(text))")
        }
        do {
            return try JSONDecoder().decode(GatewayPolicyView.self, from: response.body)
        } catch {
            throw CLIError("\(base): the answer to \(method) \(url) is not a policy description: \(text.prefix(200))")
        }
    }

    /// The gateway's `field: reason` or `error`, else the body.
    static func reason(_ body: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return String(body.prefix(300)) }
        if let field = object["field"] as? String, let reason = object["reason"] as? String {
            return field.isEmpty ? reason : "\(field): \(reason)"
        }
        return (object["error"] as? String) ?? String(body.prefix(300))
    }
}
