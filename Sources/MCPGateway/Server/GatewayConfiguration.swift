import Foundation

/// Everything the gateway needs to run, as a value: the executable fills it from flags and
/// environment variables, tests build it directly.
public struct GatewayConfiguration: Sendable {
    /// A host and port to listen on; port 0 picks a free one.
    public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
        /// The host or IP address.
        public var host: String
        /// The port.
        public var port: Int

        /// `host:port`.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port`, `:port` (all interfaces) or `[v6]:port`; nil when malformed.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                  (0...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host.isEmpty ? "0.0.0.0" : host
            self.port = port
        }

        /// `host:port`.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The client-facing listener (`/mcp`, `/sse`, `/messages`, `/ws`).
    public var listen: ListenAddress
    /// The admin listener (`/admin/policy`, `/metrics`, `/healthz`, `/readyz`).
    public var adminListen: ListenAddress
    /// The bearer token the admin API requires; nil refuses every admin write.
    public var adminToken: String?
    /// The main upstream.
    public var upstream: UpstreamSpec
    /// The plugins, each aggregated under its name.
    public var plugins: [PluginSpec]
    /// How many initialized stdio upstreams to keep ready.
    public var warmPoolSize: Int
    /// How long a session may stay idle before it is closed.
    public var sessionIdleTimeout: Duration
    /// The most client sessions open at once; a new one beyond it gets 503 with `Retry-After`.
    /// Zero or less means no limit.
    public var maxSessions: Int
    /// PEM certificate authorities trusted for `https://` upstreams instead of the system store.
    public var upstreamCertificateAuthorityPEM: Data?
    /// The largest request body accepted (413 above it).
    public var maxBodyBytes: Int
    /// Origins accepted besides localhost ones (`*` accepts any).
    public var allowedOrigins: [String]
    /// How callers authenticate.
    public var authentication: AuthenticationConfiguration
    /// Compiles pushed and boot policies.
    public var policyCompiler: any PolicyCompiler
    /// The policy document to boot with (the mounted ConfigMap), as JSON text.
    public var initialPolicyJSON: String?
    /// A policy to enforce from the start without compiling (tests).
    public var initialPolicy: PolicySnapshot?
    /// How long an upstream handshake may take.
    public var upstreamInitializeTimeout: Duration
    /// Where audit records of tool calls go (standard error by default).
    public var auditLog: AuditLog

    /// A configuration with the documented defaults.
    public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080),
                adminListen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8081),
                adminToken: String? = nil, upstream: UpstreamSpec, plugins: [PluginSpec] = [],
                warmPoolSize: Int = 2, sessionIdleTimeout: Duration = .seconds(900), maxBodyBytes: Int = 4 << 20,
                allowedOrigins: [String] = [], authentication: AuthenticationConfiguration = AuthenticationConfiguration(),
                policyCompiler: any PolicyCompiler = AllowAllPolicyCompiler(), initialPolicyJSON: String? = nil,
                initialPolicy: PolicySnapshot? = nil, upstreamInitializeTimeout: Duration = .seconds(30),
                auditLog: AuditLog = .standardError(), maxSessions: Int = 1024, upstreamCertificateAuthorityPEM: Data? = nil) {
        self.auditLog = auditLog
        self.maxSessions = maxSessions
        self.upstreamCertificateAuthorityPEM = upstreamCertificateAuthorityPEM
        self.listen = listen
        self.adminListen = adminListen
        self.adminToken = adminToken
        self.upstream = upstream
        self.plugins = plugins
        self.warmPoolSize = warmPoolSize
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxBodyBytes = maxBodyBytes
        self.allowedOrigins = allowedOrigins
        self.authentication = authentication
        self.policyCompiler = policyCompiler
        self.initialPolicyJSON = initialPolicyJSON
        self.initialPolicy = initialPolicy
        self.upstreamInitializeTimeout = upstreamInitializeTimeout
    }

    /// The policy of `mcp-gateway --pass-through`: every request through, anonymous callers included.
    public static let passThroughPolicyJSON = #"{"authentication":{"allowAnonymous":true},"defaultAction":"allow"}"#
}
