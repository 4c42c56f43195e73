import KubeModel
import PolicyEngine

extension MCPPolicy {
    /// The OpenAPI v3 schema of the whole object, as the CRD carries it. Patterns and CIDRs are
    /// checked by the policy engine (the operator marks an invalid policy and never pushes it);
    /// the schema catches shapes, enums and bounds at admission.
    public static var openAPISchema: JSONValue {
        Schema.object("A security policy enforced by the gateways of the MCP servers it selects or that reference it.", [
            "apiVersion": Schema.string("The versioned schema of this object."),
            "kind": Schema.string("The kind of this object."),
            "metadata": ["type": "object"],
            "spec": specSchema,
            "status": statusSchema,
        ])
    }

    static let globs = Schema.array("Tool-name globs: * any run, ? one character, [abc] a class.", of: Schema.string("A glob."))
    static let cidrs = Schema.array("IPv4 or IPv6 CIDRs or addresses.", of: Schema.string("A CIDR such as 10.0.0.0/8."))

    static var specSchema: JSONValue {
        Schema.object("The policy document; every section is optional and has a default.", [
            "serverSelector": CommonSchemas.labelSelector,
            "defaultAction": Schema.string("The decision when no role decides a call.", enum: PolicyDocument.Action.allCases.map(\.rawValue), default: "deny"),
            "authentication": Schema.object("Who may call at all.", [
                "allowAnonymous": Schema.boolean("Whether calls without credentials are accepted.", default: false),
                "apiKeys": Schema.array("API keys, stored as SHA-256 hashes.", of: Schema.object("An API key.", [
                    "name": Schema.string("The key's name; it is the caller's subject."),
                    "sha256": Schema.string("The lowercase hex SHA-256 of the key.", pattern: "^[0-9a-f]{64}$"),
                ], required: ["name", "sha256"]), mapKeys: ["name"]),
                "oidc": Schema.object("Bearer JWTs from an OpenID Connect issuer.", [
                    "issuer": Schema.string("The issuer URL (the iss claim)."),
                    "audiences": Schema.array("Accepted aud values.", of: Schema.string("An audience.")),
                    "jwksURL": Schema.string("Where the signing keys are; the issuer's discovery document when empty."),
                    "subjectClaim": Schema.string("The claim naming the caller.", default: "sub"),
                    "rolesClaim": Schema.string("The claim listing the caller's roles.", default: "roles"),
                ], required: ["issuer", "audiences"]),
            ]),
            "roles": Schema.array("Roles granting and denying tools; deny wins.", of: Schema.object("A role.", [
                "name": Schema.string("The role's name, used in decisions."),
                "subjects": Schema.array("Subjects (token subjects or API-key names) holding the role; globs allowed.", of: Schema.string("A subject.")),
                "claims": Schema.map("Token claims that grant the role: claim → accepted values.",
                                     of: Schema.array("Accepted values.", of: Schema.string("A value."))),
                "allowTools": globs,
                "denyTools": globs,
            ], required: ["name"]), mapKeys: ["name"]),
            "rateLimits": Schema.array("Token-bucket rate limits; every applicable one must admit a call.", of: Schema.object("A rate limit.", [
                "name": Schema.string("The limit's name, used in decisions."),
                "scope": Schema.string("What one bucket counts.", enum: PolicyDocument.RateLimit.Scope.allCases.map(\.rawValue), default: "subject"),
                "tools": globs,
                "requestsPerSecond": Schema.number("Refill rate per second.", minimum: 0, exclusiveMinimum: true),
                "requestsPerMinute": Schema.number("Refill rate per minute.", minimum: 0, exclusiveMinimum: true),
                "burst": Schema.integer("Bucket size.", minimum: 1),
            ], required: ["name"]), mapKeys: ["name"]),
            "network": Schema.object("Client address allow and deny lists.", ["allowCIDRs": cidrs, "denyCIDRs": cidrs]),
            "inputValidation": Schema.object("Limits and detectors applied to tool arguments.", [
                "maxArgumentBytes": Schema.integer("The largest arguments object, in bytes.", minimum: 1),
                "maxDepth": Schema.integer("The deepest nesting of arguments.", minimum: 1),
                "detectors": Schema.object("Injection detectors run on every string argument.", [
                    "sqlInjection": Schema.boolean("SQL injection."),
                    "xss": Schema.boolean("Cross-site scripting."),
                    "pathTraversal": Schema.boolean("Path traversal."),
                    "commandInjection": Schema.boolean("Shell command injection."),
                ]),
                "customPatterns": Schema.array("Patterns that deny a call when an argument matches (linear-time regular expressions).",
                                               of: Schema.object("A pattern.", [
                                                   "name": Schema.string("The pattern's name, used in decisions."),
                                                   "pattern": Schema.string("A regular expression without backreferences or lookaround.", maxLength: 4096),
                                                   "fields": Schema.array("Argument names to check; all when empty.", of: Schema.string("A field.")),
                                               ], required: ["name", "pattern"]), mapKeys: ["name"]),
            ]),
            "outputRedaction": Schema.array("Patterns replaced in tool results, in order.", of: Schema.object("A redaction.", [
                "name": Schema.string("The rule's name."),
                "pattern": Schema.string("A regular expression without backreferences or lookaround.", maxLength: 4096),
                "replacement": Schema.string("What replaces a match.", default: "[REDACTED]"),
            ], required: ["name", "pattern"])),
            "threatIntel": Schema.object("Threat-intelligence deny sets and the feeds that fill them.", [
                "denyCIDRs": cidrs,
                "feeds": Schema.array("Feeds fetched by the operator and merged into the deny set.", of: Schema.object("A feed.", [
                    "name": Schema.string("The feed's name."),
                    "configMapRef": Schema.object("A ConfigMap key holding the feed.", [
                        "name": Schema.string("The ConfigMap's name."),
                        "key": Schema.string("The key."),
                    ], required: ["name", "key"]),
                    "url": Schema.string("An HTTPS URL serving the feed."),
                    "format": Schema.string("The feed's format.", enum: PolicyDocument.Feed.Format.allCases.map(\.rawValue), default: "plain"),
                    "refreshInterval": Schema.string("How often to fetch, such as 1h or 30m.", pattern: "^([0-9]+[hms])+$"),
                ], required: ["name"], rules: [
                    (rule: "has(self.configMapRef) != has(self.url)", message: "exactly one of configMapRef and url is required"),
                ]), mapKeys: ["name"]),
            ]),
            "audit": Schema.object("Audit logging of decisions.", [
                "enabled": Schema.boolean("Whether decisions are logged.", default: true),
                "includeArguments": Schema.boolean("Log arguments instead of their hash.", default: false),
            ]),
            "dryRun": Schema.boolean("Evaluate and log decisions without enforcing them.", default: false),
        ])
    }

    static var statusSchema: JSONValue {
        Schema.object("What the operator observed.", [
            "observedGeneration": Schema.integer("The generation this status describes.", minimum: 0, format: "int64"),
            "version": Schema.string("sha256:<hex> of the canonical document."),
            "conditions": CommonSchemas.conditions,
            "serversTargeted": Schema.integer("Servers the policy applies to.", minimum: 0),
            "serversAcked": Schema.integer("Servers whose every replica enforces the current version.", minimum: 0),
            "lastPropagationTime": Schema.string("When the last change reached its last replica.", format: "date-time"),
        ])
    }
}
