import Foundation
import Testing
import TestSupport

@testable import MCPGateway

/// The `mcp-gateway` executable as the operator runs it: configured from environment variables,
/// booted from a policy file, stopped with SIGTERM.
@Suite("mcp-gateway executable", .serialized, .timeLimit(.minutes(2)))
struct ExecutableTests {
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcp-gateway").path
    }

    @Test func bootsFromEnvironmentServesAndStopsOnSIGTERM() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw TestFailure("\(Self.executable) is missing: run `swift build --product mcp-gateway` first")
        }
        let directory = try makeTemporaryDirectory()
        try "operator-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try #"{"defaultAction":"allow","authentication":{"allowAnonymous":true}}"#.write(toFile: directory + "/policy.json", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["MCP_GATEWAY_LISTEN"] = "127.0.0.1:0"
        environment["MCP_GATEWAY_ADMIN_LISTEN"] = "127.0.0.1:0"
        environment["MCP_GATEWAY_ADMIN_TOKEN_FILE"] = directory + "/token"
        environment["MCP_GATEWAY_POLICY"] = directory + "/policy.json"
        environment["MCP_GATEWAY_UPSTREAM_COMMAND"] = "python3 \(Harness.fixtures)/recording_server.py"
        environment["MCP_GATEWAY_WARM_POOL"] = "1"
        environment["MCP_GATEWAY_LOG_LEVEL"] = "warning"
        environment["MCP_GATEWAY_MAX_SESSIONS"] = "1"
        let gateway = try await PeerProcess.start(executable: Self.executable, arguments: [], environment: environment)
        defer { gateway.stop() }
        let ports = try JSONValue(parsing: gateway.firstLine)
        let port = Int(try #require(ports["port"]?.intValue))
        let admin = Int(try #require(ports["adminPort"]?.intValue))

        var ready = false
        for _ in 0..<100 where !ready {
            ready = try await TestHTTP.request(.GET, port: admin, path: "/readyz").status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready)
        let enforced = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer operator-token")])
        #expect(enforced.json?["version"]?.stringValue?.hasPrefix("sha256:") == true)

        let session = try await TestHTTP.initialize(port: port)
        // MCP_GATEWAY_MAX_SESSIONS=1: a second session is refused while the first is open.
        let second = try await TestHTTP.post(port: port, session: nil, body: SessionLimitTests.initialize)
        #expect(second.status == 503)
        #expect(second.header("retry-after") == "1")
        let pidAnswer = try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pid"}}"#)
        let pid = try #require(pidAnswer.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue.flatMap { Int32($0) })
        #expect(kill(pid, 0) == 0)
        // The upstream process ends with its session.
        _ = try await TestHTTP.request(.DELETE, port: port, path: "/mcp", headers: [("Mcp-Session-Id", session)])
        var gone = false
        for _ in 0..<50 where !gone {
            gone = kill(pid, 0) != 0
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)

        kill(gateway.process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while gateway.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!gateway.process.isRunning, "SIGTERM stops the gateway")
        if !gateway.process.isRunning { #expect(gateway.process.termination == .exited(0)) }
    }

    @Test func theAdminTokenFromTheEnvironmentIsHiddenFromTheStdioServer() async throws {
        // As in a pod: gateway and stdio server run as the same unprivileged user.
        let directory = try makeTemporaryDirectory()
        chmod(directory, 0o777)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"defaultAction":"allow","authentication":{"allowAnonymous":true}}"#.write(toFile: directory + "/policy.json", atomically: true, encoding: .utf8)
        // A copy of the binary that user can reach (the build folder may sit under /root).
        let executable = directory + "/mcp-gateway"
        try FileManager.default.copyItem(atPath: Self.executable, toPath: executable)
        chmod(executable, 0o755)
        // The upstream records what it can see of the token, then idles.
        let probe = """
            env > \(directory)/child-env
            if cat /proc/$PPID/environ >/dev/null 2>&1; then echo readable; else echo unreadable; fi > \(directory)/parent-environ
            exec cat
            """
        var environment = ProcessInfo.processInfo.environment
        environment["MCP_GATEWAY_ADMIN_TOKEN"] = "secret-from-the-environment"
        environment["MCP_GATEWAY_WARM_POOL"] = "1"
        environment["MCP_GATEWAY_LOG_LEVEL"] = "critical"
        let gatewayCommand = [executable, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--policy", directory + "/policy.json",
                              "--", "/bin/sh", "-c", probe]
        // Root may read anything: as root, both run as 65532; otherwise they already share a user.
        let asUser = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid", "65532", "--regid", "65532", "--clear-groups", "--"] : []
        let command = asUser + gatewayCommand
        let gateway = try await PeerProcess.start(executable: command[0], arguments: Array(command.dropFirst()), environment: environment)
        defer { gateway.stop() }
        let ports = try JSONValue(parsing: gateway.firstLine)
        let admin = Int(try #require(ports["adminPort"]?.intValue))
        // The token works on the admin API.
        let enforced = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy",
                                                  headers: [("Authorization", "Bearer secret-from-the-environment")])
        #expect(enforced.status == 200)
        let refused = try await TestHTTP.request(.GET, port: admin, path: "/admin/policy", headers: [("Authorization", "Bearer guess")])
        #expect(refused.status == 401)
        // The warm upstream has started and written what it saw.
        var seen: String?
        for _ in 0..<100 where seen == nil {
            seen = (try? String(contentsOfFile: directory + "/parent-environ", encoding: .utf8)).flatMap { $0.hasSuffix("\n") ? $0 : nil }
            if seen == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(seen == "unreadable\n", "the gateway's /proc/PID/environ was \(seen ?? "not checked")")
        let childEnvironment = (try? String(contentsOfFile: directory + "/child-env", encoding: .utf8)) ?? ""
        #expect(!childEnvironment.isEmpty)
        #expect(!childEnvironment.contains("MCP_GATEWAY_ADMIN_TOKEN"))
        #expect(!childEnvironment.contains("secret-from-the-environment"))
    }

    @Test func processesAStdioServerLeavesBehindAreReapedByTheGateway() async throws {
        // The server's command orphans a short-lived process (as npx and uvx leave grandchildren
        // behind): it must come to the gateway and, once ended, not stay a zombie.
        let gateway = try await PeerProcess.start(executable: Self.executable, arguments: [
            "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--pass-through", "--warm-pool", "1", "--log-level", "warning", "--",
            "sh", "-c", "(sleep 2 &); exec python3 \(Harness.fixtures)/recording_server.py"])
        defer { gateway.stop() }
        let pid = gateway.process.processIdentifier
        /// The gateway's children as (pid, state, command).
        func children() -> [(pid_t, String, String)] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
                guard let child = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 1, pid_t(fields[1]) == pid else { return nil }
                return (child, String(fields[0]), String(stat[stat.index(after: open)..<close]))
            }
        }
        var adopted = false
        for _ in 0..<150 where !adopted {
            adopted = children().contains { $0.2 == "sleep" }
            if !adopted { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(adopted, "the orphan came to the gateway: \(children())")
        // It ends after 2 s; the reaper looks every second.
        for _ in 0..<100 where children().contains(where: { $0.2 == "sleep" }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!children().contains { $0.2 == "sleep" }, "the orphan ended and was reaped: \(children())")
        #expect(children().filter { $0.1 == "Z" }.isEmpty, "no zombie child: \(children())")
    }

    @Test func passThroughServesAStdioPluginWithNoPolicyFile() async throws {
        // The command a Kubernetes stdio plugin runs: no policy file, no admin token.
        let gateway = try await PeerProcess.start(executable: Self.executable, arguments: [
            "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--pass-through", "--log-level", "warning", "--",
            "python3", "\(Harness.fixtures)/recording_server.py"])
        defer { gateway.stop() }
        let port = Int(try #require(try JSONValue(parsing: gateway.firstLine)["port"]?.intValue))
        let session = try await TestHTTP.initialize(port: port)
        let answer = try await TestHTTP.post(port: port, session: session,
                                             body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"k":1}}}"#)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.json?["result"]?["content"]?.arrayValue?.first?["text"] == #"{"k": 1}"#)
        let both = try await runProcessAsync(Self.executable, ["--pass-through", "--policy", "/dev/null", "--", "true"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("either --policy or --pass-through"), "\(both.stderr)")
    }

    @Test func refusesBadUpstreamSettingsWithOneLine() async throws {
        let directory = try makeTemporaryDirectory()
        try "not a certificate".write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--upstream-url", "ftp://127.0.0.1/mcp"], "unsupported upstream URL ftp://127.0.0.1/mcp"),
            (["--upstream-url", "http://127.0.0.1:1/mcp", "--plugin", "calc=unix:/tmp/x"], "unsupported upstream URL unix:/tmp/x"),
            (["--upstream-url", "https://127.0.0.1:1/mcp", "--upstream-ca-file", directory + "/missing.pem"], "cannot read \(directory)/missing.pem"),
            (["--upstream-url", "https://127.0.0.1:1/mcp", "--upstream-ca-file", directory + "/ca.pem"], "holds no PEM certificate"),
            (["--upstream-url", "http://127.0.0.1:1/mcp", "--max-sessions=-3"], "--max-sessions must be 0"),
            (["--upstream-url", "http://127.0.0.1:1/mcp", "--session-idle-timeout", "inf"], "--session-idle-timeout must be"),
            (["--upstream-url", "http://127.0.0.1:1/mcp", "--session-idle-timeout", "1e300"], "--session-idle-timeout must be"),
        ]
        for (arguments, expected) in cases {
            let output = try await onDedicatedThread { () -> (Int32, String) in
                let outcome = try runProcess(Self.executable, ["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"] + arguments)
                return (outcome.status, outcome.stderr)
            }
            #expect(output.0 != 0, "\(arguments)")
            #expect(output.1.contains(expected), "\(arguments): \(output.1)")
        }
    }

    @Test func refusesABadPolicyFileWithOneLine() throws {
        let directory = try makeTemporaryDirectory()
        try #"{"defaultAction":"sometimes"}"#.write(toFile: directory + "/policy.json", atomically: true, encoding: .utf8)
        let outcome = try runProcess(Self.executable, ["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                                                       "--policy", directory + "/policy.json", "--", "true"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("invalid policy"), "\(outcome.stderr)")
    }
}
