import DockerEngine
import Foundation
import KubeModel
import LocalMode
import LocalStore
import Testing
import TestSupport

/// The tests against the real Docker engine, one at a time (they share this run's images and the
/// sweep at the end): end to end in this file, recovery in LocalModeRecoveryTests.swift.
@Suite(.localEngine, .serialized)
struct LocalEngineTests {}

/// End to end against the real Docker engine, the project's real images and the official MCP
/// Python SDK: a server with two plugins is run, used, inspected, broken, re-policied and deleted.
extension LocalEngineTests {
    static func policy(_ name: String, denied: [String] = []) -> JSONValue {
        var spec: [String: JSONValue] = ["defaultAction": "allow", "authentication": ["allowAnonymous": true]]
        if !denied.isEmpty {
            spec["roles"] = [["name": "no-destruction", "subjects": ["system:anonymous"], "denyTools": .array(denied.map { .string($0) })]]
        }
        return ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPPolicy", "metadata": ["name": .string(name), "namespace": "default"],
                "spec": .object(spec)]
    }

    static func server(_ name: String, replicas: Int = 2, plugins: [JSONValue]? = nil, image: String = LocalHarness.postsImage) -> JSONValue {
        let defaultPlugins: [JSONValue] = [
            ["name": "text", "image": .string(LocalHarness.textImage), "transport": "stdio",
             "resources": ["limits": ["memory": "64Mi", "cpu": "500m"]]],
            ["name": "words", "image": .string(LocalHarness.textImage), "transport": "stdio"],
        ]
        return ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "metadata": ["name": .string(name), "namespace": "default"],
                "spec": ["image": .string(image), "replicas": .number(Double(replicas)), "policyRefs": ["open"],
                         "plugins": .array(plugins ?? defaultPlugins)]]
    }

    func endpoint(_ fixture: LocalFixture, _ name: String) throws -> String? {
        try fixture.server(name)?.status?["endpoint"]?.stringValue
    }

    func waitReady(_ fixture: LocalFixture, _ name: String) async throws {
        try await LocalHarness.eventually("\(name) Ready=True") {
            try fixture.condition(name, "Ready")?["status"]?.stringValue == "True"
        }
    }

    @Test func serverWithTwoPluginsRunsIsolatedAndFollowsPolicyUntilDeleted() async throws {
        try await withLocalController("e2e") { fixture in
            try fixture.apply(Self.policy("open"))
            try fixture.apply(Self.server("posts"))
            try await waitReady(fixture, "posts")
            let url = try #require(try endpoint(fixture, "posts"))
            #expect(url.hasPrefix("http://127.0.0.1:"))

            // A real MCP client through the gateway: the server's tools and both plugins' tools.
            let report = try await PythonClient.run(url, calls: [
                ("create_post", ["title": "Hello", "body": "local mode"]),
                ("text__upper", ["text": "isolated"]),
                ("words__word_count", ["text": "one two three"]),
            ])
            let tools = report["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let expected = ["create_post", "list_posts", "delete_post", "text__upper", "text__reverse", "words__word_count"]
            let logs = expected.allSatisfy(tools.contains) ? "" : await diagnostics(fixture)
            for tool in expected {
                #expect(tools.contains(tool), "\(tool) is listed: \(tools)\n\(logs)")
            }
            let calls = report["calls"]?.arrayValue ?? []
            #expect(calls.count == 3)
            #expect(calls.first?["text"]?.stringValue?.contains("Hello") == true, "\(report)")
            #expect(calls.dropFirst().first?["text"] == "ISOLATED", "\(report)")
            #expect(calls.last?["text"] == "3", "\(report)")

            try await assertIsolation(fixture)
            try await assertNetworkReach(fixture)
            try await assertKilledPluginIsReplaced(fixture)
            try await assertPolicyChangeIsEnforcedEverywhere(fixture, url: url)
            try await assertDeletionLeavesNothing(fixture)
        }
    }

    /// The last lines of the server's containers' logs, for failure messages.
    func diagnostics(_ fixture: LocalFixture) async -> String {
        let docker = LocalHarness.docker
        var text = ""
        for container in (try? await docker.listContainers(all: true, filters: DockerFilters.labels(fixture.ownerLabels("posts")))) ?? [] {
            let logs = (try? await docker.logs(container.id, options: LogOptions(tail: 15))).map { $0.stdout + $0.stderr } ?? ""
            text += "--- \(container.name ?? container.id) (\(container.status))\n\(logs)\n"
        }
        return text
    }

    /// Every isolation setting of both plugin containers, as the engine reports them.
    func assertIsolation(_ fixture: LocalFixture) async throws {
        let docker = LocalHarness.docker
        let plugins = try await docker.listContainers(all: true, filters: DockerFilters.labels(fixture.ownerLabels("posts"))
            .label(LocalLabels.component, "plugin"))
        #expect(plugins.count == 2)
        let pluginNetwork = "\(fixture.options.plan.namePrefix)-default-posts-plugins"
        let network = try await docker.inspectNetwork(pluginNetwork)
        #expect(network.internal, "the plugin network has no route out")
        for summary in plugins {
            let details = try await docker.inspectContainer(summary.id)
            let host = details.hostConfig
            #expect(details.state.running)
            #expect(details.config.user == "65532:65532", "non-root")
            #expect(host.readonlyRootfs == true)
            #expect(host.tmpfs?["/tmp"] != nil, "a tmpfs /tmp")
            #expect(host.capDrop == ["ALL"])
            #expect((host.capAdd ?? []).isEmpty)
            #expect(host.securityOpt?.contains("no-new-privileges:true") == true)
            #expect(!(host.securityOpt ?? []).contains { $0.hasPrefix("seccomp") }, "the default seccomp profile")
            #expect(host.privileged != true)
            #expect(host.pidsLimit == fixture.options.plan.pluginPidsLimit)
            #expect((host.portBindings ?? [:]).isEmpty, "nothing published")
            #expect(Array((details.networkSettings.networks ?? [:]).keys) == [pluginNetwork], "the internal network only")
            if summary.labels?[LocalLabels.plugin] == "text" {
                #expect(host.memory == 64 << 20)
                #expect(host.memorySwap == 64 << 20)
                #expect(host.nanoCpus == 500_000_000)
            } else {
                #expect(host.memory == fixture.options.plan.defaultPluginMemoryBytes)
                #expect(host.nanoCpus == fixture.options.plan.defaultPluginNanoCPUs)
            }
            // The engine agrees: the processes run as 65532 with no capabilities and no_new_privs.
            let probe = try await LocalHarness.probe(["/bin/busybox", "cat", "/proc/1/status"], hostConfig: HostConfig(networkMode: "none", pidMode: "container:\(details.id)"))
            let status = probe.1
            #expect(status.contains("NoNewPrivs:\t1"), "\(status)")
            #expect(status.contains("CapEff:\t0000000000000000"), "\(status)")
            #expect(status.contains("CapBnd:\t0000000000000000"), "\(status)")
            #expect(status.contains("Uid:\t65532\t65532\t65532\t65532"), "\(status)")
            #expect(status.contains("Seccomp:\t2"), "filter mode: the default profile: \(status)")
        }
    }

    /// From inside a plugin's network namespace: its own gateway and the server's gateway answer;
    /// a listener in a container on another network of this machine does not.
    func assertNetworkReach(_ fixture: LocalFixture) async throws {
        let docker = LocalHarness.docker
        let plugin = "\(fixture.options.plan.namePrefix)-default-posts-plugin-text"
        let inPlugin = HostConfig(networkMode: "container:\(plugin)")
        let own = try await LocalHarness.httpGet("127.0.0.1", 9090, "/healthz", hostConfig: inPlugin)
        #expect(own.contains("200 OK"), "the plugin's own gateway answers on loopback: \(own)")
        let gateway = try await docker.inspectContainer("\(fixture.options.plan.namePrefix)-default-posts-gateway-0")
        let gatewayAddress = try #require(gateway.networkSettings.networks?["\(fixture.options.plan.namePrefix)-default-posts-plugins"]?.ipAddress)
        let server = try await LocalHarness.httpGet(gatewayAddress, 9090, "/healthz", hostConfig: inPlugin)
        #expect(server.contains("200 OK"), "the server's gateway answers on the plugin network: \(server)")

        // A listener on a network of its own, which a container there reaches.
        let otherNetwork = "local-other-\(LocalHarness.runID)"
        try await docker.createNetwork(NetworkCreateRequest(name: otherNetwork, labels: LocalHarness.runLabel))
        defer { Task { try? await docker.removeNetwork(otherNetwork) } }
        let listener = try await docker.createContainer(
            name: "local-listener-\(LocalHarness.runID)",
            config: ContainerConfig(image: LocalHarness.probeImage, cmd: ["/bin/busybox", "httpd", "-f", "-p", "8000", "-h", "/www"],
                                    labels: LocalHarness.runLabel),
            hostConfig: HostConfig(), networkingConfig: .network(otherNetwork))
        defer { Task { try? await docker.removeContainer(listener.id, force: true) } }
        try await docker.startContainer(listener.id)
        let address = try #require(try await docker.inspectContainer(listener.id).networkSettings.networks?[otherNetwork]?.ipAddress)
        let control = try await LocalHarness.httpGet(address, 8000, "/", hostConfig: HostConfig(), network: .network(otherNetwork))
        #expect(control.contains("200 OK") && control.contains("listener"), "the listener answers on its own network: \(control)")
        let blocked = try await LocalHarness.httpGet(address, 8000, "/", hostConfig: inPlugin)
        #expect(!blocked.contains("200 OK") && !blocked.contains("listener"), "the plugin cannot reach a container on another network: \(blocked)")
        #expect(blocked.contains("exit 1"), "nc failed to connect: \(blocked)")
    }

    /// A killed plugin container is started again and the server is ready again.
    func assertKilledPluginIsReplaced(_ fixture: LocalFixture) async throws {
        let docker = LocalHarness.docker
        let plugin = "\(fixture.options.plan.namePrefix)-default-posts-plugin-words"
        let before = try await docker.inspectContainer(plugin)
        try await docker.killContainer(plugin)
        try await LocalHarness.eventually("the killed plugin running again") {
            let now = try await docker.inspectContainer(plugin)
            return now.state.running && now.state.startedAt != before.state.startedAt
        }
        try await LocalHarness.eventually("the restart counted in status") {
            let plugins = try fixture.server("posts")?.status?["plugins"]?.arrayValue ?? []
            return plugins.first { $0["name"] == "words" }?["restarts"]?.intValue == 1
        }
        try await waitReady(fixture, "posts")
        // Removed outright: re-created.
        try await docker.removeContainer(plugin, force: true)
        try await LocalHarness.eventually("the removed plugin re-created") {
            (try? await docker.inspectContainer(plugin))?.state.running == true
        }
        try await waitReady(fixture, "posts")
    }

    /// A policy change reaches both gateways (acks recorded) and both enforce it.
    /// The MCPPolicy's status as the store holds it.
    func policyStatus(_ fixture: LocalFixture, _ name: String) throws -> JSONValue? {
        try fixture.store.get(.policy, namespace: "default", name: name)?.status
    }

    func assertPolicyChangeIsEnforcedEverywhere(_ fixture: LocalFixture, url: String) async throws {
        var before = ""
        try await LocalHarness.eventually("MCPPolicy open has a version") {
            before = try policyStatus(fixture, "open")?["version"]?.stringValue ?? ""
            return !before.isEmpty
        }
        try fixture.apply(Self.policy("open", denied: ["delete_post", "text__reverse"]))
        var version = ""
        try await LocalHarness.eventually("PolicyApplied for the new version on both gateways") {
            guard let status = try fixture.server("posts")?.status,
                  let desired = status["policy"]?["desiredVersion"]?.stringValue else { return false }
            let acks = try fixture.store.policyAcks(namespace: "default", server: "posts")
            version = desired
            let applied = try fixture.condition("posts", "PolicyApplied")?["status"]?.stringValue == "True"
            return acks.count == 2 && acks.allSatisfy { $0.version == desired } && applied
        }
        #expect(version.hasPrefix("sha256:"))
        // The policy's own status: its new version, the one server it applies to fully acked.
        try await LocalHarness.eventually("MCPPolicy open Propagated at its new version") {
            guard let status = try policyStatus(fixture, "open") else { return false }
            let propagated = status["conditions"]?.arrayValue?.first { $0["type"] == "Propagated" }
            return status["version"]?.stringValue != before && status["serversTargeted"]?.intValue == 1
                && status["serversAcked"]?.intValue == 1 && propagated?["status"] == "True"
        }
        let ownStatus = try #require(try policyStatus(fixture, "open"))
        #expect(ownStatus["version"]?.stringValue?.hasPrefix("sha256:") == true)
        #expect(ownStatus["observedGeneration"]?.intValue == 2)
        #expect(ownStatus["lastPropagationTime"]?.stringValue != nil)
        let docker = LocalHarness.docker
        let gateways = try await docker.listContainers(filters: DockerFilters.labels(fixture.ownerLabels("posts")).label(LocalLabels.component, "gateway"))
        #expect(gateways.count == 2)
        for gateway in gateways {
            let details = try await docker.inspectContainer(gateway.id)
            let bindings = details.networkSettings.ports?["8080/tcp"] ?? nil
            let port = try #require(bindings?.first?.hostPort)
            #expect(bindings?.allSatisfy { $0.hostIp == "127.0.0.1" } == true, "published on loopback only")
            let admin = details.networkSettings.ports?["9090/tcp"] ?? nil
            #expect(admin?.allSatisfy { $0.hostIp == "127.0.0.1" } == true)
            let report = try await PythonClient.run("http://127.0.0.1:\(port)/mcp", calls: [
                ("delete_post", ["id": 1]), ("text__reverse", ["text": "abc"]), ("text__upper", ["text": "still"]),
            ])
            let tools = report["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(!tools.contains("delete_post") && !tools.contains("text__reverse"), "hidden by \(gateway.name ?? ""): \(tools)")
            let calls = report["calls"]?.arrayValue ?? []
            #expect(calls.count == 3)
            for call in calls.prefix(2) {
                let denied = call["error"]?.stringValue ?? (call["is_error"] == true ? call["text"]?.stringValue : nil) ?? ""
                #expect(denied.contains("no-destruction") || denied.lowercased().contains("denied"), "\(gateway.name ?? ""): \(call)")
            }
            #expect(calls.last?["text"] == "STILL")
        }
        _ = url
    }

    /// Deleting the server removes its containers, networks and volumes, then the object.
    func assertDeletionLeavesNothing(_ fixture: LocalFixture) async throws {
        #expect(try fixture.store.requestDeletion(.server, namespace: "default", name: "posts"))
        try await LocalHarness.eventually("the object removed from the store") { try fixture.server("posts") == nil }
        let docker = LocalHarness.docker
        let filters = DockerFilters.labels(fixture.ownerLabels("posts"))
        #expect(try await docker.listContainers(all: true, filters: filters).isEmpty)
        #expect(try await docker.listNetworks(filters: filters).isEmpty)
        #expect(try await docker.listVolumes(filters: filters).isEmpty)
        // As `docker ps -a` and `docker network ls` show them, by name.
        let prefix = fixture.options.plan.namePrefix
        let containers = try await runCommandAsync("/usr/bin/env", ["docker", "ps", "-a", "--format", "{{.Names}}"])
        #expect(!containers.contains(prefix), "\(containers)")
        let networks = try await runCommandAsync("/usr/bin/env", ["docker", "network", "ls", "--format", "{{.Name}}"])
        #expect(!networks.contains(prefix), "\(networks)")
        #expect(try fixture.store.policyAcks(namespace: "default", server: "posts").isEmpty)
    }
}
