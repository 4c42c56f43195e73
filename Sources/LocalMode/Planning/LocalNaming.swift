/// The names of a server's Docker objects: `<prefix>-<namespace>-<name>` plus a suffix per part.
/// Docker names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; namespaces and names are DNS labels, so the
/// joined name is always valid.
public struct LocalNaming: Sendable, Hashable {
    /// The common stem.
    public let base: String

    /// The names of the server `namespace/name`, prefixed with `prefix` (`mcp` by default).
    public init(prefix: String, namespace: String, name: String) {
        base = "\(prefix)-\(namespace)-\(name)"
    }

    /// The server network: gateways and HTTP servers; the gateways' ports are published from it.
    public var serverNetwork: String { base }
    /// The internal network between the gateways and the plugins (no route out).
    public var pluginNetwork: String { "\(base)-plugins" }
    /// The network of plugins whose egress allows destinations outside.
    public var egressNetwork: String { "\(base)-egress" }
    /// The gateway replica `index`.
    public func gateway(_ index: Int) -> String { "\(base)-gateway-\(index)" }
    /// The HTTP server replica `index`.
    public func server(_ index: Int) -> String { "\(base)-server-\(index)" }
    /// The plugin `name`.
    public func plugin(_ name: String) -> String { "\(base)-plugin-\(name)" }
    /// The volume holding the gateway's binary and libraries, for the gateway image `imageID`.
    public func gatewayVolume(imageID: String) -> String {
        let hex = imageID.hasPrefix("sha256:") ? String(imageID.dropFirst(7)) : imageID
        return "\(base)-gateway-bin-\(hex.prefix(12))"
    }
    /// The volume holding the policy the gateways boot with (the admin token is in their
    /// environment, not here).
    public var configVolume: String { "\(base)-config" }
    /// The DNS name of plugin `name` on the plugin network.
    public func pluginAlias(_ name: String) -> String { "plugin-\(name)" }
    /// The DNS name of HTTP server replica `index` on the server network.
    public func serverAlias(_ index: Int) -> String { "server-\(index)" }
}
