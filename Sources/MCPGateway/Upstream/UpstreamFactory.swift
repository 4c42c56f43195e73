import Logging

/// Makes started, initialized connections to an upstream: the gateway's MCP client handshake.
public struct UpstreamFactory: Sendable {
    /// The protocol version the gateway offers to upstreams.
    public static let upstreamProtocolVersion = "2025-06-18"

    /// How long the handshake may take before the upstream counts as failed.
    public var initializeTimeout: Duration
    private let logger: Logger

    /// A factory that gives each handshake `initializeTimeout`.
    public init(initializeTimeout: Duration = .seconds(30), logger: Logger) {
        self.initializeTimeout = initializeTimeout
        self.logger = logger
    }

    /// Starts the upstream at `spec` and runs the handshake; the connection is closed if it fails.
    public func connect(name: String, spec: UpstreamSpec) async throws -> UpstreamConnection {
        let transport: any UpstreamTransport
        switch spec {
        case .stdio(let command, let environment):
            transport = StdioTransport(command: command, environment: environment, logger: logger)
        case .http(let url):
            transport = try HTTPUpstreamTransport(url: url, logger: logger)
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
