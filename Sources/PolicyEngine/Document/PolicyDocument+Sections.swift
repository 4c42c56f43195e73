extension PolicyDocument {
    /// Client address rules. A denied address is refused whatever else holds; when
    /// `allowCIDRs` is not empty, only addresses inside it are admitted.
    public struct Network: Codable, Sendable, Hashable {
        /// Blocks to admit; empty means every address. Default: empty.
        public var allowCIDRs: [String]?
        /// Blocks to refuse. Default: empty.
        public var denyCIDRs: [String]?

        /// Network rules.
        public init(allowCIDRs: [String]? = nil, denyCIDRs: [String]? = nil) {
            self.allowCIDRs = allowCIDRs
            self.denyCIDRs = denyCIDRs
        }
    }

    /// Limits and checks on tool-call arguments.
    public struct InputValidation: Codable, Sendable, Hashable {
        /// The canonical JSON size of the arguments may not exceed this. Default: 1,048,576.
        public var maxArgumentBytes: Int?
        /// Containers may nest at most this deep (`{}` is depth 1). Default: 32.
        public var maxDepth: Int?
        /// Which injection detectors run on every string argument. Default: all on.
        public var detectors: Detectors?
        /// Regular expressions (linear-time engine) that deny a call when they match an argument.
        /// Default: none.
        public var customPatterns: [CustomPattern]?

        /// Input validation settings.
        public init(
            maxArgumentBytes: Int? = nil, maxDepth: Int? = nil, detectors: Detectors? = nil,
            customPatterns: [CustomPattern]? = nil
        ) {
            self.maxArgumentBytes = maxArgumentBytes
            self.maxDepth = maxDepth
            self.detectors = detectors
            self.customPatterns = customPatterns
        }
    }

    /// Switches for the four injection detectors; each defaults to on.
    public struct Detectors: Codable, Sendable, Hashable {
        /// SQL injection. Default: true.
        public var sqlInjection: Bool?
        /// Cross-site scripting. Default: true.
        public var xss: Bool?
        /// Path traversal. Default: true.
        public var pathTraversal: Bool?
        /// Command injection. Default: true.
        public var commandInjection: Bool?

        /// Detector switches.
        public init(sqlInjection: Bool? = nil, xss: Bool? = nil, pathTraversal: Bool? = nil, commandInjection: Bool? = nil) {
            self.sqlInjection = sqlInjection
            self.xss = xss
            self.pathTraversal = pathTraversal
            self.commandInjection = commandInjection
        }

        /// The classes switched on.
        public var enabledClasses: [InjectionClass] {
            var result: [InjectionClass] = []
            if sqlInjection ?? true { result.append(.sqlInjection) }
            if xss ?? true { result.append(.xss) }
            if pathTraversal ?? true { result.append(.pathTraversal) }
            if commandInjection ?? true { result.append(.commandInjection) }
            return result
        }
    }

    /// A custom pattern that denies a call when it matches a string argument.
    public struct CustomPattern: Codable, Sendable, Hashable {
        /// The pattern's name; unique among custom patterns.
        public var name: String
        /// The regular expression (see `PolicyRegex` for the syntax).
        public var pattern: String
        /// Globs over argument field paths — object keys joined by `.`, array positions left out
        /// (`{"a":[{"b":"x"}]}` has the string at `a.b`). Default: `["*"]`, every field.
        public var fields: [String]?

        /// A custom pattern.
        public init(name: String, pattern: String, fields: [String]? = nil) {
            self.name = name
            self.pattern = pattern
            self.fields = fields
        }
    }

    /// A pattern replaced in tool results.
    public struct RedactionRule: Codable, Sendable, Hashable {
        /// The rule's name; unique among redaction rules.
        public var name: String
        /// The regular expression; it may not match the empty string.
        public var pattern: String
        /// The replacement; `$0`–`$9` and `${n}` insert groups, `$$` a dollar. Default: `[REDACTED]`.
        public var replacement: String?

        /// A redaction rule.
        public init(name: String, pattern: String, replacement: String? = nil) {
            self.name = name
            self.pattern = pattern
            self.replacement = replacement
        }
    }

    /// Threat intelligence: addresses to refuse, already resolved from feeds by the operator,
    /// and the feed descriptors themselves (which the engine only validates).
    public struct ThreatIntel: Codable, Sendable, Hashable {
        /// Blocks from the feeds, merged by the operator. Default: empty.
        public var denyCIDRs: [String]?
        /// Where the blocks come from. Default: none.
        public var feeds: [Feed]?

        /// Threat-intelligence settings.
        public init(denyCIDRs: [String]? = nil, feeds: [Feed]? = nil) {
            self.denyCIDRs = denyCIDRs
            self.feeds = feeds
        }
    }

    /// A threat-intelligence feed: exactly one of a ConfigMap key or an https URL.
    public struct Feed: Codable, Sendable, Hashable {
        /// The content format.
        public enum Format: String, Codable, Sendable, Hashable, CaseIterable {
            /// One address or CIDR per line; `#` comments.
            case plain
            /// FireHOL netset: the same with `#` headers.
            case netset
            /// Spamhaus DROP in JSON lines (`{"cidr": ...}`).
            case spamhausDropJSON = "spamhaus-drop-json"
        }

        /// A key in a ConfigMap in the policy's namespace.
        public struct ConfigMapKeyReference: Codable, Sendable, Hashable {
            /// The ConfigMap's name.
            public var name: String
            /// The key holding the feed.
            public var key: String

            /// A ConfigMap key reference.
            public init(name: String, key: String) {
                self.name = name
                self.key = key
            }
        }

        /// The feed's name; unique among feeds.
        public var name: String
        /// A ConfigMap key holding the feed.
        public var configMapRef: ConfigMapKeyReference?
        /// An https URL serving the feed.
        public var url: String?
        /// The content format. Default: `plain`.
        public var format: Format?
        /// How often to refresh, as a duration like `1h`, `30m`, `90s` (at least 1m). Default: `1h`.
        public var refreshInterval: String?

        /// A feed descriptor.
        public init(
            name: String, configMapRef: ConfigMapKeyReference? = nil, url: String? = nil, format: Format? = nil,
            refreshInterval: String? = nil
        ) {
            self.name = name
            self.configMapRef = configMapRef
            self.url = url
            self.format = format
            self.refreshInterval = refreshInterval
        }

        /// The refresh interval in seconds, after defaulting; nil when it does not parse.
        public var refreshIntervalSeconds: Int? {
            PolicyDuration.seconds(refreshInterval ?? "1h")
        }
    }

    /// Audit logging settings.
    public struct Audit: Codable, Sendable, Hashable {
        /// Whether decisions are logged. Default: true.
        public var enabled: Bool?
        /// Whether records carry the arguments themselves (else only their SHA-256). Default: false.
        public var includeArguments: Bool?

        /// Audit settings.
        public init(enabled: Bool? = nil, includeArguments: Bool? = nil) {
            self.enabled = enabled
            self.includeArguments = includeArguments
        }
    }
}
