import Foundation
import SampleMCP
import Testing
import TestSupport

/// hack/images.sh against a real Docker engine: FROM scratch images of the debug binaries that run,
/// hold exactly the libraries `ldd` names, and whose /opt folder runs inside another image.
@Suite("offline images", .serialized)
struct ImageTests {
    typealias H = SampleHarness
    static let prefix = "mcp-operator"

    func docker(_ arguments: String...) async throws -> String {
        try await runCommandAsync("/usr/bin/env", ["docker"] + arguments)
    }

    /// Runs `body`, then `cleanup` whether `body` threw or not, and rethrows.
    func withCleanup(_ body: () async throws -> Void, cleanup: () async -> Void) async throws {
        let outcome: Result<Void, any Error>
        do { try await body(); outcome = .success(()) } catch { outcome = .failure(error) }
        await cleanup()
        try outcome.get()
    }

    /// Builds the images from the debug binaries under a tag of its own, runs `body`, removes them.
    func withImages(_ body: (String) async throws -> Void) async throws {
        do {
            _ = try await docker("version", "--format", "{{.Server.APIVersion}}")
        } catch {
            throw SampleTestFailure("no Docker engine answers; start one with hack/docker.sh (\(error))")
        }
        let tag = "sampletest-\(UUID().uuidString.prefix(8).lowercased())"
        try await withCleanup {
            try await runCommandAsync("/usr/bin/env", ["MCP_IMAGE_TAG=\(tag)", "bash", H.packageRoot + "/hack/images.sh", "--bin-path", H.binDirectory])
            try await body(tag)
        } cleanup: {
            for image in ["gateway", "operator", "sample-posts", "sample-text"] {
                _ = try? await docker("rmi", "-f", "\(Self.prefix)/\(image):\(tag)")
            }
        }
    }

    /// The file listing of an image's filesystem (`tar -tv` lines of `docker export`).
    func listing(_ image: String) async throws -> [String] {
        let container = try await docker("create", image).trimmingCharacters(in: .whitespacesAndNewlines)
        let archive = NSTemporaryDirectory() + "image-\(UUID().uuidString).tar"
        defer {
            try? FileManager.default.removeItem(atPath: archive)
        }
        do {
            _ = try await docker("export", "-o", archive, container)
        } catch {
            _ = try? await docker("rm", "-f", container)
            throw error
        }
        _ = try await docker("rm", "-f", container)
        return try await runCommandAsync("/usr/bin/env", ["tar", "-tvf", archive]).split(separator: "\n").map(String.init)
    }

    /// The names `ldd` resolves for a binary, plus the loader.
    func libraries(of binary: String) async throws -> Set<String> {
        let output = try await runCommandAsync("/usr/bin/env", ["ldd", binary])
        var names = Set<String>()
        for line in output.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 3, fields[1] == "=>", fields[2].hasPrefix("/") { names.insert(String(fields[0])) }
            if let first = fields.first, first.hasPrefix("/") { names.insert(String(first.split(separator: "/").last!)) }
        }
        return names
    }

    @Test func imagesAreFromScratchWithTheirLibrariesAndRun() async throws {
        try await withImages { tag in
            for (image, folder, product) in [("sample-text", "mcp-sample", "mcp-sample-text"), ("sample-posts", "mcp-sample", "mcp-sample-posts"),
                                             ("gateway", "mcp-gateway", "mcp-gateway")] {
                let name = "\(Self.prefix)/\(image):\(tag)"
                let config = try JSON(parsing: try await docker("image", "inspect", "--format", "{{json .Config}}", name))
                #expect(config["User"] == "65532:65532", "\(image)")
                let entrypoint = ["/opt/\(folder)/lib/ld-linux-x86-64.so.2", "--library-path", "/opt/\(folder)/lib", "/opt/\(folder)/bin/\(product)"]
                #expect(config["Entrypoint"] == .array(entrypoint.map(JSON.string)), "\(image)")
                #expect(config["Labels"]?["org.opencontainers.image.version"] == .string(tag))
                #expect(config["Labels"]?["org.opencontainers.image.title"] == .string("\(Self.prefix)/\(image)"))
                #expect(config["Labels"]?["org.opencontainers.image.revision"] != nil)

                let files = try await listing(name)
                // Only what the script put there, and what Docker adds to every container.
                let topLevel = Set(files.compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).last?.split(separator: "/").first.map(String.init) })
                let expected: Set<String> = image.hasPrefix("sample") ? ["etc", "home", "opt", "tmp", "usr"] : ["etc", "home", "opt", "tmp"]
                #expect(topLevel.subtracting([".dockerenv", "dev", "proc", "sys"]) == expected, "\(image): \(topLevel)")
                #expect(files.contains { $0.hasPrefix("drwxrwxrwt") && $0.hasSuffix(" tmp/") }, "\(image): /tmp is 1777")
                let shipped = Set(files.compactMap { line -> String? in
                    guard let path = line.split(separator: " ").last, path.hasPrefix("opt/\(folder)/lib/"), !path.hasSuffix("/") else { return nil }
                    return String(path.split(separator: "/").last!)
                })
                #expect(shipped == (try await libraries(of: H.binDirectory + "/" + product)), "\(image): exactly the libraries ldd names")
            }

            let text = try await H.exchange(path: "/usr/bin/env", arguments: ["docker", "run", "--rm", "-i", "\(Self.prefix)/sample-text:\(tag)"], [
                H.initialize(), H.call(id: 2, "upper", ["text": "from scratch"]),
            ])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(H.reply(1, in: text.replies)?["result"]?["serverInfo"]?["name"] == "mcp-sample-text")
            #expect(H.reply(2, in: text.replies)?["result"]?["content"]?.arrayValue?.first?["text"] == "FROM SCRATCH")

            // As local mode runs a container: read-only root, tmpfs /tmp, no capabilities.
            let posts = try await H.exchange(path: "/usr/bin/env", arguments: [
                "docker", "run", "--rm", "-i", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "\(Self.prefix)/sample-posts:\(tag)",
            ], [H.initialize(), H.call(id: 2, "create_post", ["title": "t", "body": "b"]), H.call(id: 3, "list_posts", [:])])
            #expect(posts.status == 0, "\(posts.stderr)")
            #expect(H.reply(3, in: posts.replies)?["result"]?["structuredContent"]?["total"] == 1, "\(posts.replies)")
            #expect(posts.stderr.contains("posts in /tmp/posts.sqlite"))

            let help = try await docker("run", "--rm", "\(Self.prefix)/gateway:\(tag)", "--help")
            #expect(help.contains("USAGE: mcp-gateway"))
            let operatorHelp = try await docker("run", "--rm", "\(Self.prefix)/operator:\(tag)", "--help")
            #expect(operatorHelp.contains("USAGE: mcp-operator"))
        }
    }

    @Test func gatewayFolderFromAVolumeWrapsTheSampleInItsImage() async throws {
        try await withImages { tag in
            let volume = "sampletest-gateway-\(tag)"
            let container = "sampletest-wrapped-\(tag)"
            let directory = try makeTemporaryDirectory(prefix: "sample-image")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try #"{"defaultAction":"deny","authentication":{"allowAnonymous":true},"roles":[{"name":"all","subjects":["*"],"allowTools":["*"],"denyTools":["reverse"]}]}"#
                .write(toFile: directory + "/policy.json", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/policy.json")
            _ = try await docker("volume", "create", volume)
            try await withCleanup {
                // An empty named volume mounted over an image path is filled with that path's content.
                _ = try await docker("run", "--rm", "-v", "\(volume):/opt/mcp-gateway", "\(Self.prefix)/gateway:\(tag)", "--help")
                // The sample image, which has no gateway, runs the gateway from the volume around its server.
                let gateway = try await PeerProcess.start(executable: "/usr/bin/env", arguments: [
                    "docker", "run", "--rm", "--name", container, "--network", "host", "--read-only", "--tmpfs", "/tmp",
                    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "-v", "\(volume):/opt/mcp-gateway:ro", "-v", "\(directory):/config:ro",
                    "--entrypoint", "/opt/mcp-gateway/lib/ld-linux-x86-64.so.2", "\(Self.prefix)/sample-text:\(tag)",
                    "--library-path", "/opt/mcp-gateway/lib", "/opt/mcp-gateway/bin/mcp-gateway",
                    "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--policy", "/config/policy.json",
                    "--log-level", "warning", "--", "/opt/mcp-sample/bin/mcp-sample-text",
                ], timeout: .seconds(60))
                defer { gateway.stop() }
                try await callThroughGateway(announcement: gateway.firstLine)
            } cleanup: {
                _ = try? await docker("rm", "-f", container)
                _ = try? await docker("volume", "rm", "-f", volume)
            }
        }
    }

    /// Calls the wrapped sample through the gateway with the Python SDK: one call allowed, one denied.
    func callThroughGateway(announcement: String) async throws {
        let ports = try JSON(parsing: announcement)
        let port = try #require(ports["port"]?.intValue)
        let admin = try #require(ports["adminPort"]?.intValue)
        try await runCommandAsync("/usr/bin/env", ["python3", "-c", """
            import time, urllib.request
            for _ in range(100):
                try:
                    if urllib.request.urlopen("http://127.0.0.1:\(admin)/readyz", timeout=2).status == 200: break
                except Exception: pass
                time.sleep(0.1)
            else: raise SystemExit("the gateway never became ready")
            """])
        let call = H.packageRoot + "/hack/quickstart/mcp_call.py"
        let url = "http://127.0.0.1:\(port)/mcp"
        let upper = try await runCommandAsync("/usr/bin/env", ["python3", call, url, "upper", #"{"text": "wrapped"}"#])
        #expect(upper.contains("tools: lower, slugify, upper, word_count"), "reverse is hidden by the policy: \(upper)")
        #expect(upper.contains("upper -> WRAPPED"))
        do {
            let denied = try await runCommandAsync("/usr/bin/env", ["python3", call, url, "reverse", #"{"text": "abc"}"#])
            Issue.record("reverse was not denied: \(denied)")
        } catch {
            #expect("\(error)".contains("exited 3"), "\(error)")
        }
    }
}
