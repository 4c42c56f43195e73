import ArgumentParser
import Foundation
import Logging
import MCPGateway
import ProcessSpawn
import ServiceLifecycle

/// `mcp-gateway`: the policy-enforcing MCP gateway in front of one server and its plugins.
/// Every option can also come from an environment variable (`MCP_GATEWAY_<NAME>`).
@main
struct MCPGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-gateway",
        abstract: "The policy-enforcing MCP gateway: MCP transports for clients, the server and its plugins upstream.",
        discussion: """
        The main upstream is either --upstream-url (Streamable HTTP) or a command after `--` (stdio).
        The admin token comes from --admin-token-file or from MCP_GATEWAY_ADMIN_TOKEN, which the gateway \
        removes from its environment at start (no upstream inherits it); the process is made non-dumpable \
        so a stdio server running as the same user cannot read it back.
        Every option may instead be set with an environment variable: MCP_GATEWAY_LISTEN, MCP_GATEWAY_ADMIN_LISTEN,
        MCP_GATEWAY_ADMIN_TOKEN_FILE, MCP_GATEWAY_POLICY, MCP_GATEWAY_UPSTREAM_URL, MCP_GATEWAY_PLUGINS
        (comma-separated NAME=URL), MCP_GATEWAY_WARM_POOL, MCP_GATEWAY_SESSION_IDLE_TIMEOUT, MCP_GATEWAY_MAX_SESSIONS, MCP_GATEWAY_MAX_BODY_BYTES,
        MCP_GATEWAY_LOG_LEVEL, MCP_GATEWAY_LOG_FORMAT, MCP_GATEWAY_ALLOWED_ORIGINS (comma-separated),
        MCP_GATEWAY_JWKS_FILE, MCP_GATEWAY_JWKS_URL, MCP_GATEWAY_JWT_ISSUER, MCP_GATEWAY_JWT_AUDIENCE, MCP_GATEWAY_API_KEYS_FILE, MCP_GATEWAY_UPSTREAM_CA_FILE,
        MCP_GATEWAY_UPSTREAM_COMMAND (the stdio command, split on spaces), MCP_GATEWAY_INSTALL_TO.
        --install-to DIR copies the gateway's install folder (the folder above bin/mcp-gateway: bin/ and lib/ with every
        shared library and the loader) into the existing folder DIR and exits; a pod's init container hands the gateway to
        a server container of any image that way.
        /metrics, /healthz, /readyz and /admin/policy are served on the admin listener.
        """)

    @Option(help: "Client listener, HOST:PORT.") var listen = "127.0.0.1:8080"
    @Option(name: .customLong("admin-listen"), help: "Admin listener, HOST:PORT.") var adminListen = "127.0.0.1:8081"
    @Option(name: .customLong("admin-token-file"), help: "File holding the admin bearer token.") var adminTokenFile: String?
    @Option(help: "Policy document to boot with (JSON).") var policy: String?
    @Flag(name: .customLong("pass-through"),
          help: "Boot with a policy that lets every request through, anonymous ones included: for a gateway that only adapts a stdio plugin's transport behind its server's gateway, which enforces the real policy.")
    var passThrough = false
    @Option(name: .customLong("upstream-url"), help: "Main upstream over Streamable HTTP.") var upstreamURL: String?
    @Option(name: .customLong("plugin"), help: "A plugin upstream, NAME=URL (repeatable).") var plugins: [String] = []
    @Option(name: .customLong("warm-pool"), help: "Initialized stdio upstreams kept ready.") var warmPool = 2
    @Option(name: .customLong("session-idle-timeout"), help: "Seconds before an idle session is closed.") var sessionIdleTimeout = 900.0
    @Option(name: .customLong("max-sessions"), help: "Most client sessions open at once; more get 503 with Retry-After (0: no limit).")
    var maxSessions = 1024
    @Option(name: .customLong("upstream-ca-file"), help: "PEM CA bundle trusted for https:// upstreams instead of the system store.")
    var upstreamCAFile: String?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.") var maxBodyBytes = 4 << 20
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat = "json"
    @Option(name: .customLong("allowed-origin"), help: "An Origin accepted besides localhost (repeatable; * for any).") var allowedOrigins: [String] = []
    @Option(name: .customLong("jwks-file"), help: "JWKS used to verify bearer tokens.") var jwksFile: String?
    @Option(name: .customLong("jwks-url"), help: "URL to fetch the JWKS from at start (http:// or https://).") var jwksURL: String?
    @Option(name: .customLong("jwt-issuer"), help: "Required token issuer.") var jwtIssuer: String?
    @Option(name: .customLong("jwt-audience"), help: "Required token audience.") var jwtAudience: String?
    @Option(name: .customLong("api-keys-file"), help: "API key hashes: JSON {name: sha256hex} or name:sha256hex lines.") var apiKeysFile: String?
    @Option(name: .customLong("install-to"), help: "Copy the gateway's install folder (bin/ and lib/) into this existing folder and exit.")
    var installTo: String?
    @Argument(parsing: .postTerminator, help: "The stdio upstream command and its arguments.") var command: [String] = []

    /// The admin token taken from `MCP_GATEWAY_ADMIN_TOKEN` at start (see `AdminTokenEnvironment`).
    nonisolated(unsafe) static var environmentAdminToken: String?

    static func main() async {
        environmentAdminToken = AdminTokenEnvironment.take()
        let arguments = EnvironmentArguments.merge(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot(arguments)
            if var gateway = command as? MCPGatewayCommand {
                try await gateway.run()
            } else {
                try await command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    func run() async throws {
        if let installTo {
            let installed = try GatewayInstall.run(destination: installTo)
            let event: [String: Any] = ["event": "installed", "from": installed.source, "to": installTo, "entries": installed.files]
            let line = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(line + Data("\n".utf8))
            return
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat != "text"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "mcp-gateway")
        let configuration = try makeConfiguration()
        // The processes stdio servers leave behind come to the gateway (it is often its
        // container's PID 1): reap them, or they pile up as zombies.
        OrphanReaper.start()
        let app = try await buildGatewayApplication(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        Task {
            let port = await app.mainPort()
            let adminPort = await app.adminPort()
            let line = "{\"event\":\"listening\",\"port\":\(port),\"adminPort\":\(adminPort)}\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await group.run()
    }

    private func makeConfiguration() throws -> GatewayConfiguration {
        guard let listenAddress = GatewayConfiguration.ListenAddress(parsing: listen) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        guard let adminAddress = GatewayConfiguration.ListenAddress(parsing: adminListen) else {
            throw ValidationError("--admin-listen must be HOST:PORT")
        }
        let upstream: UpstreamSpec
        switch (upstreamURL, command.isEmpty) {
        case (let url?, true): upstream = .http(url: url)
        case (nil, false): upstream = .stdio(command: command)
        case (nil, true): throw ValidationError("give --upstream-url URL or -- COMMAND ARGS...")
        case (_?, false): throw ValidationError("give either --upstream-url or a command, not both")
        }
        let pluginSpecs = try plugins.map { text -> PluginSpec in
            guard let equals = text.firstIndex(of: "=") else { throw ValidationError("--plugin must be NAME=URL") }
            let name = String(text[..<equals])
            guard PluginSpec.isValidName(name) else { throw ValidationError("invalid plugin name \(name)") }
            return PluginSpec(name: name, upstream: .http(url: String(text[text.index(after: equals)...])))
        }
        guard sessionIdleTimeout.isFinite, sessionIdleTimeout > 0, sessionIdleTimeout <= 31_536_000 else {
            throw ValidationError("--session-idle-timeout must be a number of seconds above 0 and at most a year, not \(sessionIdleTimeout)")
        }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be above 0, not \(maxBodyBytes)") }
        guard maxSessions >= 0 else { throw ValidationError("--max-sessions must be 0 (no limit) or more, not \(maxSessions)") }
        for spec in [upstream] + pluginSpecs.map(\.upstream) {
            if case .http(let url) = spec {
                do { try HTTPUpstreamTransport.validate(url: url) } catch { throw ValidationError((error as? UpstreamError)?.detail ?? "\(error)") }
            }
        }
        let upstreamCA = try upstreamCAFile.map { path -> Data in
            let text = try read(path)
            guard text.contains("-----BEGIN CERTIFICATE-----") else { throw ValidationError("--upstream-ca-file \(path) holds no PEM certificate") }
            return Data(text.utf8)
        }
        let adminToken = try adminTokenFile.map { try read($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            ?? Self.environmentAdminToken
        let authentication = AuthenticationConfiguration(
            jwksJSON: try jwksFile.map(read), jwksURL: jwksURL, issuer: jwtIssuer, audience: jwtAudience,
            apiKeyHashes: try apiKeysFile.map { AuthenticationConfiguration.parseAPIKeyHashes(try read($0)) } ?? [:])
        return GatewayConfiguration(
            listen: listenAddress, adminListen: adminAddress, adminToken: adminToken, upstream: upstream, plugins: pluginSpecs,
            warmPoolSize: max(0, warmPool), sessionIdleTimeout: .milliseconds(Int64(sessionIdleTimeout * 1000)),
            maxBodyBytes: maxBodyBytes, allowedOrigins: allowedOrigins, authentication: authentication,
            policyCompiler: GatewayPolicyCompiler.default, initialPolicyJSON: try bootPolicy(),
            maxSessions: maxSessions, upstreamCertificateAuthorityPEM: upstreamCA)
    }

    /// The policy to boot with: the `--policy` file's, the pass-through one, or none.
    private func bootPolicy() throws -> String? {
        if passThrough {
            guard policy == nil else { throw ValidationError("give either --policy or --pass-through, not both") }
            return GatewayConfiguration.passThroughPolicyJSON
        }
        return try policy.map(read)
    }

    private func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
    }
}
