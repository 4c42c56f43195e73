import DockerEngine
import Foundation
import Testing

extension EngineTests {
    @Test func importedImageCarriesItsChanges() async throws {
        let image = try await TestEngine.client.inspectImage(TestEngine.image)
        #expect(image.id.hasPrefix("sha256:"))
        #expect(image.repoTags?.contains(TestEngine.image) == true)
        #expect(image.config?.user == "65534")
        #expect(image.config?.cmd == ["/bin/sh"])
        #expect(image.config?.labels?["mcp-operator.test.run"] == TestEngine.runID)
        let listed = try await TestEngine.client.listImages(filters: .label("mcp-operator.test.run", TestEngine.runID))
        #expect(listed.contains { $0.id == image.id })
    }

    @Test func exportedImageLoadsBackUnderItsTag() async throws {
        let client = TestEngine.client
        let copy = "mcp-operator-test/roundtrip:\(TestEngine.runID)"
        try await client.tagImage(TestEngine.image, repository: "mcp-operator-test/roundtrip", tag: TestEngine.runID)
        let original = try await client.inspectImage(copy)
        let archive = try await client.exportImage([copy])
        #expect(archive.count > 1_000_000)  // busybox is in it

        let removed = try await client.removeImage(copy)
        #expect(removed.contains { $0.untagged == copy })
        await #expect(throws: DockerError.self) { _ = try await client.inspectImage(copy) }

        let loaded = try await client.loadImage(archive: archive)
        #expect(loaded.contains(copy))
        #expect(try await client.inspectImage(copy).id == original.id)
        try await client.removeImage(copy)
    }

    @Test func loadingGarbageReportsTheEnginesError() async throws {
        let error = await #expect(throws: DockerError.self) {
            _ = try await TestEngine.client.loadImage(archive: Data("not a tar archive".utf8))
        }
        #expect(error?.message.isEmpty == false)
    }
}
