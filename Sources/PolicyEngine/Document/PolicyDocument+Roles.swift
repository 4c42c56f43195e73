extension PolicyDocument {
    /// A role: who holds it, and which tools it allows and denies.
    ///
    /// An identity holds a role when the role's name is among the identity's roles (from the
    /// token's roles claim), or when it matches the role's selector: at least one `subjects` glob
    /// matches its subject and every listed claim has one of the listed values. A role with
    /// `claims` and no `subjects` selects on claims alone; a role with neither is held by name
    /// only. Across all roles an identity holds, any `denyTools` match denies (deny wins); else
    /// any `allowTools` match allows; else `defaultAction` decides.
    public struct Role: Codable, Sendable, Hashable {
        /// The role's name: letters, digits, `.`, `_`, `-`, `:`; unique in the policy.
        public var name: String
        /// Subject globs (API key names, token subjects, `system:anonymous`). Default: none.
        public var subjects: [String]?
        /// Claim name → accepted values; all listed claims must match. Default: none.
        public var claims: [String: [String]]?
        /// Tool-name globs the role may call. Default: none.
        public var allowTools: [String]?
        /// Tool-name globs the role may not call, overriding any allow. Default: none.
        public var denyTools: [String]?

        /// A role.
        public init(
            name: String, subjects: [String]? = nil, claims: [String: [String]]? = nil,
            allowTools: [String]? = nil, denyTools: [String]? = nil
        ) {
            self.name = name
            self.subjects = subjects
            self.claims = claims
            self.allowTools = allowTools
            self.denyTools = denyTools
        }
    }

    /// A token-bucket rate limit. Each distinct key (a subject, a tool, or a client address,
    /// per `scope`) has its own bucket of `burst` tokens refilled at the given rate; a call takes
    /// one token from every applicable limit or is refused with the time until one is free.
    public struct RateLimit: Codable, Sendable, Hashable {
        /// What a bucket is kept per.
        public enum Scope: String, Codable, Sendable, Hashable, CaseIterable {
            /// One bucket per caller subject.
            case subject
            /// One bucket per tool name.
            case tool
            /// One bucket per client address.
            case clientIP
        }

        /// The limit's name; unique in the policy.
        public var name: String
        /// What a bucket is kept per. Default: `subject`.
        public var scope: Scope?
        /// Tool globs the limit applies to. Default: `["*"]`, every tool.
        public var tools: [String]?
        /// Refill rate per second; exactly one of this and `requestsPerMinute`.
        public var requestsPerSecond: Double?
        /// Refill rate per minute; exactly one of this and `requestsPerSecond`.
        public var requestsPerMinute: Double?
        /// Bucket size. Default: one period's worth — `requestsPerSecond` or `requestsPerMinute`
        /// rounded up, at least 1.
        public var burst: Int?

        /// A rate limit.
        public init(
            name: String, scope: Scope? = nil, tools: [String]? = nil, requestsPerSecond: Double? = nil,
            requestsPerMinute: Double? = nil, burst: Int? = nil
        ) {
            self.name = name
            self.scope = scope
            self.tools = tools
            self.requestsPerSecond = requestsPerSecond
            self.requestsPerMinute = requestsPerMinute
            self.burst = burst
        }

        /// The refill rate in tokens per second (0 when neither rate is set).
        public var ratePerSecond: Double {
            requestsPerSecond ?? (requestsPerMinute.map { $0 / 60 } ?? 0)
        }

        /// The bucket size after defaulting.
        public var effectiveBurst: Int {
            if let burst { return burst }
            let perPeriod = requestsPerSecond ?? requestsPerMinute ?? 1
            guard perPeriod.isFinite, perPeriod < Double(Int32.max) else { return Int(Int32.max) }
            return max(1, Int(perPeriod.rounded(.up)))
        }
    }
}
