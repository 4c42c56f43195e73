import PolicyEngine

/// The compiled policy as the gateway consults it on every message. Implementations are immutable
/// snapshots (rate-limit buckets aside, which must be safe to use from any thread); the gateway
/// swaps whole snapshots and a request keeps the one it started with.
public protocol PolicyEnforcer: Sendable {
    /// Whether a client at `clientIP` may connect at all (network allow/deny, threat intel).
    func checkConnection(clientIP: String?) -> PolicyDecision
    /// Whether `origin`'s identity may use the server (anonymous callers only when allowed).
    func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision
    /// Whether `origin` may call `tool` (the name the client sees) with `arguments`: authorization,
    /// rate limits and input validation, in that order.
    func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision
    /// Whether `tool` appears in `origin`'s `tools/list`.
    func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool
    /// A tool result with the output-redaction patterns applied.
    func redact(toolResult: JSONValue) -> JSONValue
    /// The caller holding `apiKey` when the policy itself lists API keys (by hash); nil otherwise.
    func identify(apiKey: String) -> CallerIdentity?
    /// The OIDC issuer whose bearer tokens the policy accepts; nil leaves tokens to the issuer the
    /// gateway was started with.
    var oidc: PolicyDocument.OIDC? { get }
    /// One audit-log JSON line (ending in a newline) for a decided tool call, or nil when the
    /// policy does not audit; arguments appear only as a hash unless the policy says otherwise.
    func auditRecord(tool: String, arguments: JSONValue?, origin: RequestOrigin, decision: PolicyDecision,
                     latencyNanoseconds: UInt64) -> [UInt8]?
}

extension PolicyEnforcer {
    /// No API keys in the policy.
    public func identify(apiKey: String) -> CallerIdentity? { nil }

    /// No OIDC issuer in the policy.
    public var oidc: PolicyDocument.OIDC? { nil }

    /// The gateway's own audit line: who, tool, decision, rule, latency, and the arguments' hash.
    public func auditRecord(tool: String, arguments: JSONValue?, origin: RequestOrigin, decision: PolicyDecision,
                            latencyNanoseconds: UInt64) -> [UInt8]? {
        let record: JSONValue = [
            "subject": origin.identity.subject.map(JSONValue.string) ?? .null,
            "method": .string(origin.identity.method.rawValue),
            "clientIP": origin.clientIP.map(JSONValue.string) ?? .null,
            "tool": .string(tool),
            "allowed": .bool(decision.isAllowed),
            "rule": .string(decision.ruleLabel),
            "latencyMicroseconds": .double(Double(latencyNanoseconds) / 1000),
            "argumentsSHA256": .string(Authenticator.sha256Hex((arguments ?? [:]).renderedBytes())),
        ]
        var line = record.renderedBytes()
        line.append(0x0A)
        return line
    }
}

/// A policy that allows everything and changes nothing: the gateway's state before any policy is
/// loaded in tests, and a stand-in where no policy engine is wired.
public struct AllowAllPolicyEnforcer: PolicyEnforcer {
    /// The allow-all policy.
    public init() {}
    public func checkConnection(clientIP: String?) -> PolicyDecision { .allow }
    public func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision { .allow }
    public func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision { .allow }
    public func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool { true }
    public func redact(toolResult: JSONValue) -> JSONValue { toolResult }
}
