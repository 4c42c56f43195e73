import Foundation
import Testing
import TestSupport

/// `mcp-gateway --install-to DIR`, run from a folder laid out like the gateway image's
/// (`bin/mcp-gateway` and `lib/`): the pods' init container copies the gateway with it.
@Suite("mcp-gateway --install-to", .serialized)
struct InstallTests {
    /// Runs `executable` with `arguments` (and `environment` added to none) and returns its
    /// exit status and output, without blocking the cooperative pool.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandOutcome {
        try await runProcessAsync(executable, arguments, environment: environment)
    }

    /// A folder laid out like /opt/mcp-gateway: `bin/mcp-gateway` (a symlink to, or a copy of,
    /// the built binary) and `lib/` with a library, a link to it, a loader and a nested folder.
    static func makeInstallFolder(copyBinary: Bool) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: ExecutableTests.executable) else {
            throw TestFailure("\(ExecutableTests.executable) is missing: run `swift build --product mcp-gateway` first")
        }
        let root = try makeTemporaryDirectory(prefix: "mcp-install-source") + "/mcp-gateway"
        let files = FileManager.default
        try files.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try files.createDirectory(atPath: root + "/lib/extra", withIntermediateDirectories: true)
        if copyBinary {
            try files.copyItem(atPath: ExecutableTests.executable, toPath: root + "/bin/mcp-gateway")
        } else {
            try files.createSymbolicLink(atPath: root + "/bin/mcp-gateway", withDestinationPath: ExecutableTests.executable)
        }
        try Data("library".utf8).write(to: URL(fileURLWithPath: root + "/lib/libexample.so.1"))
        try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: root + "/lib/libexample.so.1")
        try files.createSymbolicLink(atPath: root + "/lib/libexample.so", withDestinationPath: "libexample.so.1")
        try Data("loader".utf8).write(to: URL(fileURLWithPath: root + "/lib/ld-example.so.2"))
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/lib/ld-example.so.2")
        try Data("nested".utf8).write(to: URL(fileURLWithPath: root + "/lib/extra/data"))
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: root + "/lib/extra/data")
        return root
    }

    static func permissions(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// Every file of the test layout arrived with its content and mode, the link as a link.
    static func expectCopied(from root: String, to destination: String) throws {
        let files = FileManager.default
        #expect(try files.contentsOfDirectory(atPath: destination).sorted() == ["bin", "lib"])
        #expect(try files.contentsOfDirectory(atPath: destination + "/lib").sorted()
            == ["extra", "ld-example.so.2", "libexample.so", "libexample.so.1"])
        for (file, mode) in [("lib/libexample.so.1", 0o644), ("lib/ld-example.so.2", 0o755), ("lib/extra/data", 0o600)] {
            #expect(files.contents(atPath: destination + "/" + file) == files.contents(atPath: root + "/" + file), "\(file)")
            #expect(try permissions(destination + "/" + file) == mode, "\(file)")
        }
        #expect(try files.destinationOfSymbolicLink(atPath: destination + "/lib/libexample.so") == "libexample.so.1")
    }

    @Test func copiesTheFolderAboveBinKeepingModesAndLinks() async throws {
        let root = try Self.makeInstallFolder(copyBinary: false)
        let destination = try makeTemporaryDirectory(prefix: "mcp-install-target")
        defer {
            try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
            try? FileManager.default.removeItem(atPath: destination)
        }
        // Started by its path in the folder (as the init container does): argv[0] names the
        // folder even though the binary is a symlink into .build.
        let outcome = try await Self.run(root + "/bin/mcp-gateway", ["--install-to", destination])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try Self.expectCopied(from: root, to: destination)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: destination + "/bin/mcp-gateway") == ExecutableTests.executable)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(event["event"] as? String == "installed")
        #expect(event["from"] as? String == root)
        #expect(event["to"] as? String == destination)

        // Run again into the filled folder (a restarted init container): files are replaced.
        try Data("stale".utf8).write(to: URL(fileURLWithPath: destination + "/lib/libexample.so.1"))
        let again = try await Self.run(root + "/bin/mcp-gateway", [], environment: ["MCP_GATEWAY_INSTALL_TO": destination])
        #expect(again.status == 0, "\(again.stderr)")
        try Self.expectCopied(from: root, to: destination)
    }

    @Test func findsItsFolderThroughProcSelfExeAndThroughTheLoader() async throws {
        let root = try Self.makeInstallFolder(copyBinary: true)
        let byPath = try makeTemporaryDirectory(prefix: "mcp-install-target")
        let byLoader = try makeTemporaryDirectory(prefix: "mcp-install-target")
        defer {
            try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
            try? FileManager.default.removeItem(atPath: byPath)
            try? FileManager.default.removeItem(atPath: byLoader)
        }
        // A PATH lookup: argv[0] is a bare name, so /proc/self/exe tells where the binary is.
        let looked = try await Self.run("/usr/bin/env", ["mcp-gateway", "--install-to", byPath], environment: ["PATH": root + "/bin"])
        #expect(looked.status == 0, "\(looked.stderr)")
        try Self.expectCopied(from: root, to: byPath)
        #expect(try Self.permissions(byPath + "/bin/mcp-gateway") == Self.permissions(root + "/bin/mcp-gateway"))
        #expect(try FileManager.default.attributesOfItem(atPath: byPath + "/bin/mcp-gateway")[.size] as? Int
            == FileManager.default.attributesOfItem(atPath: root + "/bin/mcp-gateway")[.size] as? Int)

        // Through the dynamic loader (the offline images' entrypoint): /proc/self/exe is the
        // loader, argv[0] the binary.
        let loader = try #require(["/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"].first {
            FileManager.default.fileExists(atPath: $0)
        })
        let loaded = try await Self.run(loader, [root + "/bin/mcp-gateway", "--install-to", byLoader])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        try Self.expectCopied(from: root, to: byLoader)
    }

    @Test func aMissingOrUnwritableFolderIsOneClearLine() async throws {
        let root = try Self.makeInstallFolder(copyBinary: true)
        let parent = try makeTemporaryDirectory(prefix: "mcp-install-target")
        defer {
            try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: parent + "/read-only")
            try? FileManager.default.removeItem(atPath: parent)
        }
        let binary = root + "/bin/mcp-gateway"
        let missing = try await Self.run(binary, ["--install-to", parent + "/missing"])
        #expect(missing.status != 0)
        #expect(missing.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            == "Error: --install-to \(parent)/missing: No such file or directory (the folder must exist)")

        try Data().write(to: URL(fileURLWithPath: parent + "/file"))
        let file = try await Self.run(binary, ["--install-to", parent + "/file"])
        #expect(file.status != 0)
        #expect(file.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: --install-to \(parent)/file: not a folder")

        // Into its own folder: the copy would copy itself without end.
        let inside = try await Self.run(binary, ["--install-to", root + "/lib"])
        #expect(inside.status != 0)
        #expect(inside.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            == "Error: --install-to \(root)/lib: that is inside the gateway's own install folder \(root)")

        // Read-only for the gateway's user; as root, the gateway runs as the pods' uid 65532
        // (root may write anywhere).
        try FileManager.default.createDirectory(atPath: parent + "/read-only", withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o555])
        let readOnly = getuid() == 0
            ? try await Self.run("/usr/bin/setpriv", ["--reuid=65532", "--regid=65532", "--clear-groups", binary, "--install-to", parent + "/read-only"])
            : try await Self.run(binary, ["--install-to", parent + "/read-only"])
        #expect(readOnly.status != 0)
        #expect(readOnly.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            == "Error: --install-to \(parent)/read-only: not writable: Permission denied")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent + "/read-only").isEmpty)
    }
}
