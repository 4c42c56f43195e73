/// Who is calling, as established by the gateway: the engine trusts it and only decides what the
/// caller may do. Built from a verified token (`CompiledPolicy.identity(fromVerifiedClaims:)`), a
/// verified API key (`CompiledPolicy.identity(forAPIKey:)`), or `Identity.anonymous`.
public struct Identity: Sendable, Hashable, Codable {
    /// How the caller authenticated.
    public enum Method: String, Sendable, Hashable, Codable {
        /// No credentials.
        case anonymous
        /// A verified API key.
        case apiKey
        /// A verified bearer token.
        case jwt
    }

    /// The subject: an API key's name, a token's subject claim, or `system:anonymous`.
    public var subject: String
    /// Role names asserted by the credential (a token's roles claim).
    public var roles: [String]
    /// Claims as strings: each claim's value, or each element of an array value; nested objects
    /// flattened with dotted names (`realm_access.roles`).
    public var claims: [String: [String]]
    /// How the caller authenticated.
    public var method: Method

    /// An identity.
    public init(subject: String, roles: [String] = [], claims: [String: [String]] = [:], method: Method) {
        self.subject = subject
        self.roles = roles
        self.claims = claims
        self.method = method
    }

    /// The subject anonymous callers get.
    public static let anonymousSubject = "system:anonymous"

    /// A caller without credentials.
    public static let anonymous = Identity(subject: anonymousSubject, method: .anonymous)
}

/// One `tools/call` as the policy sees it.
public struct ToolCallRequest: Sendable, Hashable {
    /// Who is calling.
    public var identity: Identity
    /// The client's address, when known; nil (for example over a unix socket) fails an allow list.
    public var clientIP: IPAddress?
    /// The tool's name as the client sees it (plugin tools carry their `<plugin>__` prefix).
    public var toolName: String
    /// The call's `arguments` object.
    public var arguments: PolicyJSON

    /// A request with a parsed client address.
    public init(identity: Identity, clientIP: IPAddress?, toolName: String, arguments: PolicyJSON = .object([:])) {
        self.identity = identity
        self.clientIP = clientIP
        self.toolName = toolName
        self.arguments = arguments
    }

    /// A request with the client address as text (unparsable text counts as unknown).
    public init(identity: Identity, clientIP: String?, toolName: String, arguments: PolicyJSON = .object([:])) {
        self.init(identity: identity, clientIP: clientIP.flatMap { IPAddress($0) }, toolName: toolName, arguments: arguments)
    }
}

/// The outcome of evaluating a request: allowed or not, the rule that decided — for a denial,
/// the rule that denied (`network.deny`, `threatIntel`, `roles.analyst.denyTools[0]`,
/// `rateLimits.per-user`, `inputValidation.sqlInjection`, `defaultAction`, ...) — and why.
public struct Decision: Sendable, Hashable, Codable {
    /// Whether the call may proceed.
    public var allowed: Bool
    /// The deciding rule, as a path into the policy; stable enough to be a metric label.
    public var rule: String
    /// A human explanation, safe to return to the caller (it names the rule, never secrets).
    public var reason: String
    /// For rate-limit denials, seconds until a retry can succeed.
    public var retryAfter: Double?

    /// A decision.
    public init(allowed: Bool, rule: String, reason: String, retryAfter: Double? = nil) {
        self.allowed = allowed
        self.rule = rule
        self.reason = reason
        self.retryAfter = retryAfter
    }

    static func allow(_ rule: String, _ reason: String) -> Decision {
        Decision(allowed: true, rule: rule, reason: reason)
    }

    static func deny(_ rule: String, _ reason: String, retryAfter: Double? = nil) -> Decision {
        Decision(allowed: false, rule: rule, reason: reason, retryAfter: retryAfter)
    }
}
