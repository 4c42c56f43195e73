import Foundation

/// The settings every local plan shares: which gateway image, the name prefix and instance label
/// that keep one controller's objects apart from another's, and the plugin limits used when a
/// spec gives none.
public struct LocalPlanOptions: Sendable, Hashable {
    /// The gateway image (`mcp-operator/gateway:<MCP_IMAGE_TAG or dev>`).
    public var gatewayImage: String
    /// The first part of every object name.
    public var namePrefix: String
    /// The value of the `mcpoperator.io/local-instance` label.
    public var instance: String
    /// Extra labels on every object (tests mark their runs with one).
    public var extraLabels: [String: String]
    /// The host address gateway ports are published on: loopback only.
    public var publishAddress: String
    /// The most processes a plugin may run.
    public var pluginPidsLimit: Int64
    /// The most processes a gateway (with a stdio server under it) may run.
    public var gatewayPidsLimit: Int64
    /// A plugin's memory limit when its spec sets none.
    public var defaultPluginMemoryBytes: Int64
    /// A plugin's CPU limit when its spec sets none, in billionths of a CPU.
    public var defaultPluginNanoCPUs: Int64
    /// The size of the tmpfs mounted at `/tmp` in every container.
    public var tmpSizeBytes: Int64
    /// The non-root user every container runs as (`uid:gid`).
    public var user: String

    /// The controller instance of a state directory: `explicit` (`--instance`), else
    /// `$MCP_LOCAL_INSTANCE`, else `default` for the default directory and `state-<hash of the
    /// path>` for any other, so two state directories on one engine never take each other's
    /// containers for orphans.
    public static func instance(explicit: String? = nil, stateDirectory: String, defaultDirectory: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let named = environment["MCP_LOCAL_INSTANCE"], !named.isEmpty { return named }
        let path = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        guard path != URL(fileURLWithPath: defaultDirectory).standardizedFileURL.path else { return "default" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across versions and machines
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "state-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The gateway image for an environment, named as `hack/images.sh` names it:
    /// `$MCP_IMAGE_PREFIX/gateway:$MCP_IMAGE_TAG` (`mcp-operator` and `dev` by default).
    public static func defaultGatewayImage(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let prefix = environment["MCP_IMAGE_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? "mcp-operator"
        let tag = environment["MCP_IMAGE_TAG"].flatMap { $0.isEmpty ? nil : $0 } ?? "dev"
        return "\(prefix)/gateway:\(tag)"
    }

    public init(gatewayImage: String = LocalPlanOptions.defaultGatewayImage(), namePrefix: String = "mcp", instance: String = "default",
                extraLabels: [String: String] = [:], publishAddress: String = "127.0.0.1", pluginPidsLimit: Int64 = 128,
                gatewayPidsLimit: Int64 = 512, defaultPluginMemoryBytes: Int64 = 256 << 20,
                defaultPluginNanoCPUs: Int64 = 1_000_000_000, tmpSizeBytes: Int64 = 64 << 20, user: String = "65532:65532") {
        self.gatewayImage = gatewayImage
        self.namePrefix = namePrefix
        self.instance = instance
        self.extraLabels = extraLabels
        self.publishAddress = publishAddress
        self.pluginPidsLimit = pluginPidsLimit
        self.gatewayPidsLimit = gatewayPidsLimit
        self.defaultPluginMemoryBytes = defaultPluginMemoryBytes
        self.defaultPluginNanoCPUs = defaultPluginNanoCPUs
        self.tmpSizeBytes = tmpSizeBytes
        self.user = user
    }
}
