/// The security policy for MCP servers: the `spec` of an `MCPPolicy` resource, the document the
/// operator renders and pushes, and what the gateway compiles and enforces. Every field is
/// optional in JSON (camelCase keys) and has a documented default; `normalized()` writes the
/// defaults out, `validate()` lists every problem with its field path, `canonicalJSON()` and
/// `version` identify the policy, and `CompiledPolicy` enforces it.
public struct PolicyDocument: Codable, Sendable, Hashable {
    /// What happens to a call no role decides.
    public enum Action: String, Codable, Sendable, Hashable, CaseIterable {
        /// Let the call through.
        case allow
        /// Refuse the call.
        case deny
    }

    /// Which servers the policy applies to (operator only; the engine ignores it and the operator
    /// clears it when rendering the document a server enforces).
    public var serverSelector: LabelSelector?
    /// The decision when no role allows or denies a tool. Default: `deny`.
    public var defaultAction: Action?
    /// Who may call at all. Default: no anonymous access, no API keys, no OIDC.
    public var authentication: Authentication?
    /// Roles granting and denying tools; deny wins. Default: none.
    public var roles: [Role]?
    /// Token-bucket rate limits; every applicable one must admit a call. Default: none.
    public var rateLimits: [RateLimit]?
    /// Client address allow and deny lists. Default: every address allowed.
    public var network: Network?
    /// Argument size and depth limits and injection detectors. Default: 1 MiB, depth 32, all
    /// four detectors on, no custom patterns.
    public var inputValidation: InputValidation?
    /// Patterns replaced in tool results, in order. Default: none.
    public var outputRedaction: [RedactionRule]?
    /// Threat-intelligence deny sets and the feeds that fill them. Default: none.
    public var threatIntel: ThreatIntel?
    /// Audit logging. Default: enabled, without arguments.
    public var audit: Audit?
    /// Evaluate and log decisions without enforcing them. Default: false.
    public var dryRun: Bool?

    /// A policy; every section left out takes its default.
    public init(
        serverSelector: LabelSelector? = nil, defaultAction: Action? = nil, authentication: Authentication? = nil,
        roles: [Role]? = nil, rateLimits: [RateLimit]? = nil, network: Network? = nil,
        inputValidation: InputValidation? = nil, outputRedaction: [RedactionRule]? = nil,
        threatIntel: ThreatIntel? = nil, audit: Audit? = nil, dryRun: Bool? = nil
    ) {
        self.serverSelector = serverSelector
        self.defaultAction = defaultAction
        self.authentication = authentication
        self.roles = roles
        self.rateLimits = rateLimits
        self.network = network
        self.inputValidation = inputValidation
        self.outputRedaction = outputRedaction
        self.threatIntel = threatIntel
        self.audit = audit
        self.dryRun = dryRun
    }

    /// A Kubernetes label selector (`matchLabels` and `matchExpressions`, ANDed).
    public struct LabelSelector: Codable, Sendable, Hashable {
        /// One requirement: `key` `In`/`NotIn` `values`, or `Exists`/`DoesNotExist`.
        public struct Requirement: Codable, Sendable, Hashable {
            /// The label key.
            public var key: String
            /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
            public var `operator`: String
            /// The values for `In` and `NotIn`.
            public var values: [String]?

            /// A requirement.
            public init(key: String, operator: String, values: [String]? = nil) {
                self.key = key
                self.operator = `operator`
                self.values = values
            }
        }

        /// Labels that must all be present with these values.
        public var matchLabels: [String: String]?
        /// Requirements that must all hold.
        public var matchExpressions: [Requirement]?

        /// A selector; an empty one selects everything.
        public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
            self.matchLabels = matchLabels
            self.matchExpressions = matchExpressions
        }

        /// Whether a set of labels satisfies the selector.
        public func matches(_ labels: [String: String]) -> Bool {
            for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
            for requirement in matchExpressions ?? [] {
                let present = labels[requirement.key]
                switch requirement.operator {
                case "In": guard let present, requirement.values?.contains(present) == true else { return false }
                case "NotIn": if let present, requirement.values?.contains(present) == true { return false }
                case "Exists": guard present != nil else { return false }
                case "DoesNotExist": guard present == nil else { return false }
                default: return false
                }
            }
            return true
        }
    }
}
