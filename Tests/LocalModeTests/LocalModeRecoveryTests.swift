import DockerEngine
import Foundation
import KubeModel
import LocalMode
import LocalStore
import Testing
import TestSupport

/// What the controller does when things go wrong: a plugin over its memory limit, an image that
/// is not there, a container changed behind its back, a server deleted while it was stopped.
extension LocalEngineTests {
    typealias E2E = LocalEngineTests

    func pluginStatus(_ fixture: LocalFixture, _ server: String, _ plugin: String) throws -> JSONValue? {
        try fixture.server(server)?.status?["plugins"]?.arrayValue?.first { $0["name"]?.stringValue == plugin }
    }

    @Test func oomKilledPluginIsDegradedAndRestartedWithBackoffWhileTheServerRuns() async throws {
        try await withLocalController("oom") { fixture in
            try fixture.apply(E2E.policy("open"))
            try fixture.apply(E2E.server("hungry", replicas: 1, plugins: [
                ["name": "text", "image": .string(LocalHarness.textImage), "transport": "stdio"],
                ["name": "hog", "image": .string(LocalHarness.textImage), "transport": "stdio", "resources": ["limits": ["memory": "6Mi"]]],
            ]))
            try await LocalHarness.eventually("Degraded=True with reason OOMKilled") {
                let degraded = try fixture.condition("hungry", "Degraded")
                return degraded?["status"] == "True" && degraded?["reason"] == "OOMKilled"
            }
            let message = try fixture.condition("hungry", "Degraded")?["message"]?.stringValue ?? ""
            #expect(message.contains("plugin hog") && message.contains("137") && message.contains("OOMKilled"), "\(message)")
            try await LocalHarness.eventually("the hog waiting for its backoff") {
                try pluginStatus(fixture, "hungry", "hog")?["state"] == "restarting"
            }
            let hog = try #require(try pluginStatus(fixture, "hungry", "hog"))
            #expect((hog["restarts"]?.intValue ?? 0) >= 2, "\(hog)")
            #expect((hog["oomKills"]?.intValue ?? 0) >= 3, "\(hog)")
            #expect(hog["lastExitReason"] == "OOMKilled")
            #expect(hog["memoryLimitBytes"]?.intValue == 6 << 20)

            // The server keeps serving, with its healthy plugin.
            let status = try #require(try fixture.server("hungry")?.status)
            #expect(status["readyReplicas"]?.intValue == 1)
            let url = try #require(status["endpoint"]?.stringValue)
            let report = try await PythonClient.run(url, calls: [("text__upper", ["text": "alive"]), ("list_posts", [:])])
            let calls = report["calls"]?.arrayValue ?? []
            #expect(calls.first?["text"] == "ALIVE", "\(report)")
            #expect(calls.last?["is_error"] == false, "\(report)")
            try await LocalHarness.eventually("memory use of the healthy plugin sampled") {
                (try pluginStatus(fixture, "hungry", "text")?["memoryBytes"]?.intValue ?? 0) > 0
            }
            let events = try fixture.store.events(.server, namespace: "default", name: "hungry", limit: 50)
            #expect(events.contains { $0.reason == "OOMKilled" && $0.type == "Warning" }, "\(events)")
        }
    }

    @Test func missingImageIsAConditionNamingTheBuildCommand() async throws {
        try await withLocalController("image") { fixture in
            try fixture.apply(E2E.policy("open"))
            try fixture.apply(E2E.server("ghost", replicas: 1, plugins: [], image: "mcp-operator/not-built:\(LocalHarness.tag)"))
            try await LocalHarness.eventually("Ready=False with reason ImageNotFound") {
                try fixture.condition("ghost", "Ready")?["reason"] == "ImageNotFound"
            }
            let ready = try #require(try fixture.condition("ghost", "Ready"))
            #expect(ready["status"] == "False")
            #expect(ready["message"]?.stringValue?.contains("mcp-operator/not-built:\(LocalHarness.tag)") == true)
            #expect(ready["message"]?.stringValue?.contains("bash hack/images.sh") == true)
            #expect(try await LocalHarness.docker.listContainers(all: true, filters: .labels(fixture.ownerLabels("ghost"))).isEmpty)
        }
    }

    @Test func aNameTakenByAnotherInstanceIsReportedAndLeftAlone() async throws {
        let docker = LocalHarness.docker
        try await withLocalController("clash") { fixture in
            // Another local instance's plugin container with the name this server's plugin needs.
            let name = "\(fixture.options.plan.namePrefix)-default-clash-plugin-text"
            let labels = LocalHarness.runLabel.merging([LocalLabels.managedBy: LocalLabels.managerName, LocalLabels.instance: "someone-else",
                                                        LocalLabels.namespace: "default", LocalLabels.server: "clash"]) { $1 }
            let foreign = try await docker.createContainer(name: name, config: ContainerConfig(image: LocalHarness.probeImage,
                                                                                               cmd: ["/bin/busybox", "sleep", "300"], labels: labels))
            try fixture.apply(E2E.policy("open"))
            try fixture.apply(E2E.server("clash", replicas: 1, plugins: [["name": "text", "image": .string(LocalHarness.textImage), "transport": "stdio"]]))
            try await LocalHarness.eventually("Ready=False with reason NameInUse") {
                try fixture.condition("clash", "Ready")?["reason"] == "NameInUse"
            }
            let message = try #require(try fixture.condition("clash", "Ready")?["message"]?.stringValue)
            #expect(message.contains("container name \(name)"), "\(message)")
            #expect(message.contains("local instance \"someone-else\""), "\(message)")
            #expect(try await docker.inspectContainer(name).id == foreign.id, "the other instance's container is left alone")
            try await docker.removeContainer(foreign.id, force: true)
            try await LocalHarness.eventually("clash Ready=True once the name is free") {
                try fixture.condition("clash", "Ready")?["status"] == "True"
            }
        }
    }

    @Test func driftedContainerIsReplacedAndStaleObjectsOfADeletedServerAreRemovedAtStart() async throws {
        let docker = LocalHarness.docker
        try await withLocalController("drift") { fixture in
            try fixture.apply(E2E.policy("open"))
            try fixture.apply(E2E.server("drifty", replicas: 1, plugins: [["name": "text", "image": .string(LocalHarness.textImage), "transport": "stdio"]]))
            try await LocalHarness.eventually("drifty Ready=True") { try fixture.condition("drifty", "Ready")?["status"] == "True" }
            let name = "\(fixture.options.plan.namePrefix)-default-drifty-plugin-text"
            let original = try await docker.inspectContainer(name)
            // Someone loosens the plugin's limits in place (`docker update`).
            try await docker.updateContainer(name, ContainerResourceUpdate(memory: 512 << 20, memorySwap: 512 << 20, pidsLimit: 4096))
            #expect(try await docker.inspectContainer(name).hostConfig.memory == 512 << 20)
            try await LocalHarness.eventually("the drifted plugin replaced by one with the planned limits") {
                guard let now = try? await docker.inspectContainer(name) else { return false }
                return now.id != original.id && now.state.running && now.hostConfig.memory == original.hostConfig.memory
                    && now.hostConfig.pidsLimit == fixture.options.plan.pluginPidsLimit
            }
            try await LocalHarness.eventually("drifty Ready=True again") { try fixture.condition("drifty", "Ready")?["status"] == "True" }
        }
        // Objects of a server the store no longer has (deleted while no controller ran) are removed
        // by the next controller of the same instance.
        let directory = try makeTemporaryDirectory(prefix: "local-mode-orphans")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let labels = LocalHarness.runLabel.merging([LocalLabels.managedBy: LocalLabels.managerName, LocalLabels.instance: "test-\(LocalHarness.runID)-orphan",
                                                    LocalLabels.namespace: "default", LocalLabels.server: "gone"]) { $1 }
        let network = "mcpt\(LocalHarness.runID)-default-gone"
        try await docker.createNetwork(NetworkCreateRequest(name: network, labels: labels))
        _ = try await docker.createContainer(name: "\(network)-plugin-x",
                                             config: ContainerConfig(image: LocalHarness.probeImage, cmd: ["/bin/busybox", "sleep", "300"], labels: labels),
                                             networkingConfig: .network(network))
        let store = try LocalStateStore(directory: directory)
        let plan = LocalPlanOptions(gatewayImage: LocalHarness.gatewayImage, namePrefix: "mcpt\(LocalHarness.runID)",
                                    instance: "test-\(LocalHarness.runID)-orphan", extraLabels: LocalHarness.runLabel)
        let controller = LocalController(store: store, docker: docker, options: LocalControllerOptions(plan: plan))
        let task = Task { try await controller.run() }
        do {
            try await LocalHarness.eventually("the orphaned container and network removed") {
                let filters = DockerFilters.labels(labels)
                let containers = try await docker.listContainers(all: true, filters: filters)
                let networks = try await docker.listNetworks(filters: filters)
                return containers.isEmpty && networks.isEmpty
            }
        } catch {
            controller.stop()
            _ = await task.result
            throw error
        }
        controller.stop()
        _ = await task.result
    }
}
