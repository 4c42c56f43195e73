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
}
