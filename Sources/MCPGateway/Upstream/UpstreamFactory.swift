import ControlPlaneHTTP
import Logging

/// Makes started, initialized connections to an upstream: the gateway's MCP client handshake.
public struct UpstreamFactory: Sendable {
    /// The protocol version the gateway offers to upstreams.
    public static let upstreamProtocolVersion = "2025-06-18"

    /// How long the handshake may take before the upstream counts as failed.
    public var initializeTimeout: Duration
    /// The HTTP client every HTTP upstream of this factory shares: its connections are pooled and
    /// reused across sessions, and its TLS settings apply to `https://` upstreams.
    public let http: HTTPTransport
    private let logger: Logger

    /// A factory that gives each handshake `initializeTimeout` and reaches HTTP upstreams through
    /// `http` (by default a transport trusting the system's certificate authorities).
    public init(initializeTimeout: Duration = .seconds(30), http: HTTPTransport? = nil, logger: Logger) {
        self.initializeTimeout = initializeTimeout
        self.http = http ?? Self.sharedHTTP
        self.logger = logger
    }

    /// The transport of factories made without one (system certificate authorities).
    static let sharedHTTP = makeHTTPTransport()

    /// The HTTP client for upstreams: TLS as given, idle connections kept for reuse, no
    /// compression (MCP messages are small and the upstreams are close).
    public static func makeHTTPTransport(tls: TLSConfiguration = TLSConfiguration(), maxIdleConnections: Int = 256) -> HTTPTransport {
        HTTPTransport(configuration: HTTPTransportConfiguration(
            tls: tls, connectTimeout: .seconds(10), maxIdleConnections: maxIdleConnections, acceptCompression: false))
    }

    /// Starts the upstream at `spec` and runs the handshake; the connection is closed if it fails.
    public func connect(name: String, spec: UpstreamSpec) async throws -> UpstreamConnection {
        let transport: any UpstreamTransport
        switch spec {
        case .stdio(let command, let environment):
            transport = StdioTransport(command: command, environment: environment, logger: logger)
        case .http(let url):
            transport = try HTTPUpstreamTransport(url: url, http: http, logger: logger)
        }
        return try await connect(name: name, transport: transport)
    }

    /// Starts a connection over `transport` and runs the handshake.
    public func connect(name: String, transport: any UpstreamTransport) async throws -> UpstreamConnection {
        let connection = UpstreamConnection(name: name, transport: transport, logger: logger)
        do {
            try await connection.start()
            let capabilities: JSONValue = ["roots": ["listChanged": true], "sampling": [:], "elicitation": [:]]
            let clientInfo: JSONValue = ["name": "mcp-gateway", "version": .string(GatewayVersion.current)]
            let timeout = initializeTimeout
            _ = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                group.addTask {
                    try await connection.initialize(protocolVersion: Self.upstreamProtocolVersion, clientInfo: clientInfo, capabilities: capabilities)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw UpstreamError.timedOut("initialize took longer than \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            return connection
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// The gateway's version, reported in `serverInfo` and `clientInfo`.
public enum GatewayVersion {
    /// The version string.
    public static let current = "0.1.0"
}
