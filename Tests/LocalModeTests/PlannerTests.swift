import DockerEngine
import KubeModel
import LocalMode
import OperatorAPI
import Testing

/// The planner, purely: MCPServer → networks, volumes and containers.
@Suite struct PlannerTests {
    static let options = LocalPlanOptions(gatewayImage: "mcp-operator/gateway:dev", namePrefix: "mcp", instance: "default")
    static let gatewayEntrypoint = ["/opt/mcp-gateway/lib/ld-linux-x86-64.so.2", "--library-path", "/opt/mcp-gateway/lib",
                                    "/opt/mcp-gateway/bin/mcp-gateway"]
    static let images: [String: ImageFacts] = [
        "mcp-operator/gateway:dev": ImageFacts(id: "sha256:aaaabbbbccccdddd0000", entrypoint: gatewayEntrypoint),
        "mcp-operator/sample-posts:dev": ImageFacts(id: "sha256:1", entrypoint: ["/opt/mcp-sample/bin/mcp-sample-posts"]),
        "mcp-operator/sample-text:dev": ImageFacts(id: "sha256:2", entrypoint: ["/opt/mcp-sample/bin/mcp-sample-text"], cmd: ["--quiet"]),
        "example/http-plugin:1": ImageFacts(id: "sha256:3", entrypoint: ["/plugin"]),
    ]

    static func server(replicas: Int = 1, plugins: [MCPServerSpec.Plugin] = [], transport: MCPTransport? = nil, port: Int? = nil) -> MCPServer {
        MCPServer(metadata: ObjectMeta(name: "posts", namespace: "dev"),
                  spec: MCPServerSpec(image: "mcp-operator/sample-posts:dev", env: [EnvVar(name: "POSTS_DB", value: "/tmp/p.sqlite")],
                                      transport: transport, port: port, replicas: replicas, plugins: plugins))
    }

    static let textPlugin = MCPServerSpec.Plugin(name: "text", image: "mcp-operator/sample-text:dev", transport: .stdio,
                                                 resources: ResourceRequirements(limits: ["memory": "64Mi", "cpu": "250m"]))

    @Test func stdioServerWithPluginsGetsNetworksVolumesAndContainers() throws {
        let plan = try LocalPlanner.plan(server: Self.server(replicas: 2, plugins: [Self.textPlugin]), images: Self.images,
                                         clientPorts: [0: 41000], adminToken: "t1", options: Self.options)
        #expect(plan.networks.map(\.name) == ["mcp-dev-posts", "mcp-dev-posts-plugins"])
        #expect(plan.networks.map(\.internal) == [false, true])
        #expect(plan.volumes.map(\.name) == ["mcp-dev-posts-gateway-bin-aaaabbbbcccc", "mcp-dev-posts-config"])
        #expect(plan.containers.map(\.name) == ["mcp-dev-posts-plugin-text", "mcp-dev-posts-gateway-0", "mcp-dev-posts-gateway-1"])
        for container in plan.containers {
            #expect(container.config.labels?[LocalLabels.managedBy] == "mcp-operator")
            #expect(container.config.labels?[LocalLabels.namespace] == "dev")
            #expect(container.config.labels?[LocalLabels.server] == "posts")
            #expect(container.config.labels?[LocalLabels.instance] == "default")
            #expect(container.config.labels?[LocalLabels.specHash] == container.specHash)
        }
    }

    @Test func stdioServerRunsUnderTheGatewayInItsOwnImage() throws {
        let plan = try LocalPlanner.plan(server: Self.server(plugins: [Self.textPlugin]), images: Self.images,
                                         clientPorts: [0: 41000], adminToken: "t1", options: Self.options)
        let gateway = try #require(plan.gateways.first)
        #expect(gateway.config.image == "mcp-operator/sample-posts:dev")
        #expect(gateway.config.entrypoint == Self.gatewayEntrypoint)
        let cmd = gateway.config.cmd ?? []
        let terminator = try #require(cmd.firstIndex(of: "--"))
        #expect(Array(cmd[(terminator + 1)...]) == ["/opt/mcp-sample/bin/mcp-sample-posts"], "the image's entrypoint, wrapped")
        #expect(cmd.contains("text=http://plugin-text:8080/mcp"))
        #expect(cmd.contains("/etc/mcp-gateway/policy/policy.json"))
        // The admin token is a variable the gateway takes out of its environment, never a file
        // the server beside it could read.
        #expect(!cmd.contains("--admin-token-file"))
        #expect(gateway.config.env == ["POSTS_DB=/tmp/p.sqlite", "MCP_GATEWAY_ADMIN_TOKEN=t1"])
        let mounts = gateway.hostConfig.mounts ?? []
        #expect(mounts.contains { $0.target == "/opt/mcp-gateway" && $0.source == "mcp-dev-posts-gateway-bin-aaaabbbbcccc" && $0.readOnly == true })
        #expect(mounts.contains { $0.target == "/etc/mcp-gateway" && $0.source == "mcp-dev-posts-config" && $0.readOnly == true })
        #expect(gateway.hostConfig.portBindings?["8080/tcp"] == [PortBinding(hostIp: "127.0.0.1", hostPort: "41000")])
        #expect(gateway.hostConfig.portBindings?["9090/tcp"] == [PortBinding(hostIp: "127.0.0.1", hostPort: "")])
        #expect(Set(gateway.networks.keys) == ["mcp-dev-posts", "mcp-dev-posts-plugins"])
        #expect(gateway.config.labels?[LocalLabels.clientPort] == "41000")
    }

    @Test func pluginsAreIsolated() throws {
        let plan = try LocalPlanner.plan(server: Self.server(plugins: [Self.textPlugin]), images: Self.images, options: Self.options)
        let plugin = try #require(plan.plugins.first)
        let host = plugin.hostConfig
        #expect(plugin.config.user == "65532:65532")
        #expect(host.readonlyRootfs == true)
        #expect(host.tmpfs?["/tmp"]?.contains("size=") == true)
        #expect(host.capDrop == ["ALL"])
        #expect(host.capAdd == nil)
        #expect(host.securityOpt == ["no-new-privileges:true"], "no seccomp= option: the engine's default profile")
        #expect(host.privileged == false)
        #expect(host.pidsLimit == 128)
        #expect(host.memory == 64 << 20)
        #expect(host.memorySwap == 64 << 20, "no swap beyond the limit")
        #expect(host.nanoCpus == 250_000_000)
        #expect(host.portBindings == nil, "nothing published")
        #expect(host.restartPolicy == RestartPolicy.no, "the controller restarts with its own backoff")
        #expect(plugin.networks == ["mcp-dev-posts-plugins": ["plugin-text"]], "the internal network only")
        #expect(plugin.primaryNetwork == "mcp-dev-posts-plugins")
        // A stdio plugin runs under its own gateway, its admin listener on loopback only.
        #expect(plugin.config.cmd?.contains("127.0.0.1:9090") == true)
        #expect(plugin.config.cmd?.suffix(2) == ["/opt/mcp-sample/bin/mcp-sample-text", "--quiet"])
        let mounts = plugin.hostConfig.mounts ?? []
        #expect(mounts.allSatisfy { $0.readOnly == true })
        #expect(!mounts.contains { $0.source == "mcp-dev-posts-config" }, "the admin token never reaches a plugin")
        #expect(mounts.map(\.source) == [mounts.first { $0.target == "/opt/mcp-gateway" }?.source], "the gateway binary only: no policy file")
        #expect(plugin.config.cmd?.contains("--pass-through") == true)
    }

    @Test func pluginEgressAddsTheEgressNetwork() throws {
        var plugin = Self.textPlugin
        plugin.egress = MCPServerSpec.Egress(allow: [MCPServerSpec.EgressRule(cidr: "203.0.113.0/24", ports: [443])])
        let plan = try LocalPlanner.plan(server: Self.server(plugins: [plugin]), images: Self.images, options: Self.options)
        #expect(plan.networks.map(\.name) == ["mcp-dev-posts", "mcp-dev-posts-plugins", "mcp-dev-posts-egress"])
        #expect(plan.networks.last?.internal == false)
        #expect(Set(plan.plugins[0].networks.keys) == ["mcp-dev-posts-plugins", "mcp-dev-posts-egress"])
    }

    @Test func pluginDefaultsApplyWithoutLimits() throws {
        let plugin = MCPServerSpec.Plugin(name: "web", image: "example/http-plugin:1", transport: .streamableHTTP, port: 3000)
        let plan = try LocalPlanner.plan(server: Self.server(plugins: [plugin]), images: Self.images, options: Self.options)
        let container = try #require(plan.plugins.first)
        #expect(container.hostConfig.memory == Self.options.defaultPluginMemoryBytes)
        #expect(container.hostConfig.nanoCpus == Self.options.defaultPluginNanoCPUs)
        #expect(container.config.image == "example/http-plugin:1")
        #expect(container.config.entrypoint == nil, "an HTTP plugin runs its image's own entrypoint")
        #expect(plan.gateways[0].config.cmd?.contains("web=http://plugin-web:3000/mcp") == true)
    }

    @Test func httpServerRunsAsItsOwnContainerBehindAGatewayImage() throws {
        let plan = try LocalPlanner.plan(server: Self.server(transport: .streamableHTTP, port: 9000), images: Self.images, options: Self.options)
        #expect(plan.containers.map(\.name) == ["mcp-dev-posts-server-0", "mcp-dev-posts-gateway-0"])
        let server = plan.containers[0]
        #expect(server.role == .server)
        #expect(server.networks == ["mcp-dev-posts": ["server-0"]])
        let gateway = plan.containers[1]
        #expect(gateway.config.image == "mcp-operator/gateway:dev")
        #expect(gateway.config.cmd?.contains("http://server-0:9000/mcp") == true)
        #expect(gateway.config.cmd?.contains("--") == false)
        #expect(!(gateway.hostConfig.mounts ?? []).contains { $0.target == "/opt/mcp-gateway" })
        #expect(plan.networks.map(\.name) == ["mcp-dev-posts"], "no plugin network without plugins")
        #expect(plan.volumes.count == 2)
    }

    @Test func missingImagesNameTheBuildCommand() {
        var images = Self.images
        images["mcp-operator/gateway:dev"] = nil
        #expect {
            _ = try LocalPlanner.plan(server: Self.server(), images: images, options: Self.options)
        } throws: { error in
            let failure = error as? LocalPlanError
            return failure?.reason == "ImageNotFound" && failure?.missingImages == ["mcp-operator/gateway:dev"]
                && failure?.message.contains("bash hack/images.sh") == true
        }
    }

    @Test func clusterOnlyFieldsAreRefusedByPath() {
        var server = Self.server()
        server.spec.env = [EnvVar(name: "TOKEN", valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "s", key: "k")))]
        #expect {
            _ = try LocalPlanner.plan(server: server, images: Self.images, options: Self.options)
        } throws: { error in
            (error as? LocalPlanError)?.message.hasPrefix("spec.env[0].valueFrom") == true
        }
    }

    @Test func badPluginLimitsNameTheField() {
        var plugin = Self.textPlugin
        plugin.resources = ResourceRequirements(limits: ["memory": "lots"])
        #expect {
            _ = try LocalPlanner.plan(server: Self.server(plugins: [plugin]), images: Self.images, options: Self.options)
        } throws: { error in
            (error as? LocalPlanError)?.message.hasPrefix("spec.plugins[0].resources.limits.memory") == true
        }
    }

    @Test func specHashChangesWithTheSpecButNotWithTheHostPort() throws {
        let base = try LocalPlanner.plan(server: Self.server(plugins: [Self.textPlugin]), images: Self.images, clientPorts: [0: 41000],
                                         adminToken: "t1", options: Self.options)
        let otherPort = try LocalPlanner.plan(server: Self.server(plugins: [Self.textPlugin]), images: Self.images, clientPorts: [0: 42000],
                                              adminToken: "t1", options: Self.options)
        #expect(base.gateways[0].specHash == otherPort.gateways[0].specHash)
        var changed = Self.server(plugins: [Self.textPlugin])
        changed.spec.plugins?[0].resources = ResourceRequirements(limits: ["memory": "128Mi"])
        let other = try LocalPlanner.plan(server: changed, images: Self.images, clientPorts: [0: 41000], adminToken: "t1", options: Self.options)
        #expect(other.plugins[0].specHash != base.plugins[0].specHash)
        #expect(other.gateways[0].specHash == base.gateways[0].specHash, "a plugin's limits do not touch the gateway")
        let newToken = try LocalPlanner.plan(server: Self.server(plugins: [Self.textPlugin]), images: Self.images, clientPorts: [0: 41000],
                                             adminToken: "t2", options: Self.options)
        #expect(newToken.gateways[0].specHash != base.gateways[0].specHash, "gateways that booted with another token are replaced")
    }

    @Test func objectsOfAnotherServerOrInstanceAreForeign() throws {
        let plan = try LocalPlanner.plan(server: Self.server(), images: Self.images, clientPorts: [0: 41000], adminToken: "t", options: Self.options)
        #expect(plan.foreignOwner(plan.ownerLabels.merging([LocalLabels.component: "plugin"]) { $1 }) == nil)
        let otherInstance = plan.ownerLabels.merging([LocalLabels.instance: "ci"]) { $1 }
        #expect(plan.foreignOwner(otherInstance) == "MCPServer dev/posts of local instance \"ci\"")
        let otherServer = plan.ownerLabels.merging([LocalLabels.server: "files"]) { $1 }
        #expect(plan.foreignOwner(otherServer) == "MCPServer dev/files of local instance \"default\"")
        #expect(plan.foreignOwner(nil) == "an object not made by the local controller")
        let error = LocalPlanError.nameInUse("container", "mcp-dev-posts-plugin-text", owner: "an object not made by the local controller")
        #expect(error.reason == "NameInUse")
        #expect(error.message.contains("MCP_LOCAL_NAME_PREFIX"))
    }

    @Test func quantitiesParseAsKubernetesWritesThem() {
        #expect(ResourceQuantity.bytes("256Mi") == 256 << 20)
        #expect(ResourceQuantity.bytes("1Gi") == 1 << 30)
        #expect(ResourceQuantity.bytes("1G") == 1_000_000_000)
        #expect(ResourceQuantity.bytes("500k") == 500_000)
        #expect(ResourceQuantity.bytes("1e6") == 1_000_000)
        #expect(ResourceQuantity.bytes("12345") == 12345)
        #expect(ResourceQuantity.bytes("-1Mi") == nil)
        #expect(ResourceQuantity.bytes("lots") == nil)
        #expect(ResourceQuantity.nanoCPUs("500m") == 500_000_000)
        #expect(ResourceQuantity.nanoCPUs("2") == 2_000_000_000)
        #expect(ResourceQuantity.nanoCPUs("0.25") == 250_000_000)
        #expect(ResourceQuantity.nanoCPUs("x") == nil)
    }

    @Test func eachStateDirectoryIsAnInstanceOfItsOwn() {
        let home = "/home/dev/.local/share/mcp-operator"
        let instance = { (directory: String, environment: [String: String]) in
            LocalPlanOptions.instance(stateDirectory: directory, defaultDirectory: home, environment: environment)
        }
        #expect(instance(home, [:]) == "default", "the default directory keeps the instance it always had")
        #expect(instance(home + "/", [:]) == "default")
        let a = instance("/tmp/a", [:])
        let b = instance("/tmp/b", [:])
        #expect(a.hasPrefix("state-") && b.hasPrefix("state-") && a != b, "two directories, two instances: neither's orphans are the other's")
        #expect(instance("/tmp/x/../a", [:]) == a, "one directory, however it is written")
        #expect(instance("/tmp/a", ["MCP_LOCAL_INSTANCE": "ci"]) == "ci")
        #expect(LocalPlanOptions.instance(explicit: "mine", stateDirectory: "/tmp/a", defaultDirectory: home, environment: ["MCP_LOCAL_INSTANCE": "ci"]) == "mine")
    }

    @Test func theGatewayImageIsNamedAsTheImageScriptNamesIt() {
        #expect(LocalPlanOptions.defaultGatewayImage(environment: [:]) == "mcp-operator/gateway:dev")
        #expect(LocalPlanOptions.defaultGatewayImage(environment: ["MCP_IMAGE_PREFIX": "registry.local/mcp", "MCP_IMAGE_TAG": "1.2"])
            == "registry.local/mcp/gateway:1.2")
    }

    @Test func allowedOriginsReachTheLocalGateways() throws {
        var server = Self.server(plugins: [])
        server.spec.gateway = .init(allowedOrigins: ["https://app.example"])
        let plan = try LocalPlanner.plan(server: server, images: Self.images, options: Self.options)
        let cmd = try #require(plan.gateways.first?.config.cmd)
        let flag = try #require(cmd.firstIndex(of: "--allowed-origin"))
        #expect(cmd[flag + 1] == "https://app.example")
    }

    @Test func quantitiesTooLargeForDockerAreRefusedNotTrapped() {
        #expect(ResourceQuantity.bytes("10000000000Gi") == nil)
        #expect(ResourceQuantity.bytes("1e300") == nil)
        #expect(ResourceQuantity.nanoCPUs("1e13") == nil)
        #expect(ResourceQuantity.bytes("256Mi") == 256 << 20)
        var server = Self.server()
        server.spec.resources = ResourceRequirements(limits: ["memory": "1e300"])
        #expect(throws: LocalPlanError.self) { try LocalPlanner.plan(server: server, images: Self.images, options: Self.options) }
        do {
            _ = try LocalPlanner.plan(server: server, images: Self.images, options: Self.options)
        } catch {
            #expect(error.message.contains("spec.resources.limits.memory"), "\(error)")
        }
    }
}
