import Crypto
import DockerEngine
import Foundation
import KubeModel
import OperatorAPI

/// Turns an MCPServer into its `LocalPlan`, purely: the same resource that becomes Deployments
/// and NetworkPolicies on Kubernetes becomes networks, volumes and containers here.
///
/// - A server network, and an `Internal` plugin network when there are plugins.
/// - Per replica a gateway container. A stdio server runs under it in the server's own image,
///   with the gateway's binary and libraries mounted from a volume filled from the gateway
///   image; an HTTP server runs as its own container on the server network, behind a gateway
///   container of the gateway image.
/// - Per plugin one container: non-root, read-only root with a tmpfs `/tmp`, every capability
///   dropped, `no-new-privileges`, the engine's default seccomp profile, pids, memory and CPU
///   limits, on the plugin network only (also on an egress network when its egress allows
///   destinations; the engine cannot filter by CIDR, so the allow-list is not enforced
///   address by address). A stdio plugin runs under a gateway of its own that serves it on
///   the plugin network.
/// - Gateways publish their client and admin ports on `publishAddress` (loopback) only.
public enum LocalPlanner {
    /// The port gateways listen on for MCP clients, inside their containers.
    public static let clientPort = GatewayLayout.mcpPort
    /// The gateways' admin port, inside their containers.
    public static let adminPort = GatewayLayout.adminPort
    /// The port a stdio plugin's own gateway serves it on, inside the plugin's container.
    public static let pluginGatewayPort = 8080
    /// Where the gateway volume is mounted (the gateway image's layout).
    public static let gatewayDirectory = "/opt/mcp-gateway"
    /// Where the config volume is mounted in gateway containers.
    public static let configDirectory = "/etc/mcp-gateway"
    /// The policy's path in the config volume.
    public static let policyPath = "policy/policy.json"

    /// The plan for `server` (its spec gets its defaults here). `images` holds what the engine
    /// knows of the gateway image and every image the spec names; `clientPorts` the host port
    /// each gateway replica keeps (absent: any free port).
    /// `adminToken` is the gateways' admin token, in their environment (`GatewayLayout.adminTokenVariable`,
    /// not a file in the config volume a stdio server beside it could read); gateways that booted
    /// with another token differ in their spec hash and are re-created.
    public static func plan(server: MCPServer, images: [String: ImageFacts], clientPorts: [Int: Int] = [:],
                            adminToken: String = "", options: LocalPlanOptions) throws(LocalPlanError) -> LocalPlan {
        let namespace = server.metadata.namespace ?? "default"
        let name = server.metadata.name ?? ""
        let spec = server.spec.withDefaults()
        let naming = LocalNaming(prefix: options.namePrefix, namespace: namespace, name: name)
        try checkSupported(spec)
        let needed = [options.gatewayImage, spec.image] + (spec.plugins ?? []).map(\.image)
        let missing = Array(Set(needed.filter { images[$0] == nil }))
        guard missing.isEmpty else { throw .imagesMissing(missing) }
        let gatewayImage = images[options.gatewayImage]!
        guard !gatewayImage.entrypoint.isEmpty else {
            throw .invalid("image \(options.gatewayImage)", "has no ENTRYPOINT; it is not the project's gateway image (build it with `bash hack/images.sh`)")
        }

        var owner = options.extraLabels
        owner[LocalLabels.managedBy] = LocalLabels.managerName
        owner[LocalLabels.instance] = options.instance
        owner[LocalLabels.namespace] = namespace
        owner[LocalLabels.server] = name
        func labels(_ component: String, _ extra: [String: String] = [:]) -> [String: String] {
            owner.merging(extra) { $1 }.merging([LocalLabels.component: component]) { $1 }
        }

        let plugins = spec.plugins ?? []
        var networks = [DesiredNetwork(name: naming.serverNetwork, internal: false, labels: labels("server-network"))]
        if !plugins.isEmpty {
            networks.append(DesiredNetwork(name: naming.pluginNetwork, internal: true, labels: labels("plugin-network")))
        }
        if plugins.contains(where: hasEgress) {
            networks.append(DesiredNetwork(name: naming.egressNetwork, internal: false, labels: labels("egress-network")))
        }
        let volumes = [DesiredVolume(name: naming.gatewayVolume(imageID: gatewayImage.id), labels: labels("gateway-binary")),
                       DesiredVolume(name: naming.configVolume, labels: labels("config"))]
        let context = Context(spec: spec, naming: naming, options: options, gatewayImage: gatewayImage, adminToken: adminToken,
                              gatewayVolume: volumes[0].name, configVolume: volumes[1].name, labels: labels)

        var containers: [DesiredContainer] = []
        var pluginArguments: [String] = []
        for (index, plugin) in plugins.enumerated() {
            let (container, url) = try context.plugin(plugin, index: index, image: images[plugin.image]!)
            containers.append(container)
            pluginArguments += ["--plugin", "\(plugin.name)=\(url)"]
        }
        let replicas = spec.replicas ?? spec.autoscaling?.minReplicas ?? 1
        for replica in 0..<max(0, replicas) {
            if spec.transport?.isHTTP == true {
                containers.append(try context.httpServer(replica: replica))
            }
            containers.append(try context.gateway(replica: replica, serverImage: images[spec.image]!, plugins: pluginArguments,
                                              hostPort: clientPorts[replica]))
        }
        return LocalPlan(naming: naming, networks: networks, volumes: volumes, containers: containers, ownerLabels: owner,
                         configDirectory: configDirectory)
    }

    /// The sha256 of a container's configuration (labels other than the hash itself, host
    /// configuration without host ports, networks), hex, first 16 bytes.
    public static func specHash(config: ContainerConfig, hostConfig: HostConfig, networks: [String: [String]]) -> String {
        var config = config
        config.labels?[LocalLabels.specHash] = nil
        config.labels?[LocalLabels.clientPort] = nil
        var hostConfig = hostConfig
        hostConfig.portBindings = hostConfig.portBindings?.mapValues { $0.map { PortBinding(hostIp: $0.hostIp, hostPort: nil) } }
        struct Hashed: Encodable {
            var config: ContainerConfig
            var hostConfig: HostConfig
            var networks: [String: [String]]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Hashed(config: config, hostConfig: hostConfig, networks: networks))) ?? Data()
        return SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func hasEgress(_ plugin: MCPServerSpec.Plugin) -> Bool { !(plugin.egress?.allow ?? []).isEmpty }

    /// Fields that need a cluster: Secrets and ConfigMaps, autoscaling on metrics.
    private static func checkSupported(_ spec: MCPServerSpec) throws(LocalPlanError) {
        for (index, variable) in (spec.env ?? []).enumerated() where variable.valueFrom != nil {
            throw .unsupported("spec.env[\(index)].valueFrom", "Secrets, ConfigMaps and field references need a cluster; give `value` in local mode")
        }
        if !(spec.envFrom ?? []).isEmpty {
            throw .unsupported("spec.envFrom", "Secrets and ConfigMaps need a cluster; give `env` values in local mode")
        }
        if spec.gateway?.apiKeysSecretRef != nil {
            throw .unsupported("spec.gateway.apiKeysSecretRef", "Secrets need a cluster; local gateways listen on 127.0.0.1 only")
        }
        for (pluginIndex, plugin) in (spec.plugins ?? []).enumerated() {
            for (index, variable) in (plugin.env ?? []).enumerated() where variable.valueFrom != nil {
                throw .unsupported("spec.plugins[\(pluginIndex)].env[\(index)].valueFrom", "Secrets, ConfigMaps and field references need a cluster; give `value` in local mode")
            }
        }
    }
}

/// The shared inputs of the per-container planning functions.
private struct Context {
    let spec: MCPServerSpec
    let naming: LocalNaming
    let options: LocalPlanOptions
    let gatewayImage: ImageFacts
    let adminToken: String
    let gatewayVolume: String
    let configVolume: String
    let labels: (String, [String: String]) -> [String: String]

    /// Read-only root, a tmpfs `/tmp`, no capabilities, no privilege escalation, the default
    /// seccomp profile (no `seccomp=` option), never privileged, restarted by the controller.
    func hardened(pids: Int64, memory: Int64?, nanoCPUs: Int64?, mounts: [Mount], ports: [String: [PortBinding]]? = nil) -> HostConfig {
        HostConfig(
            portBindings: ports, mounts: mounts, tmpfs: ["/tmp": "rw,nosuid,nodev,noexec,size=\(options.tmpSizeBytes)"],
            readonlyRootfs: true, capDrop: ["ALL"], securityOpt: ["no-new-privileges:true"], privileged: false,
            pidsLimit: pids, memory: memory, memorySwap: memory, nanoCpus: nanoCPUs, restartPolicy: .no, init: true,
            logConfig: LogConfig(type: "json-file", config: ["max-size": "10m", "max-file": "3"]))
    }

    func environment(_ variables: [EnvVar]?) -> [String]? {
        let list = (variables ?? []).compactMap { variable in variable.value.map { "\(variable.name)=\($0)" } ?? "\(variable.name)=" }
        return list.isEmpty ? nil : list
    }

    /// The command a stdio process runs: the spec's, else the image's entrypoint and command.
    func command(_ command: [String]?, _ args: [String]?, image: ImageFacts) -> [String] {
        if let command, !command.isEmpty { return command + (args ?? []) }
        if let args, !args.isEmpty { return image.entrypoint + args }
        return image.entrypoint + image.cmd
    }

    func finish(name: String, role: LocalRole, replica: Int?, plugin: String?, config: ContainerConfig, hostConfig: HostConfig,
                networks: [String: [String]], primary: String) -> DesiredContainer {
        let hash = LocalPlanner.specHash(config: config, hostConfig: hostConfig, networks: networks)
        var config = config
        config.labels?[LocalLabels.specHash] = hash
        return DesiredContainer(name: name, role: role, replica: replica, plugin: plugin, config: config, hostConfig: hostConfig,
                                primaryNetwork: primary, networks: networks, specHash: hash)
    }

    func plugin(_ plugin: MCPServerSpec.Plugin, index: Int, image: ImageFacts) throws(LocalPlanError) -> (DesiredContainer, String) {
        let field = "spec.plugins[\(index)]"
        var memory = options.defaultPluginMemoryBytes
        if let text = plugin.resources?.limits?["memory"]?.text {
            guard let bytes = ResourceQuantity.bytes(text), bytes >= 6 << 20 else {
                throw .invalid("\(field).resources.limits.memory", "\"\(text)\" is not a memory quantity of at least 6Mi (the engine's minimum)")
            }
            memory = bytes
        }
        var cpus = options.defaultPluginNanoCPUs
        if let text = plugin.resources?.limits?["cpu"]?.text {
            guard let value = ResourceQuantity.nanoCPUs(text), value > 0 else {
                throw .invalid("\(field).resources.limits.cpu", "\"\(text)\" is not a positive CPU quantity")
            }
            cpus = value
        }
        let alias = naming.pluginAlias(plugin.name)
        var networks = [naming.pluginNetwork: [alias]]
        if LocalPlanner.hasEgress(plugin) { networks[naming.egressNetwork] = [] }
        var mounts: [Mount] = []
        var config = ContainerConfig(image: plugin.image, env: environment(plugin.env),
                                     labels: labels("plugin", [LocalLabels.plugin: plugin.name]), user: options.user,
                                     hostname: alias, stopTimeout: 5)
        let url: String
        if plugin.transport?.isHTTP == true {
            guard let port = plugin.port else {
                throw .invalid("\(field).port", "is required for the \(plugin.transport!.rawValue) transport")
            }
            if let command = plugin.command, !command.isEmpty { config.entrypoint = command }
            if let args = plugin.args { config.cmd = args }
            config.exposedPorts = KeySet(["\(port)/tcp"])
            url = "http://\(alias):\(port)\(plugin.path ?? plugin.transport!.defaultPath ?? "/mcp")"
        } else {
            // A stdio plugin: its own gateway serves it on the plugin network with
            // `--pass-through`, as on Kubernetes (the server's gateway enforces the real policy;
            // the plugin never sees the admin token), its admin listener on loopback only.
            mounts.append(.volume(gatewayVolume, at: LocalPlanner.gatewayDirectory, readOnly: true))
            config.entrypoint = gatewayImage.entrypoint
            config.cmd = ["--listen", "0.0.0.0:\(LocalPlanner.pluginGatewayPort)", "--admin-listen", "127.0.0.1:\(LocalPlanner.adminPort)",
                          "--pass-through", "--log-format", "json", "--"] + command(plugin.command, plugin.args, image: image)
            config.exposedPorts = KeySet(["\(LocalPlanner.pluginGatewayPort)/tcp"])
            url = "http://\(alias):\(LocalPlanner.pluginGatewayPort)/mcp"
        }
        let hostConfig = hardened(pids: options.pluginPidsLimit, memory: memory, nanoCPUs: cpus, mounts: mounts)
        let container = finish(name: naming.plugin(plugin.name), role: .plugin, replica: nil, plugin: plugin.name, config: config,
                               hostConfig: hostConfig, networks: networks, primary: naming.pluginNetwork)
        return (container, url)
    }

    /// The memory and CPU limits of `spec.resources`; a limit that is not a usable quantity is
    /// refused with its field (it must not leave the container without a limit).
    func limits(_ resources: ResourceRequirements?) throws(LocalPlanError) -> (Int64?, Int64?) {
        var memory: Int64?
        if let text = resources?.limits?["memory"]?.text {
            guard let bytes = ResourceQuantity.bytes(text), bytes > 0 else {
                throw .invalid("spec.resources.limits.memory", "\"\(text)\" is not a memory quantity Docker can enforce")
            }
            memory = bytes
        }
        var cpus: Int64?
        if let text = resources?.limits?["cpu"]?.text {
            guard let value = ResourceQuantity.nanoCPUs(text), value > 0 else {
                throw .invalid("spec.resources.limits.cpu", "\"\(text)\" is not a positive CPU quantity Docker can enforce")
            }
            cpus = value
        }
        return (memory, cpus)
    }

    func httpServer(replica: Int) throws(LocalPlanError) -> DesiredContainer {
        var config = ContainerConfig(image: spec.image, env: environment(spec.env),
                                     labels: labels("server", [LocalLabels.replica: "\(replica)"]), user: options.user,
                                     stopTimeout: 10)
        if let command = spec.command, !command.isEmpty { config.entrypoint = command }
        if let args = spec.args { config.cmd = args }
        if let port = spec.port { config.exposedPorts = KeySet(["\(port)/tcp"]) }
        let (memory, cpus) = try limits(spec.resources)
        let hostConfig = hardened(pids: options.gatewayPidsLimit, memory: memory, nanoCPUs: cpus, mounts: [])
        return finish(name: naming.server(replica), role: .server, replica: replica, plugin: nil, config: config, hostConfig: hostConfig,
                      networks: [naming.serverNetwork: [naming.serverAlias(replica)]], primary: naming.serverNetwork)
    }

    func gateway(replica: Int, serverImage: ImageFacts, plugins: [String], hostPort: Int?) throws(LocalPlanError) -> DesiredContainer {
        let config = LocalPlanner.configDirectory
        var arguments = ["--listen", "0.0.0.0:\(LocalPlanner.clientPort)", "--admin-listen", "0.0.0.0:\(LocalPlanner.adminPort)",
                         "--policy", "\(config)/\(LocalPlanner.policyPath)",
                         "--log-format", "json"] + plugins
        for origin in spec.gateway?.allowedOrigins ?? [] { arguments += ["--allowed-origin", origin] }
        var mounts: [Mount] = [.volume(configVolume, at: config, readOnly: true)]
        let image: String
        var environment = ["\(GatewayLayout.adminTokenVariable)=\(adminToken)"]
        if spec.transport?.isHTTP == true {
            image = options.gatewayImage
            arguments += ["--upstream-url", "http://\(naming.serverAlias(replica)):\(spec.port ?? 8080)\(spec.path ?? "/mcp")"]
        } else {
            image = spec.image
            let own = self.environment(spec.env?.filter { $0.name != GatewayLayout.adminTokenVariable }) ?? []
            environment = own + environment
            mounts.insert(.volume(gatewayVolume, at: LocalPlanner.gatewayDirectory, readOnly: true), at: 0)
            arguments += ["--"] + command(spec.command, spec.args, image: serverImage)
        }
        let clientKey = "\(LocalPlanner.clientPort)/tcp"
        let adminKey = "\(LocalPlanner.adminPort)/tcp"
        let ports = [clientKey: [PortBinding(hostIp: options.publishAddress, hostPort: hostPort.map(String.init) ?? "")],
                     adminKey: [PortBinding(hostIp: options.publishAddress, hostPort: "")]]
        var extra = [LocalLabels.replica: "\(replica)"]
        if let hostPort { extra[LocalLabels.clientPort] = "\(hostPort)" }
        let containerConfig = ContainerConfig(
            image: image, cmd: arguments, entrypoint: gatewayImage.entrypoint, env: environment, labels: labels("gateway", extra),
            user: options.user, exposedPorts: KeySet([clientKey, adminKey]), stopTimeout: 10)
        let (memory, cpus) = try limits(spec.resources)
        let hostConfig = hardened(pids: options.gatewayPidsLimit, memory: memory, nanoCPUs: cpus, mounts: mounts, ports: ports)
        var networks = [naming.serverNetwork: ["gateway-\(replica)"]]
        if !(spec.plugins ?? []).isEmpty { networks[naming.pluginNetwork] = ["gateway-\(replica)"] }
        return finish(name: naming.gateway(replica), role: .gateway, replica: replica, plugin: nil, config: containerConfig,
                      hostConfig: hostConfig, networks: networks, primary: naming.serverNetwork)
    }
}
