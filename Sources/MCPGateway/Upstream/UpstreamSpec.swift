/// How to reach one upstream MCP server.
public enum UpstreamSpec: Sendable, Hashable, CustomStringConvertible {
    /// A command run as a child process per session, speaking JSON-RPC over stdio.
    case stdio(command: [String], environment: [String: String]? = nil)
    /// A Streamable HTTP endpoint.
    case http(url: String)

    /// The command or URL, for logs.
    public var description: String {
        switch self {
        case .stdio(let command, _): return "stdio:\(command.joined(separator: " "))"
        case .http(let url): return url
        }
    }
}

/// A plugin: a named upstream whose tools appear as `<name>__<tool>`.
public struct PluginSpec: Sendable, Hashable {
    /// The plugin's name, the prefix of its tools; letters, digits, `-` and `_`, no `__`.
    public var name: String
    /// Where the plugin runs.
    public var upstream: UpstreamSpec

    /// A plugin named `name` at `upstream`.
    public init(name: String, upstream: UpstreamSpec) {
        self.name = name
        self.upstream = upstream
    }

    /// Whether `name` can be a tool prefix.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("__") && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
