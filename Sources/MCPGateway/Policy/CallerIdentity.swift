/// Who is calling, as established from the request's credentials.
public struct CallerIdentity: Sendable, Hashable {
    /// How the caller authenticated.
    public enum Method: String, Sendable, Hashable {
        /// No credentials.
        case anonymous
        /// A bearer JWT verified against the JWKS.
        case jwt
        /// An API key found among the configured key hashes.
        case apiKey = "api-key"
    }

    /// How the caller authenticated.
    public var method: Method
    /// The subject: the token's `sub`, or the API key's name; nil when anonymous.
    public var subject: String?
    /// The token's claims (empty for API keys and anonymous callers).
    public var claims: [String: JSONValue]

    /// An identity authenticated by `method` as `subject`.
    public init(method: Method, subject: String?, claims: [String: JSONValue] = [:]) {
        self.method = method
        self.subject = subject
        self.claims = claims
    }

    /// The caller without credentials.
    public static let anonymous = CallerIdentity(method: .anonymous, subject: nil)

    /// Who a session belongs to: the method and subject (a session opened by one caller is not
    /// found by another, so a session id alone gives no access).
    public var sessionOwner: String { "\(method.rawValue):\(subject ?? "")" }
}

/// Where a message comes from: the client's address and identity. Every policy question is asked
/// about an origin.
public struct RequestOrigin: Sendable, Hashable {
    /// The client's IP address as text, when known.
    public var clientIP: String?
    /// The authenticated caller.
    public var identity: CallerIdentity

    /// An origin at `clientIP` authenticated as `identity`.
    public init(clientIP: String?, identity: CallerIdentity) {
        self.clientIP = clientIP
        self.identity = identity
    }
}

/// The answer to one policy question.
public enum PolicyDecision: Sendable, Hashable {
    /// Go ahead.
    case allow
    /// Refused by `rule`, for `reason` (both safe to show the caller).
    case deny(rule: String, reason: String)
    /// Over the limit of `rule`; retry after `retryAfterSeconds`.
    case rateLimited(rule: String, retryAfterSeconds: Double)

    /// Whether the decision lets the request through.
    public var isAllowed: Bool { self == .allow }

    /// The rule that decided, or `allow` when nothing refused.
    public var ruleLabel: String {
        switch self {
        case .allow: return "allow"
        case .deny(let rule, _), .rateLimited(let rule, _): return rule
        }
    }

    /// The JSON-RPC error a refused request is answered with; nil when allowed.
    public var jsonRPCError: JSONRPCError? {
        switch self {
        case .allow:
            return nil
        case .deny(let rule, let reason):
            return JSONRPCError(code: JSONRPCError.policyDeniedCode, message: "Denied by policy rule \(rule): \(reason)",
                                data: ["rule": .string(rule), "reason": .string(reason)])
        case .rateLimited(let rule, let retryAfter):
            return JSONRPCError(code: JSONRPCError.rateLimitedCode, message: "Rate limited by policy rule \(rule)",
                                data: ["rule": .string(rule), "retryAfterSeconds": .double(retryAfter)])
        }
    }
}
