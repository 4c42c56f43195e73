import Foundation

/// A validated policy compiled for enforcement: built once per policy version, then evaluated
/// concurrently for every message without locks (it is immutable). Addresses go through sorted
/// interval sets, tool names through indexed globs, patterns through the linear-time regex
/// engine; rate-limit state lives in a separate `RateLimiter` that survives policy swaps.
///
/// Layers are evaluated in order — network, authentication, authorization, rate limits, input
/// validation — and the first denial wins, naming its rule.
public final class CompiledPolicy: Sendable {
    /// The normalized document being enforced.
    public let document: PolicyDocument
    /// The canonical JSON of the document.
    public let canonicalJSON: Data
    /// `sha256:` plus the hex SHA-256 of `canonicalJSON`.
    public let version: String

    let defaultAction: PolicyDocument.Action
    let allowAnonymous: Bool
    let denyNetwork: CIDRSet
    let threatIntel: CIDRSet
    let allowNetwork: CIDRSet?
    let authorizer: Authorizer
    let rateLimits: [CompiledRateLimit]
    let input: InputRules
    let redactions: [(name: String, regex: PolicyRegex, replacement: String)]
    let apiKeys: [String: String]
    /// The OIDC issuer whose bearer tokens the policy accepts, if any.
    public let oidc: PolicyDocument.OIDC?

    /// Validates and compiles `document`; throws `PolicyValidationError` listing every problem.
    public init(_ document: PolicyDocument) throws(PolicyValidationError) {
        let cidrs = ParsedCIDRs(document)
        let issues = document.validate(root: "spec", cidrs: cidrs)
        guard issues.isEmpty else { throw .invalid(issues) }
        let normalized = document.normalized(cidrs: cidrs)
        let canonical = PolicyDocument.canonicalBytes(ofNormalized: normalized)
        self.document = normalized
        self.canonicalJSON = Data(canonical)
        self.version = PolicyDocument.version(ofCanonical: canonical)
        self.defaultAction = normalized.defaultAction ?? .deny
        self.allowAnonymous = normalized.authentication?.allowAnonymous ?? false
        self.denyNetwork = CIDRSet(cidrs.deny.blocks)
        self.threatIntel = CIDRSet(cidrs.threatIntel.blocks)
        self.allowNetwork = cidrs.allow.blocks.isEmpty ? nil : CIDRSet(cidrs.allow.blocks)
        self.authorizer = Authorizer(normalized.roles ?? [])
        self.rateLimits = (normalized.rateLimits ?? []).map(CompiledRateLimit.init)
        self.input = InputRules(normalized.inputValidation ?? PolicyDocument.InputValidation())
        self.redactions = (normalized.outputRedaction ?? []).compactMap { rule in
            guard let regex = try? PolicyRegex(rule.pattern) else { return nil }
            return (rule.name, regex, rule.replacement ?? "[REDACTED]")
        }
        var keys: [String: String] = [:]
        for key in normalized.authentication?.apiKeys ?? [] { keys[key.sha256] = key.name }
        self.apiKeys = keys
        self.oidc = normalized.authentication?.oidc
    }

    /// Whether the policy asks for decisions to be logged rather than enforced.
    public var isDryRun: Bool { document.dryRun ?? false }

    /// Whether decisions should be written to the audit log.
    public var auditEnabled: Bool { document.audit?.enabled ?? true }

    /// The network layer alone, for a new connection: deny lists, then threat intelligence,
    /// then the allow list (an unknown address fails a non-empty allow list).
    public func evaluateConnection(_ clientIP: IPAddress?) -> Decision {
        if let address = clientIP {
            if denyNetwork.contains(address) {
                return .deny("network.deny", "client address \(address) is in a denied network")
            }
            if threatIntel.contains(address) {
                return .deny("threatIntel", "client address \(address) is on a threat-intelligence deny list")
            }
        }
        if let allowNetwork {
            guard let address = clientIP else {
                return .deny("network.allow", "client address is unknown and the policy admits only listed networks")
            }
            if !allowNetwork.contains(address) {
                return .deny("network.allow", "client address \(address) is not in an allowed network")
            }
        }
        return .allow("network", "client address admitted")
    }

    /// Evaluates a tool call through every layer. Pass the gateway's `RateLimiter` to apply rate
    /// limits (a denied call takes no tokens); without one the rate-limit layer is skipped.
    public func evaluate(_ request: ToolCallRequest, rateLimiter: RateLimiter? = nil) -> Decision {
        let connection = evaluateConnection(request.clientIP)
        guard connection.allowed else { return connection }
        if let denial = authenticate(request.identity) { return denial }
        let authorization = authorize(request.identity, tool: request.toolName)
        guard authorization.allowed else { return authorization }
        if let rateLimiter, let denial = applyRateLimits(request, rateLimiter) { return denial }
        if let denial = input.check(request.arguments) { return denial }
        return authorization
    }

    func authenticate(_ identity: Identity) -> Decision? {
        if identity.method == .anonymous, !allowAnonymous {
            return .deny("authentication.anonymous", "anonymous access is not allowed; present an API key or a bearer token")
        }
        return nil
    }

    /// The authorization layer alone: which rule decides `tool` for `identity`.
    public func authorize(_ identity: Identity, tool: String) -> Decision {
        decide(authorizer.heldRoles(identity), tool: tool)
    }

    func decide(_ held: Authorizer.RoleSet, tool: String) -> Decision {
        switch authorizer.verdict(held, tool: tool) {
        case .denied(let role, let pattern):
            let name = authorizer.roles[role].name
            let glob = authorizer.patterns[role].deny[pattern]
            return .deny("roles.\(name).denyTools[\(pattern)]", "tool \"\(tool)\" is denied to role \"\(name)\" by \"\(glob)\"")
        case .allowed(let role, let pattern):
            let name = authorizer.roles[role].name
            let glob = authorizer.patterns[role].allow[pattern]
            return .allow("roles.\(name).allowTools[\(pattern)]", "tool \"\(tool)\" is allowed to role \"\(name)\" by \"\(glob)\"")
        case .undecided:
            if defaultAction == .allow {
                return .allow("defaultAction", "no role decides tool \"\(tool)\"; the default action is allow")
            }
            return .deny("defaultAction", "no role grants tool \"\(tool)\"; the default action is deny")
        }
    }

    /// Whether `identity` may see and call `toolName` (authentication and authorization only),
    /// for filtering `tools/list`.
    public func toolVisible(_ identity: Identity, _ toolName: String) -> Bool {
        guard authenticate(identity) == nil else { return false }
        return authorize(identity, tool: toolName).allowed
    }

    /// The names among `toolNames` that `identity` may see, in their original order; the roles
    /// are resolved once for the whole list.
    public func visibleTools(for identity: Identity, among toolNames: [String]) -> [String] {
        guard authenticate(identity) == nil else { return [] }
        let held = authorizer.heldRoles(identity)
        return toolNames.filter { decide(held, tool: $0).allowed }
    }

    /// The names of the roles `identity` holds, in policy order.
    public func roles(of identity: Identity) -> [String] {
        authorizer.names(authorizer.heldRoles(identity))
    }

    /// `text` with every redaction rule applied in order.
    public func redact(_ text: String) -> String {
        var result = text
        for rule in redactions { result = rule.regex.replacingMatches(in: result, with: rule.replacement) }
        return result
    }

    /// Every string in `value` (not object keys) redacted.
    public func redact(_ value: PolicyJSON) -> PolicyJSON {
        guard !redactions.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let elements): return .array(elements.map(redact))
        case .object(let members): return .object(members.mapValues(redact))
        default: return value
        }
    }

    /// Whether any redaction rules are configured.
    public var redactsOutput: Bool { !redactions.isEmpty }
}
