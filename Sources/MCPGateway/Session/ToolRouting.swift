/// The naming rule for aggregated tools: a plugin's tool `t` is shown as `<plugin>__t`; the main
/// server's tools keep their names. Pure, so routing can be tested without upstreams.
public struct ToolRouting: Sendable, Hashable {
    /// The separator between plugin name and tool name.
    public static let separator = "__"
    /// The plugin names, in configuration order.
    public let pluginNames: [String]

    /// Routing for `pluginNames`.
    public init(pluginNames: [String]) { self.pluginNames = pluginNames }

    /// The client-visible name of `tool` from `plugin` (nil for the main server).
    public func exposedName(plugin: String?, tool: String) -> String {
        guard let plugin else { return tool }
        return plugin + Self.separator + tool
    }

    /// Where a call to `exposedName` goes: the plugin (nil for the main server) and the tool name
    /// the upstream knows. A prefix that names no plugin routes to the main server unchanged.
    public func route(_ exposedName: String) -> (plugin: String?, tool: String) {
        guard let range = exposedName.range(of: Self.separator) else { return (nil, exposedName) }
        let prefix = String(exposedName[..<range.lowerBound])
        guard pluginNames.contains(prefix) else { return (nil, exposedName) }
        return (prefix, String(exposedName[range.upperBound...]))
    }
}

/// Protocol versions the gateway speaks with clients, newest first.
public enum MCPProtocolVersions {
    /// Every version a client may negotiate.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// What the gateway answers when the client asks for a version it does not know.
    public static let latest = "2025-06-18"

    /// The version to answer an `initialize` that requested `requested`.
    public static func negotiate(_ requested: String?) -> String {
        guard let requested, supported.contains(requested) else { return latest }
        return requested
    }

    /// Whether JSON-RPC batches are allowed at `version` (only 2025-03-26 had them).
    public static func allowsBatches(_ version: String?) -> Bool {
        version == "2025-03-26"
    }
}
