import Foundation

/// Fills in command-line options from `MCP_GATEWAY_*` environment variables: a flag given on the
/// command line wins over its variable.
enum EnvironmentArguments {
    private static let single: [(flag: String, variable: String)] = [
        ("--listen", "MCP_GATEWAY_LISTEN"), ("--admin-listen", "MCP_GATEWAY_ADMIN_LISTEN"),
        ("--admin-token-file", "MCP_GATEWAY_ADMIN_TOKEN_FILE"), ("--policy", "MCP_GATEWAY_POLICY"),
        ("--upstream-url", "MCP_GATEWAY_UPSTREAM_URL"), ("--warm-pool", "MCP_GATEWAY_WARM_POOL"),
        ("--session-idle-timeout", "MCP_GATEWAY_SESSION_IDLE_TIMEOUT"), ("--max-body-bytes", "MCP_GATEWAY_MAX_BODY_BYTES"),
        ("--log-level", "MCP_GATEWAY_LOG_LEVEL"), ("--log-format", "MCP_GATEWAY_LOG_FORMAT"),
        ("--jwks-file", "MCP_GATEWAY_JWKS_FILE"), ("--jwks-url", "MCP_GATEWAY_JWKS_URL"), ("--jwt-issuer", "MCP_GATEWAY_JWT_ISSUER"),
        ("--jwt-audience", "MCP_GATEWAY_JWT_AUDIENCE"), ("--api-keys-file", "MCP_GATEWAY_API_KEYS_FILE"),
        ("--max-sessions", "MCP_GATEWAY_MAX_SESSIONS"), ("--upstream-ca-file", "MCP_GATEWAY_UPSTREAM_CA_FILE"),
        ("--install-to", "MCP_GATEWAY_INSTALL_TO"),
    ]
    private static let lists: [(flag: String, variable: String)] = [
        ("--plugin", "MCP_GATEWAY_PLUGINS"), ("--allowed-origin", "MCP_GATEWAY_ALLOWED_ORIGINS"),
    ]

    /// `arguments` with the options it lacks taken from `environment`.
    static func merge(_ arguments: [String], environment: [String: String]) -> [String] {
        let terminator = arguments.firstIndex(of: "--")
        let options = Array(arguments[..<(terminator ?? arguments.endIndex)])
        var trailing = terminator.map { Array(arguments[$0...]) } ?? []
        var added: [String] = []
        func given(_ flag: String) -> Bool { options.contains { $0 == flag || $0.hasPrefix(flag + "=") } }
        for (flag, variable) in single where !given(flag) {
            if let value = environment[variable], !value.isEmpty { added += [flag, value] }
        }
        for (flag, variable) in lists where !given(flag) {
            for value in (environment[variable] ?? "").split(separator: ",") where !value.isEmpty {
                added += [flag, value.trimmingCharacters(in: .whitespaces)]
            }
        }
        if trailing.isEmpty, let command = environment["MCP_GATEWAY_UPSTREAM_COMMAND"], !command.isEmpty {
            trailing = ["--"] + command.split(separator: " ").map(String.init)
        }
        return options + added + trailing
    }
}

