import DockerEngine
import Foundation
import Testing
import TestSupport

extension EngineTests {
    /// Tries `nc` from inside `client` to `host:8080` a few times (the server may still be
    /// starting); returns the answer, or nil when every attempt failed.
    func reach(_ client: String, _ host: String, attempts: Int = 10) async throws -> String? {
        for _ in 0..<attempts {
            let result = try await TestEngine.client.exec(client, command: ["/bin/busybox", "nc", "-w", "2", host, "8080"])
            if result.exitCode == 0, !result.stdout.isEmpty { return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// A server on port 8080 that answers every connection with `reply`.
    func startServer(_ cleanup: Cleanup, reply: String, network: String, alias: String? = nil) async throws -> String {
        let id = try await makeContainer(
            cleanup, command: ["/bin/busybox", "nc", "-ll", "-p", "8080", "-e", "/bin/busybox", "echo", reply],
            hostConfig: HostConfig(networkMode: network, readonlyRootfs: true, capDrop: ["ALL"], securityOpt: ["no-new-privileges"]),
            network: .network(network, aliases: alias.map { [$0] }))
        try await TestEngine.client.startContainer(id)
        return id
    }

    @Test func internalNetworkReachesItsPeersAndNothingElse() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let internalName = TestEngine.name("internal")
            let internalID = try await client.createNetwork(NetworkCreateRequest(
                name: internalName, internal: true, labels: TestEngine.labels(["net": "plugins"])))
            cleanup.network(internalID)
            let outsideName = TestEngine.name("server")
            cleanup.network(try await client.createNetwork(NetworkCreateRequest(name: outsideName, labels: TestEngine.labels([:]))))

            let details = try await client.inspectNetwork(internalName)
            #expect(details.id == internalID)
            #expect(details.internal == true)
            #expect(details.driver == "bridge")
            #expect(details.labels?["net"] == "plugins")
            let listed = try await client.listNetworks(filters: .label("mcp-operator.test.run", TestEngine.runID).label("net", "plugins"))
            #expect(listed.map(\.id).contains(internalID))

            _ = try await startServer(cleanup, reply: "pong-peer", network: internalName, alias: "peer")
            let other = try await startServer(cleanup, reply: "pong-other", network: outsideName)
            let otherAddress = try #require(try await client.inspectContainer(other).networkSettings.networks?[outsideName]?.ipAddress)
            #expect(!otherAddress.isEmpty)

            let probe = try await makeContainer(cleanup, command: ["/bin/busybox", "sleep", "300"],
                                                hostConfig: HostConfig(networkMode: internalName), network: .network(internalName))
            try await client.startContainer(probe)
            #expect(try await reach(probe, "peer") == "pong-peer")
            // A container on another network of this machine: nothing is forwarded out of the
            // internal network. (Engines before 28 still give its containers a default route to
            // the bridge, so the route table proves nothing; the connection attempt does.)
            #expect(try await reach(probe, otherAddress, attempts: 2) == nil)

            // Connected to the internal network too, the other server answers there by its alias.
            try await client.connectNetwork(internalName, container: other, aliases: ["other"])
            #expect(try await client.inspectNetwork(internalName).containers?[other] != nil)
            #expect(try await reach(probe, "other") == "pong-other")
            try await client.disconnectNetwork(internalName, container: other)
            #expect(try await reach(probe, "other", attempts: 2) == nil)
        }
    }

    @Test func volumesAreCreatedListedMountedAndRemoved() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let name = TestEngine.name("vol")
            let volume = try await client.createVolume(VolumeCreateRequest(name: name, labels: TestEngine.labels(["vol": "state"])))
            cleanup.volume(name)
            #expect(volume.name == name)
            #expect(volume.labels?["vol"] == "state")
            let listed = try await client.listVolumes(filters: .label("mcp-operator.test.run", TestEngine.runID).label("vol", "state"))
            #expect(listed.map(\.name) == [name])

            let mount = Mount.volume(name, at: "/data")
            // A new volume's root belongs to root; the writer runs as root (with no capabilities).
            let writer = try await makeContainer(cleanup, command: ["/bin/sh", "-c", "echo kept > /data/file"], user: "0",
                                                 hostConfig: HostConfig(mounts: [mount], capDrop: ["ALL"]))
            try await client.startContainer(writer)
            #expect(try await client.waitContainer(writer).statusCode == 0)
            let reader = try await makeContainer(cleanup, command: ["/bin/busybox", "cat", "/data/file"],
                                                 hostConfig: HostConfig(mounts: [.volume(name, at: "/data", readOnly: true)]))
            try await client.startContainer(reader)
            #expect(try await client.waitContainer(reader).statusCode == 0)
            #expect(try await client.logs(reader).stdout == "kept\n")
            #expect(try await client.inspectContainer(reader).mounts?.first?.name == name)

            let inUse = await #expect(throws: DockerError.self) { try await client.removeVolume(name) }
            #expect(inUse?.isConflict == true)
            try await client.removeContainer(writer)
            try await client.removeContainer(reader)
            try await client.removeVolume(name)
            #expect(try await client.listVolumes(filters: .label("mcp-operator.test.run", TestEngine.runID).label("vol", "state")).isEmpty)
        }
    }

    @Test func publishedPortAnswersOnLoopbackOnly() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let config = ContainerConfig(
                image: TestEngine.image, cmd: ["/bin/busybox", "nc", "-ll", "-p", "8080", "-e", "/bin/busybox", "echo", "pong-published"],
                labels: TestEngine.labels([:]), exposedPorts: ["8080/tcp"])
            let host = HostConfig(portBindings: ["8080/tcp": [PortBinding(hostIp: "127.0.0.1", hostPort: "")]],
                                  readonlyRootfs: true, capDrop: ["ALL"])
            let id = try await client.createContainer(name: TestEngine.name("port"), config: config, hostConfig: host).id
            cleanup.container(id)
            try await client.startContainer(id)
            let binding = try #require(try await client.inspectContainer(id).networkSettings.ports?["8080/tcp"]??.first)
            #expect(binding.hostIp == "127.0.0.1")
            let port = try #require(binding.hostPort.flatMap(Int.init))
            var answer = ""
            for _ in 0..<20 where answer.isEmpty {
                answer = (try? runCommand(TestEngine.busyboxPath, ["nc", "-w", "2", "127.0.0.1", String(port)])) ?? ""
                if answer.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "pong-published")
        }
    }
}
