import DockerEngine
import Foundation
import Testing
import TestSupport

/// The in-memory tar writer, read back by tar(1).
@Suite struct TarArchiveTests {
    @Test func tarReadsWhatTheWriterWrote() throws {
        let long = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 90) + ".txt"
        let archive = try TarArchive([
            .directory("config"), .file("config/token", Data("secret\n".utf8), mode: 0o440, uid: 65532, gid: 65532),
            .file(long, Data(repeating: 0x41, count: 1000)),
        ]).data()
        #expect(archive.count % 512 == 0)
        let directory = try makeTemporaryDirectory(prefix: "tar-test")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a.tar"
        try archive.write(to: URL(fileURLWithPath: path))
        let listing = try runCommand("/bin/tar", ["--numeric-owner", "-tvf", path])
        #expect(listing.contains("-r--r----- 65532/65532"), "\(listing)")
        #expect(listing.contains("config/token"), "\(listing)")
        #expect(listing.contains(long), "a path longer than 100 bytes goes through the ustar prefix: \(listing)")
        try runCommand("/bin/tar", ["-xf", path, "-C", directory])
        #expect(FileManager.default.contents(atPath: directory + "/config/token") == Data("secret\n".utf8))
        #expect(FileManager.default.contents(atPath: directory + "/" + long)?.count == 1000)
    }

    @Test func aPathThatCannotBeSplitIsRefusedByName() {
        let name = String(repeating: "x", count: 120)
        #expect(throws: DockerError.self) { _ = try TarArchive([.file(name, Data())]).data() }
    }
}

extension EngineTests {
    @Test func putArchiveFillsAVolumeThroughAReadOnlyContainerThatNeverRan() async throws {
        try await withCleanup { cleanup in
            let volume = TestEngine.name("vol")
            cleanup.volume(volume)
            let writer = try await makeContainer(cleanup, command: ["/bin/busybox", "true"],
                                                 hostConfig: HostConfig(mounts: [.volume(volume, at: "/config", labels: TestEngine.labels)],
                                                                        readonlyRootfs: true))
            let archive = try TarArchive([.directory("policy"), .file("policy/policy.json", Data("{}".utf8), mode: 0o444)]).data()
            try await TestEngine.client.putArchive(writer, path: "/config", archive: archive)
            let back = try await TestEngine.client.getArchive(writer, path: "/config/policy/policy.json")
            #expect(back.count >= 1024 && String(decoding: back, as: UTF8.self).contains("{}"))
            let reader = try await makeContainer(cleanup, command: ["/bin/busybox", "cat", "/c/policy/policy.json"],
                                                 hostConfig: HostConfig(mounts: [.volume(volume, at: "/c", readOnly: true)]))
            try await TestEngine.client.startContainer(reader)
            #expect(try await TestEngine.client.waitContainer(reader).statusCode == 0)
            #expect(try await TestEngine.client.logs(reader).stdout == "{}")
            // Outside a volume, the read-only root refuses it with the engine's message.
            await #expect(throws: DockerError.self) {
                try await TestEngine.client.putArchive(writer, path: "/tmp", archive: archive)
            }
        }
    }
}
