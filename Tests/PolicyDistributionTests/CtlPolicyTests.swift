import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
import Testing
import TestSupport

@Suite("mcpctl policy push and status", .serialized)
struct CtlPolicyTests {
    static let open = #"{"defaultAction":"allow","authentication":{"allowAnonymous":true}}"#
    static let strict = #"{"defaultAction":"allow","authentication":{"allowAnonymous":true},"roles":[{"name":"all","subjects":["*"],"denyTools":["pid"]}]}"#

    @Test func pushAndStatusAgainstRunningGateways() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = directory + "/token"
        try "ctl-admin-token\n".write(toFile: token, atomically: true, encoding: .utf8)
        try Self.open.write(toFile: directory + "/open.json", atomically: true, encoding: .utf8)
        try Self.strict.write(toFile: directory + "/strict.json", atomically: true, encoding: .utf8)
        let (first, firstURL) = try await CtlPolicySupport.startGateway(policyFile: directory + "/open.json", tokenFile: token)
        defer { first.stop() }
        let (second, secondURL) = try await CtlPolicySupport.startGateway(policyFile: directory + "/open.json", tokenFile: token)
        defer { second.stop() }
        let openVersion = try await CtlPolicySupport.version(ofPolicyFile: directory + "/open.json")
        let strictVersion = try await CtlPolicySupport.version(ofPolicyFile: directory + "/strict.json")
        let gateways = ["--admin-url", firstURL, "--admin-url", secondURL, "--admin-token-file", token]

        let before = try await CtlPolicySupport.mcpctl(["policy", "status"] + gateways)
        #expect(before.status == 0, "\(before.stderr)")
        let beforeLines = before.stdout.split(separator: "\n").map(String.init)
        #expect(beforeLines.first?.hasPrefix("GATEWAY") == true)
        #expect(beforeLines.filter { $0.contains(String(openVersion.prefix(19))) }.count == 2, "\(before.stdout)")

        let pushed = try await CtlPolicySupport.mcpctl(["policy", "push", "-f", directory + "/strict.json"] + gateways)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.components(separatedBy: "pushed \(strictVersion) to ").count == 3, "\(pushed.stdout)")

        let dryRun = try await CtlPolicySupport.mcpctl(["policy", "push", "--dry-run", "-f", directory + "/open.json", "--admin-url", firstURL,
                                                        "--admin-token-file", token])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("as dry run to \(firstURL): enforcing \(strictVersion), dry run sha256:"), "\(dryRun.stdout)")

        let after = try await CtlPolicySupport.mcpctl(["policy", "status"] + gateways)
        #expect(after.status == 0, "\(after.stderr)")
        let rows = after.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let firstRow = try #require(rows.first { $0.first == firstURL })
        let secondRow = try #require(rows.first { $0.first == secondURL })
        #expect(firstRow[1] == String(strictVersion.prefix(19)))
        #expect(firstRow.contains { $0.hasPrefix("sha256:") && $0 != firstRow[1] }, "the dry-run column shows a version: \(firstRow)")
        #expect(secondRow[1] == String(strictVersion.prefix(19)))
        #expect(secondRow.last == "-", "no dry run on the second gateway: \(secondRow)")

        let cleared = try await CtlPolicySupport.mcpctl(["policy", "clear-dry-run", "--admin-url", firstURL, "--admin-token-file", token])
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(cleared.stdout.contains("enforcing \(strictVersion)\n"))

        second.stop()
        let lagging = try await CtlPolicySupport.mcpctl(["policy", "status"] + gateways)
        #expect(lagging.status == 1)
        #expect(lagging.stdout.contains(firstURL))
        #expect(lagging.stdout.split(separator: "\n").contains { $0.hasPrefix(secondURL) && $0.contains("could not read the policy") },
                "\(lagging.stdout)")
        #expect(lagging.stderr.contains("1 of 2 gateways could not be read"))

        let wrongToken = directory + "/wrong"
        try "nope".write(toFile: wrongToken, atomically: true, encoding: .utf8)
        let refused = try await CtlPolicySupport.mcpctl(["policy", "push", "-f", directory + "/strict.json", "--admin-url", firstURL,
                                                         "--admin-token-file", wrongToken])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(firstURL): could not push the policy (HTTP 401)"), "\(refused.stderr)")
    }

    @Test func statusFromTheClusterShowsEveryReplicaAndPolicy() async throws {
        let server = try await FakeAPIServer.start()
        defer { Task { await server.shutdown() } }
        server.register(MCPServer.resourceType, statusSubresource: true)
        server.register(MCPPolicy.resourceType, statusSubresource: true)
        let desired = "sha256:" + String(repeating: "ab", count: 32)
        let old = "sha256:" + String(repeating: "01", count: 32)
        let recent = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-30))
        try Self.seed(server, MCPServer.resourceType, name: "weather", namespace: "tools", spec: ["image": "weather:1"], status: [
            "replicas": 3,
            "conditions": [["type": "PolicyApplied", "status": "False", "reason": "Propagating",
                            "message": .string("2/3 replicas at \(desired.prefix(19))")]],
            "policy": [
                "desiredVersion": .string(desired),
                "replicas": [
                    ["name": "weather-7d9-a", "version": .string(desired), "ackedAt": .string(recent)],
                    ["name": "weather-7d9-b", "version": .string(desired), "ackedAt": .string(recent)],
                    ["name": "weather-7d9-c", "version": .string(old), "lastError": "connection refused"],
                ],
            ],
        ])
        try Self.seed(server, MCPServer.resourceType, name: "fresh", namespace: "tools", spec: ["image": "fresh:1"], status: nil)
        try Self.seed(server, MCPServer.resourceType, name: "elsewhere", namespace: "other", spec: ["image": "x:1"], status: nil)
        try Self.seed(server, MCPPolicy.resourceType, name: "baseline", namespace: "tools", spec: ["defaultAction": "deny"], status: [
            "version": .string(desired), "serversTargeted": 1, "serversAcked": 0, "lastPropagationTime": .string(recent),
            "conditions": [["type": "Valid", "status": "True"]],
        ])
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let kubeconfig = try server.writeKubeconfig(in: directory, namespace: "tools")

        let outcome = try await CtlPolicySupport.mcpctl(["policy", "status", "--kubeconfig", kubeconfig])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = outcome.stdout
        #expect(text.contains("MCPServer tools/weather: desired \(desired), 2/3 replicas acked"), "\(text)")
        #expect(text.contains("PolicyApplied=False Propagating: 2/3 replicas at"))
        let lines = text.split(separator: "\n").map(String.init)
        let lagging = try #require(lines.first { $0.contains("weather-7d9-c") })
        #expect(lagging.contains(String(old.prefix(19))) && lagging.contains("lagging") && lagging.contains("connection refused"))
        let current = try #require(lines.first { $0.contains("weather-7d9-a") })
        #expect(current.contains("current") && current.contains("s ago"))
        #expect(text.contains("MCPServer tools/fresh: desired -, 0/0 replicas acked\n  no policy status yet"))
        #expect(!text.contains("elsewhere"), "another namespace is not listed")
        let policy = try #require(lines.first { $0.hasPrefix("tools/baseline") })
        #expect(policy.split(separator: " ", omittingEmptySubsequences: true).prefix(4) == [
            "tools/baseline", Substring(desired.prefix(19)), "1", "0"])

        let one = try await CtlPolicySupport.mcpctl(["policy", "status", "--kubeconfig", kubeconfig, "-A", "elsewhere"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("MCPServer other/elsewhere"))
        #expect(!one.stdout.contains("weather"))

        let missing = try await CtlPolicySupport.mcpctl(["policy", "status", "--kubeconfig", kubeconfig, "nosuch"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("MCPServer tools/nosuch not found"))

        let unreachable = try server.writeKubeconfig(in: directory, namespace: "tools")
        await server.shutdown()
        let down = try await CtlPolicySupport.mcpctl(["policy", "status", "--kubeconfig", unreachable])
        #expect(down.status == 1)
        #expect(down.stderr.contains("reading MCPServers and MCPPolicies at \(server.baseURL) failed"), "\(down.stderr)")
    }

    private static func seed(_ server: FakeAPIServer, _ type: ResourceType, name: String, namespace: String, spec: JSONValue,
                             status: JSONValue?) throws {
        server.seed(type, ["apiVersion": .string(type.group + "/" + type.version), "kind": .string(type.kind),
                           "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec])
        guard let status else { return }
        try server.modify(type, namespace: namespace, name: name) { object in
            if case .object(var members) = object {
                members["status"] = status
                object = .object(members)
            }
        }
    }
}
