import ControlPlaneHTTP
import DockerEngine
import Foundation
import Testing

extension EngineTests {
    @Test func pingAndVersionNegotiatePrefixedAPIVersion() async throws {
        let client = TestEngine.client
        let ping = try await client.ping()
        #expect(ping.apiVersion != nil)
        let version = try await client.version()
        #expect(!version.version.isEmpty)
        let negotiated = try await client.apiVersion()
        #expect(negotiated == min(version.apiVersion, DockerAPIVersion.clientMaximum))
        #expect(negotiated >= DockerAPIVersion.clientMinimum)
        if let advertised = ping.apiVersion { #expect(advertised == version.apiVersion) }
    }

    @Test func pinnedVersionIsUsedWithoutNegotiation() async throws {
        let client = DockerClient(endpoint: TestEngine.client.endpoint, apiVersion: DockerAPIVersion(1, 41))
        #expect(try await client.apiVersion() == DockerAPIVersion(1, 41))
        _ = try await client.listContainers(filters: .label("mcp-operator.test.run", TestEngine.runID))
    }

    @Test func missingObjectsKeepTheEnginesMessage() async throws {
        let missing = "mcpop-test-missing-\(TestEngine.runID)"
        let container = await #expect(throws: DockerError.self) { try await TestEngine.client.inspectContainer(missing) }
        #expect(container?.isNotFound == true)
        #expect(container?.status == 404)
        #expect(container?.message.contains("No such container: \(missing)") == true)
        #expect(container?.method == "GET")
        #expect(container?.path.hasSuffix("/containers/\(missing)/json") == true)
        #expect(container?.path.hasPrefix("/v1.") == true)

        let image = await #expect(throws: DockerError.self) { try await TestEngine.client.inspectImage("\(missing):nope") }
        #expect(image?.isNotFound == true)
        #expect(image?.message.lowercased().contains("no such image") == true)

        let network = await #expect(throws: DockerError.self) { try await TestEngine.client.removeNetwork(missing) }
        #expect(network?.isNotFound == true)
    }

    @Test func createWithMissingImageIsNotFound() async throws {
        let error = await #expect(throws: DockerError.self) {
            _ = try await TestEngine.client.createContainer(config: ContainerConfig(image: "mcpop-test-absent-\(TestEngine.runID):x"))
        }
        #expect(error?.isNotFound == true)
        #expect(error?.message.contains("No such image") == true)
    }

    @Test func nameInUseIsConflict() async throws {
        try await withCleanup { cleanup in
            let name = TestEngine.name("dup")
            _ = try await makeContainer(cleanup, name: name, command: ["true"])
            let error = await #expect(throws: DockerError.self) { _ = try await makeContainer(cleanup, name: name, command: ["true"]) }
            #expect(error?.isConflict == true)
            #expect(error?.message.contains(name) == true)
        }
    }
}

@Suite struct UnreachableEngineTests {
    @Test func missingSocketNamesTheSocketAndHowToStartAnEngine() async throws {
        let path = "/tmp/mcpop-no-such-\(getpid()).sock"
        let client = DockerClient(endpoint: .unixSocket(path))
        let error = await #expect(throws: DockerError.self) { _ = try await client.ping() }
        #expect(error?.isEngineUnreachable == true)
        let text = error?.description ?? ""
        #expect(text.contains("unix://\(path)"))
        #expect(text.contains("sudo dockerd"))
        #expect(text.contains("systemctl start docker"))
        #expect(text.contains("does not exist"))
        // Every call, not just ping, says the same.
        let listing = await #expect(throws: DockerError.self) { _ = try await client.listContainers() }
        #expect(listing?.isEngineUnreachable == true)
    }
}
