import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import TestSupport
import Testing
import TestPolling

/// `describe`, `delete`, `up`, `down`, `logs` and `controller run` as real processes. The test
/// plays the controller where one is needed: it holds the state directory's controller lock (so
/// mcpctl starts none) and writes status and removals through the store, as the controller does.
@Suite(.timeLimit(.minutes(2))) struct CtlLifecycleTests {
    /// Holds the controller lock of `ctl`'s state directory.
    func pretendController(_ ctl: Ctl) throws -> FileLock {
        try FileManager.default.createDirectory(atPath: ctl.state, withIntermediateDirectories: true)
        return try #require(try FileLock.tryLock(path: ctl.state + "/controller.lock"))
    }

    func readyStatus(port: Int) -> JSONValue {
        ["observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "endpoint": .string("http://127.0.0.1:\(port)/mcp"),
         "conditions": [["type": "Ready", "status": "True", "reason": "Ready", "message": "1/1 replicas ready",
                         "lastTransitionTime": "2026-01-01T00:00:00Z"]]]
    }

    @Test func describeShowsConditionsAcksPluginsAndEvents() async throws {
        let ctl = try Ctl()
        _ = try await ctl.run(["apply", "-f", try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML), "--no-controller"])
        let store = try ctl.store()
        var status = readyStatus(port: 18_081)
        status["policy"] = ["desiredVersion": "sha256:abc"]
        status["plugins"] = [["name": "text", "ready": false, "restarts": 4, "oomKills": 2, "lastExitReason": "OOMKilled", "lastExitCode": 137,
                              "state": "restarting", "memoryBytes": 1_048_576, "memoryLimitBytes": 67_108_864]]
        try store.writeStatus(.server, namespace: "default", name: "posts", status: status)
        try store.recordPolicyAck(PolicyAckRecord(namespace: "default", server: "posts", replica: "mcp-default-posts-gateway-0",
                                                  version: "sha256:abc", at: Date()))
        try store.recordEvent(.server, namespace: "default", name: "posts", type: "Warning", reason: "OOMKilled",
                              message: "plugin text exceeded its memory limit")
        let result = try await ctl.run(["describe", "mcps", "posts"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("Name:         posts"))
        #expect(text.contains("Endpoint:             http://127.0.0.1:18081/mcp"))
        #expect(text.contains(try #require(text.split(separator: "\n").first { $0.contains("Ready") && $0.contains("True") && $0.contains("1/1 replicas ready") })))
        #expect(text.split(separator: "\n").contains { $0.contains("mcp-default-posts-gateway-0") && $0.contains("sha256:abc") && $0.contains("yes") })
        #expect(text.split(separator: "\n").contains {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                == ["text", "false", "restarting", "4", "2", "OOMKilled", "(137)", "1Mi/64Mi", "<none>"]
        })
        #expect(text.split(separator: "\n").contains { $0.contains("Warning") && $0.contains("OOMKilled") && $0.contains("plugin text exceeded its memory limit") })

        let policy = try await ctl.run(["describe", "mcpp/strict"])
        #expect(policy.stdout.split(separator: "\n").contains { $0.contains("posts") && $0.contains("mcp-default-posts-gateway-0") && $0.contains("yes") })
    }

    @Test func deleteWaitsUntilTheControllerRemovedTheServer() async throws {
        let ctl = try Ctl()
        _ = try await ctl.run(["apply", "-f", try ctl.file("posts.yaml", serverYAML), "--no-controller"])
        let lock = try pretendController(ctl)
        defer { lock.unlock() }
        let store = try ctl.store()
        async let deletion = ctl.run(["delete", "mcps", "posts"])
        // The command marks the server, then waits for the controller's removal.
        try await eventually("mcpctl delete marks the server", timeout: .seconds(30)) {
            try store.get(.server, namespace: "default", name: "posts")?.deletionRequested == true
        }
        try store.remove(.server, namespace: "default", name: "posts")
        let result = try await deletion
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "mcpserver.mcpoperator.io \"posts\" deleted\n")
    }

    @Test func deleteWithoutWaitingMarksServersAndRemovesPolicies() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML)
        _ = try await ctl.run(["apply", "-f", file, "--no-controller"])
        let result = try await ctl.run(["delete", "-f", file, "--wait=false"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "mcpserver.mcpoperator.io \"posts\" deleted\nmcppolicy.mcpoperator.io \"strict\" deleted\n")
        let store = try ctl.store()
        #expect(try store.get(.server, namespace: "default", name: "posts")?.deletionRequested == true)
        #expect(try store.get(.policy, namespace: "default", name: "strict") == nil)
        let missing = try await ctl.run(["delete", "mcpp", "strict", "--wait=false"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Error from server (NotFound): mcppolicies.mcpoperator.io \"strict\" not found"))
        let ignored = try await ctl.run(["delete", "mcpp", "strict", "--ignore-not-found"])
        #expect(ignored.status == 0)
        for timeout in ["inf", "nan", "1e20", "99999999999999h"] {
            let refused = try await ctl.run(["delete", "mcps", "posts", "--timeout", timeout])
            #expect(refused.status != 0 && refused.stderr.contains("invalid duration \"\(timeout)\""), "\(timeout): \(refused.stderr)")
        }
    }

    @Test func withoutAnEngineCommandsNameTheSocketAndHowToStartOne() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("posts.yaml", serverYAML)
        let applied = try await ctl.run(["apply", "-f", file])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains(ctl.missingSocket))
        #expect(applied.stderr.contains("dockerd"))
        for arguments in [["up", "-f", file], ["delete", "mcps", "posts"], ["logs", "posts"], ["controller", "run"]] {
            let result = try await ctl.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(ctl.missingSocket), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("hack/docker.sh"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileLock.isHeld(path: ctl.state + "/controller.lock"))
    }

    @Test func onlyOneControllerRunsPerStateDirectory() async throws {
        let ctl = try Ctl()
        let lock = try pretendController(ctl)
        defer { lock.unlock() }
        let second = try await ctl.run(["controller", "run"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("a local controller already runs for \(ctl.state)"), "\(second.stderr)")
        let status = try await ctl.run(["controller", "status"])
        #expect(status.stdout.hasPrefix("running"))
    }

    @Test func upWaitsForReadinessAndPrintsTheEndpointAsPlainLinesOnAPipe() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML)
        let lock = try pretendController(ctl)
        defer { lock.unlock() }
        async let up = ctl.run(["up", "-f", file])
        let store = try ctl.store()
        try await eventually("mcpctl up applies the server", timeout: .seconds(30)) { try store.get(.server, namespace: "default", name: "posts") != nil }
        var progressing: JSONValue = ["observedGeneration": 1, "replicas": 1, "readyReplicas": 0,
                                      "conditions": [["type": "Ready", "status": "False", "reason": "Progressing",
                                                      "message": "waiting for the gateway", "lastTransitionTime": "2026-01-01T00:00:00Z"]]]
        try store.writeStatus(.server, namespace: "default", name: "posts", status: progressing)
        try await Task.sleep(for: .milliseconds(400))
        progressing = readyStatus(port: 18_082)
        try store.writeStatus(.server, namespace: "default", name: "posts", status: progressing)
        let result = try await up
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["mcpserver.mcpoperator.io/posts created", "mcppolicy.mcpoperator.io/strict created"])
        #expect(lines.contains { $0.hasPrefix("ready: posts: 1/1 replicas ready") })
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(lines.contains { $0.split(separator: " ", omittingEmptySubsequences: true) == ["posts", "http://127.0.0.1:18082/mcp"] })
    }

    @Test func upOnATerminalRedrawsItsProgressInColour() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("posts.yaml", serverYAML)
        let lock = try pretendController(ctl)
        defer { lock.unlock() }
        let up = try TerminalRun(ctl, ["up", "-f", file])
        defer { up.stop() }
        // The server turns ready only once mcpctl has drawn a frame with it still waiting (a cyan
        // spinner), however long mcpctl takes to get there.
        let drewWaiting = try await up.readOutput(until: "\u{1B}[36m", timeout: .seconds(60))
        #expect(drewWaiting, "no waiting frame within 60 s: \(up.output)")
        let store = try ctl.store()
        try store.writeStatus(.server, namespace: "default", name: "posts", status: readyStatus(port: 18_083))
        let status = try await up.exitStatus(within: .seconds(60))
        let stdout = up.output
        #expect(status == 0, "\(stdout)")
        // Lines are redrawn in place (cursor up, clear line), the spinner is cyan and the final mark green.
        #expect(stdout.contains("\u{1B}[1A\u{1B}[2K"))
        #expect(stdout.contains("\u{1B}[36m"))
        #expect(stdout.contains("\u{1B}[32m✓\u{1B}[0m posts: 1/1 replicas ready"))
        #expect(!stdout.contains("waiting: posts"))
        #expect(stdout.contains("http://127.0.0.1:18083/mcp"))
    }

    @Test func downDeletesEverythingAndWaitsForTheController() async throws {
        let ctl = try Ctl()
        _ = try await ctl.run(["apply", "-f", try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML), "--no-controller"])
        let lock = try pretendController(ctl)
        defer { lock.unlock() }
        async let down = ctl.run(["down"])
        let store = try ctl.store()
        try await eventually("mcpctl down marks the server", timeout: .seconds(30)) {
            try store.get(.server, namespace: "default", name: "posts")?.deletionRequested == true
        }
        #expect(try store.get(.policy, namespace: "default", name: "strict") == nil)
        try store.remove(.server, namespace: "default", name: "posts")
        let result = try await down
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("mcpserver.mcpoperator.io \"posts\" deleted"))
        #expect(try store.list(.server, namespace: nil).isEmpty)
    }
}
