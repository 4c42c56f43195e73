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
    /// Plugin names may end in `_` (`a_` shows `a___t`), so the prefix is the longest plugin name
    /// followed by the separator, not whatever comes before the first `__`.
    public func route(_ exposedName: String) -> (plugin: String?, tool: String) {
        let matching = pluginNames.filter { exposedName.hasPrefix($0 + Self.separator) }
        guard let plugin = matching.max(by: { $0.count < $1.count }) else { return (nil, exposedName) }
        return (plugin, String(exposedName.dropFirst(plugin.count + Self.separator.count)))
    }
}

/// Protocol versions the gateway speaks with clients, newest first.
public enum MCPProtocolVersions {
    /// Every version a client may negotiate.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// What the gateway answers when the client asks for a version it does not know.
    public static let latest = supported[0]

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
