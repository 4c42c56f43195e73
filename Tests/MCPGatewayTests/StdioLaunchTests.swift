import Logging
import Testing

@testable import MCPGateway

/// How a stdio upstream's command is found: without `/usr/bin/env`, which images built FROM scratch
/// do not carry.
@Suite struct StdioLaunchTests {
    let files: Set<String> = ["/opt/tools/bin/server", "/usr/bin/python3", "/usr/local/bin/python3"]

    @Test func aPathIsRunAsGiven() {
        let found = StdioTransport.resolveExecutable("/opt/tools/bin/server", searchPath: "/usr/bin") { files.contains($0) }
        #expect(found == "/opt/tools/bin/server")
    }

    @Test func aMissingPathIsRefused() {
        #expect(StdioTransport.resolveExecutable("/opt/tools/bin/other", searchPath: "/opt/tools/bin") { files.contains($0) } == nil)
    }

    @Test func aBareNameIsSearchedOnThePathInOrder() {
        #expect(StdioTransport.resolveExecutable("python3", searchPath: "/usr/local/bin:/usr/bin") { files.contains($0) } == "/usr/local/bin/python3")
        #expect(StdioTransport.resolveExecutable("python3", searchPath: "/usr/bin/:/usr/local/bin") { files.contains($0) } == "/usr/bin/python3")
        #expect(StdioTransport.resolveExecutable("python3", searchPath: "/sbin") { files.contains($0) } == nil)
    }

    @Test func anUnknownCommandFailsToStartWithItsName() async {
        let transport = StdioTransport(command: ["no-such-mcp-server-xyz"], environment: ["PATH": "/nonexistent"],
                                       logger: .init(label: "test"))
        await #expect { _ = try await transport.start() } throws: { error in
            "\(error)".contains("no-such-mcp-server-xyz") && "\(error)".contains("not found on PATH")
        }
    }

    /// The upstream reports its own signal state and descriptors as a notification, then waits.
    static let reporter = """
        blk=$(sed -n 's/^SigBlk:\\t//p' /proc/self/status); ign=$(sed -n 's/^SigIgn:\\t//p' /proc/self/status)
        fds=$(ls /proc/$$/fd | tr '\\n' ' ')
        printf '{"jsonrpc":"2.0","method":"report","params":{"blk":"%s","ign":"%s","fds":"%s"}}\\n' "$blk" "$ign" "$fds"
        exec cat >/dev/null
        """

    @Test func theUpstreamGetsAClearSignalStateAndOnlyItsPipes() async throws {
        let transport = StdioTransport(command: ["/bin/sh", "-c", Self.reporter], logger: .init(label: "test"))
        let messages = try await transport.start()
        var report: JSONRPCMessage?
        for await message in messages { report = message; break }
        await transport.close()
        let params = try #require(report?.params)
        // Signals 1-31 (32 and up are glibc's); a gateway thread blocks them all, and a child that
        // inherited that would ignore the SIGTERM that ends it.
        let blocked = params["blk"]?.stringValue.flatMap { UInt64($0, radix: 16) }.map { $0 & 0x7fff_ffff }
        let ignored = params["ign"]?.stringValue.flatMap { UInt64($0, radix: 16) }.map { $0 & 0x7fff_ffff }
        #expect(blocked == 0, "SigBlk \(params["blk"]?.stringValue ?? "?")")
        #expect(ignored == 0, "SigIgn \(params["ign"]?.stringValue ?? "?")")
        // Descriptors 0-2 and the one `ls` lists with (3); nothing of the gateway's.
        let descriptors = Set((params["fds"]?.stringValue ?? "").split(separator: " ").map(String.init))
        #expect(descriptors.isSubset(of: ["0", "1", "2", "3"]), "\(descriptors.sorted())")
    }
}
