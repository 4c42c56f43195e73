import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import Testing

/// `mcpctl apply`, `get` and their errors, as a real process against a temporary state directory.
@Suite struct CtlApplyGetTests {
    @Test func applyPrintsCreatedConfiguredUnchangedLikeKubectl() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML)
        let first = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "mcpserver.mcpoperator.io/posts created\nmcppolicy.mcpoperator.io/strict created\n")
        let again = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(again.stdout == "mcpserver.mcpoperator.io/posts unchanged\nmcppolicy.mcpoperator.io/strict unchanged\n")
        let scaled = try ctl.file("app.yaml", serverYAML.replacingOccurrences(of: "  policyRefs", with: "  replicas: 2\n  policyRefs"))
        let changed = try await ctl.run(["apply", "-f", scaled, "--no-controller"])
        #expect(changed.stdout == "mcpserver.mcpoperator.io/posts configured\n")
        let stored = try #require(try ctl.store().get(.server, namespace: "default", name: "posts"))
        #expect(stored.generation == 2)
    }

    @Test func getJSONShowsTheStoredObjectWithDefaults() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("posts.yaml", serverYAML)
        _ = try await ctl.run(["apply", "-f", file, "--no-controller"])
        let result = try await ctl.run(["get", "mcps", "posts", "-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONValue(parsing: Data(result.stdout.utf8))
        #expect(object["kind"] == "MCPServer")
        #expect(object["apiVersion"] == "mcpoperator.io/v1alpha1")
        #expect(object[path: ["metadata", "generation"]] == 1)
        #expect(object[path: ["metadata", "namespace"]] == "default")
        #expect(object[path: ["spec", "transport"]] == "stdio")
        #expect(object[path: ["spec", "replicas"]] == 1)
        #expect(object[path: ["spec", "plugins"]]?.arrayValue?.first?["path"] == "/mcp")

        let list = try await ctl.run(["get", "mcpservers", "-o", "json"])
        let items = try JSONValue(parsing: Data(list.stdout.utf8))
        #expect(items["kind"] == "List")
        #expect(items["items"]?.arrayValue?.count == 1)
        let yaml = try await ctl.run(["get", "mcpserver/posts", "-o", "yaml"])
        #expect(yaml.stdout.hasPrefix("apiVersion: mcpoperator.io/v1alpha1\nkind: MCPServer\n"))
    }

    @Test func appliesFoldersAndStandardInput() async throws {
        let ctl = try Ctl()
        _ = try ctl.file("manifests/10-posts.yaml", serverYAML)
        _ = try ctl.file("manifests/20-policy.yml", policyYAML)
        _ = try ctl.file("manifests/README.md", "not a manifest")
        let folder = try await ctl.run(["apply", "-f", ctl.root + "/manifests", "--no-controller"])
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stdout == "mcpserver.mcpoperator.io/posts created\nmcppolicy.mcpoperator.io/strict created\n")
        let piped = try await ctl.run(["apply", "-f", "-", "--no-controller"], stdin: serverYAML.replacingOccurrences(of: "name: posts", with: "name: other"))
        #expect(piped.stdout == "mcpserver.mcpoperator.io/other created\n")
        let bare = try await ctl.run(["get", "mcps", "--no-headers"])
        #expect(bare.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) } == ["other", "posts"])
        let names = try await ctl.run(["get", "mcps", "-o", "name"])
        #expect(names.stdout == "mcpserver.mcpoperator.io/other\nmcpserver.mcpoperator.io/posts\n")
    }

    @Test func malformedYAMLNamesFileLineAndColumn() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("broken.yaml", "apiVersion: mcpoperator.io/v1alpha1\nkind: MCPServer\nmetadata:\n  name: [posts\nspec: {}\n")
        let result = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):"))
        let location = try #require(result.stderr.firstMatch(of: /broken\.yaml:(\d+):(\d+): invalid YAML/))
        #expect(Int(location.1)! >= 4)
        let stored = try ctl.store().list(.server, namespace: nil)
        #expect(stored.isEmpty)
    }

    @Test func aFileThatIsNotUTF8IsRefusedAtItsFirstBadByte() async throws {
        let ctl = try Ctl()
        let path = ctl.root + "/latin1.yaml"
        var bytes = Array("apiVersion: mcpoperator.io/v1alpha1\nkind: MCPServer\nmetadata:\n  name: posts\nspec:\n  image: caf".utf8)
        bytes += [0xE9, 0x0A]  // "é" in Latin-1: not UTF-8
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try await ctl.run(["apply", "-f", path, "--no-controller"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):6:13: the file is not UTF-8"), "\(result.stderr)")
        #expect(try ctl.store().list(.server, namespace: nil).isEmpty, "nothing stored with a replacement character")
    }

    @Test func aFolderLinkedFromBelowIsReadOnce() async throws {
        let ctl = try Ctl()
        _ = try ctl.file("manifests/posts.yaml", serverYAML)
        try FileManager.default.createSymbolicLink(atPath: ctl.root + "/manifests/loop", withDestinationPath: ctl.root + "/manifests")
        let result = try await ctl.run(["apply", "-f", ctl.root + "/manifests", "-R", "--no-controller"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "mcpserver.mcpoperator.io/posts created\n", "each object once")
    }

    @Test func schemaErrorsNameFileLineColumnAndFieldPath() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("bad.yaml", """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: posts
        spec:
          image: mcp-operator/sample-posts:dev
          replica: 2
          plugins:
          - name: text
            image: mcp-operator/sample-text:dev
            port: 70000
        """)
        let result = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):7:3: spec.replica: unknown field (MCPServer default/posts)"), "\(result.stderr)")
        #expect(result.stderr.contains("\(file):11:5: spec.plugins[0].port: must be between 1 and 65535 (MCPServer default/posts)"), "\(result.stderr)")
        #expect(try ctl.store().list(.server, namespace: nil).isEmpty)
    }

    @Test func typeErrorsNameTheObjectAndTheTypeAsYAMLSaysIt() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("types.yaml", """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: posts
        spec:
          image: mcp-operator/sample-posts:dev
          env: {NAME: value}
        """)
        let result = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):7:"), "\(result.stderr)")
        #expect(result.stderr.contains("spec.env: expected a list (MCPServer default/posts)"), "\(result.stderr)")
        #expect(!result.stderr.contains("Array<"), "no Swift type names: \(result.stderr)")
    }

    @Test func policyValidateNamesEachProblemsLineColumnAndObject() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("policy.yaml", """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPPolicy
        metadata:
          name: strict
        spec:
          defaultAction: deny
          roles:
          - name: everyone
            allowTools: ["a[b"]
        """)
        let result = try await ctl.run(["policy", "validate", "-f", file], withState: false)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):9:"), "the line of the bad glob: \(result.stderr)")
        #expect(result.stderr.contains("spec.roles[0].allowTools[0]"), "\(result.stderr)")
        #expect(result.stderr.contains("(MCPPolicy default/strict)"), "\(result.stderr)")
        let bare = try ctl.file("bare.yaml", "defaultAction: deny\nroles:\n- name: r\n  allowTools: [\"a[b\"]\n")
        let bareResult = try await ctl.run(["policy", "validate", "-f", bare], withState: false)
        #expect(bareResult.stderr.contains("\(bare):4:"), "\(bareResult.stderr)")
        #expect(bareResult.stderr.contains(": roles[0].allowTools[0]"), "no leading dot: \(bareResult.stderr)")
    }

    @Test func invalidPoliciesAreRejectedWithTheEnginesFieldPaths() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("policy.yaml", policyYAML + "\n  network:\n    denyCIDRs: [10.0.0.0/33]\n")
        let result = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):8:"), "\(result.stderr)")
        #expect(result.stderr.contains("spec.network.denyCIDRs[0]"), "\(result.stderr)")
    }

    @Test func unknownKindsAndMissingFilesAreClearErrors() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
        let kind = try await ctl.run(["apply", "-f", file, "--no-controller"])
        #expect(kind.status == 1)
        #expect(kind.stderr.contains("\(file):2:1: kind: no matches for kind \"Deployment\" in version \"apps/v1\""), "\(kind.stderr)")
        let missing = try await ctl.run(["apply", "-f", ctl.root + "/nowhere.yaml", "--no-controller"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the path \"\(ctl.root)/nowhere.yaml\" does not exist"))
        let type = try await ctl.run(["get", "pods"])
        #expect(type.status != 0)
        #expect(type.stderr.contains("doesn't have a resource type \"pods\""))
        let absent = try await ctl.run(["get", "mcps", "ghost"])
        #expect(absent.status == 1)
        #expect(absent.stderr.contains("mcpserver.mcpoperator.io \"ghost\" not found"))
    }

    @Test func namespaceFlagAppliesAndFilters() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("posts.yaml", serverYAML)
        let applied = try await ctl.run(["apply", "-f", file, "-n", "team-a", "--no-controller"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try ctl.store().get(.server, namespace: "team-a", name: "posts") != nil)
        let inDefault = try await ctl.run(["get", "mcps"])
        #expect(inDefault.stdout.isEmpty)
        #expect(inDefault.stderr.contains("No resources found in default namespace."))
        let all = try await ctl.run(["get", "mcps", "-A"])
        #expect(all.stdout.hasPrefix("NAMESPACE   NAME    READY"))
        let other = try ctl.file("other.yaml", serverYAML.replacingOccurrences(of: "  name: posts", with: "  name: posts\n  namespace: team-b"))
        let mismatch = try await ctl.run(["apply", "-f", other, "-n", "team-a", "--no-controller"])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("does not match the namespace \"team-a\""))
    }

    @Test func tablesShowThePrinterColumnsWideFiguresAndGatewayAcks() async throws {
        let ctl = try Ctl()
        let file = try ctl.file("app.yaml", serverYAML + "\n---\n" + policyYAML)
        _ = try await ctl.run(["apply", "-f", file, "--no-controller"])
        let store = try ctl.store()
        try store.writeStatus(.server, namespace: "default", name: "posts", status: [
            "observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "endpoint": "http://127.0.0.1:18080/mcp",
            "conditions": [
                ["type": "Ready", "status": "True", "reason": "Ready", "message": "2/2 replicas ready", "lastTransitionTime": "2026-01-01T00:00:00Z"],
                ["type": "PolicyApplied", "status": "True", "reason": "Applied", "message": "2/2", "lastTransitionTime": "2026-01-01T00:00:00Z"],
            ],
            "policy": ["desiredVersion": "sha256:abc"],
            "plugins": [["name": "text", "ready": true, "restarts": 3, "oomKills": 1, "memoryBytes": 12_582_912, "cpuMillicores": 15,
                         "lastExitReason": "OOMKilled", "state": "running"]],
        ])
        try store.recordPolicyAck(PolicyAckRecord(namespace: "default", server: "posts", replica: "mcp-default-posts-gateway-0",
                                                  version: "sha256:abc", at: Date()))
        try store.recordPolicyAck(PolicyAckRecord(namespace: "default", server: "posts", replica: "mcp-default-posts-gateway-1",
                                                  version: "sha256:old", at: Date(), error: "rejected"))
        let table = try await ctl.run(["get", "mcps"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "READY", "REPLICAS", "ENDPOINT", "POLICY", "AGE"])
        #expect(lines.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true).prefix(5)
                == ["posts", "True", "2", "http://127.0.0.1:18080/mcp", "2/2"])
        let wide = try await ctl.run(["get", "mcps", "-o", "wide"])
        let wideLines = wide.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(wideLines.first == ["NAME", "READY", "REPLICAS", "ENDPOINT", "POLICY", "PLUGINS", "RESTARTS", "OOM", "MEMORY", "CPU", "AGE"])
        #expect(wideLines.dropFirst().first?.dropLast() == ["posts", "True", "2", "http://127.0.0.1:18080/mcp", "2/2", "1/1", "3", "1", "12Mi", "15m"])
        let policies = try await ctl.run(["get", "mcpp"])
        let policyLines = policies.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(policyLines.first == ["NAME", "VERSION", "TARGETED", "ACKED", "GATEWAYS", "AGE"])
        #expect(policyLines.dropFirst().first?[4] == "1/2")
    }
}
