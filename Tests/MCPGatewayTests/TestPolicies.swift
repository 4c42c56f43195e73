@testable import MCPGateway

/// A policy for tests: denies the listed tools (rule `deny-tools`), hides them from tools/list,
/// rate-limits the listed ones, and redacts `abc123` in results.
struct ToolDenyList: PolicyEnforcer {
    var denied: Set<String> = []
    var rateLimited: Set<String> = []
    var requireSubject = false

    func checkConnection(clientIP: String?) -> PolicyDecision { .allow }

    func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision {
        if requireSubject, origin.identity.subject == nil { return .deny(rule: "require-auth", reason: "anonymous callers are not allowed") }
        return .allow
    }

    func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision {
        if denied.contains(tool) { return .deny(rule: "deny-tools", reason: "tool \(tool) is not allowed") }
        if rateLimited.contains(tool) { return .rateLimited(rule: "per-tool", retryAfterSeconds: 2) }
        return .allow
    }

    func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool { !denied.contains(tool) }

    func redact(toolResult: JSONValue) -> JSONValue {
        guard case .object(var object) = toolResult, let content = object["content"]?.arrayValue else { return toolResult }
        object["content"] = .array(content.map { block in
            var block = block
            if let text = block["text"]?.stringValue { block["text"] = .string(text.replacingOccurrences(of: "abc123", with: "[REDACTED]")) }
            return block
        })
        return .object(object)
    }
}

extension PolicySnapshot {
    /// A snapshot of `enforcer` with a made-up version.
    static func test(_ enforcer: any PolicyEnforcer, version: String = "test-1") -> PolicySnapshot {
        PolicySnapshot(enforcer: enforcer, version: version, sha256: String(repeating: "0", count: 64))
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
