extension PolicyDocument {
    /// Who may call. The gateway verifies credentials (JWT signatures against the issuer's JWKS,
    /// API keys against the hashes here) and hands the engine an `Identity`.
    public struct Authentication: Codable, Sendable, Hashable {
        /// Whether callers without credentials may call (as subject `system:anonymous`). Default: false.
        public var allowAnonymous: Bool?
        /// Accepted API keys, by name and SHA-256 hash. Default: none.
        public var apiKeys: [APIKey]?
        /// Accepted OIDC bearer tokens. Default: none.
        public var oidc: OIDC?

        /// Authentication settings.
        public init(allowAnonymous: Bool? = nil, apiKeys: [APIKey]? = nil, oidc: OIDC? = nil) {
            self.allowAnonymous = allowAnonymous
            self.apiKeys = apiKeys
            self.oidc = oidc
        }
    }

    /// An API key, stored only as the hex SHA-256 of the key. The name is the caller's subject.
    public struct APIKey: Codable, Sendable, Hashable {
        /// The key's name, which becomes the subject of its callers.
        public var name: String
        /// 64 hex digits: SHA-256 of the key's UTF-8 bytes (normalized to lowercase).
        public var sha256: String

        /// An API key entry.
        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    /// An OpenID Connect issuer whose tokens are accepted.
    public struct OIDC: Codable, Sendable, Hashable {
        /// The issuer URL (`iss`), https except for loopback hosts.
        public var issuer: String
        /// Accepted audiences (`aud`); at least one.
        public var audiences: [String]
        /// The JWKS URL. Default: discovered from the issuer's `/.well-known/openid-configuration`.
        public var jwksURL: String?
        /// The claim naming the subject. Default: `sub`.
        public var subjectClaim: String?
        /// The claim listing role names (a dotted path like `realm_access.roles` reaches into
        /// objects). Default: `roles`.
        public var rolesClaim: String?

        /// OIDC settings.
        public init(
            issuer: String, audiences: [String], jwksURL: String? = nil, subjectClaim: String? = nil,
            rolesClaim: String? = nil
        ) {
            self.issuer = issuer
            self.audiences = audiences
            self.jwksURL = jwksURL
            self.subjectClaim = subjectClaim
            self.rolesClaim = rolesClaim
        }
    }
}
