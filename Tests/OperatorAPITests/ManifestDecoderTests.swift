import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine
import Testing

@Suite struct ManifestDecoderTests {
    @Test func readsSeveralDocumentsWithTheirLines() throws {
        let text = """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: time
        spec:
          image: mcp-time:dev
          replicas: 2
          command: ["python3", "-m", "mcp_server_time"]
        ---
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPPolicy
        metadata:
          name: strict
        spec:
          defaultAction: deny
          dryRun: false
        """
        let objects = try ManifestDecoder.objects(in: text, file: "demo.yaml")
        #expect(objects.map(\.kind) == ["MCPServer", "MCPPolicy"])
        #expect(objects.map(\.line) == [1, 10])
        let server = try ManifestDecoder.decode(MCPServer.self, from: objects[0])
        #expect(server.spec.replicas == 2)
        #expect(server.spec.command?.last == "mcp_server_time")
        let policy = try ManifestDecoder.decode(MCPPolicy.self, from: objects[1])
        #expect(policy.spec.defaultAction == .deny)
        #expect(policy.spec.dryRun == false)
    }

    @Test func quotedScalarsStayStrings() throws {
        let objects = try ManifestDecoder.objects(in: "kind: ConfigMap\ndata:\n  a: \"1\"\n  b: 'true'\n  c: yes-please\n", file: "f")
        #expect(objects[0].json[path: ["data", "a"]] == "1")
        #expect(objects[0].json[path: ["data", "b"]] == "true")
        #expect(objects[0].json[path: ["data", "c"]] == "yes-please")
    }

    @Test func malformedYAMLNamesFileLineAndColumn() {
        do {
            _ = try ManifestDecoder.objects(in: "kind: MCPServer\nspec:\n  plugins: [\n  - x\n", file: "broken.yaml")
            Issue.record("expected a YAML error")
        } catch let error as ManifestError {
            #expect(error.file == "broken.yaml")
            #expect(error.line != nil && error.column != nil)
            #expect(error.description.hasPrefix("broken.yaml:"))
            #expect(error.description.contains("invalid YAML"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func emptyDocumentsAreSkippedAsKubectlDoes() throws {
        let objects = try ManifestDecoder.objects(in: "kind: MCPServer\nmetadata: {name: a}\n---\n# only a comment\n---\n", file: "app.yaml")
        #expect(objects.count == 1)
    }

    @Test func nonFiniteNumbersAndDuplicateKeysNameTheirPlace() {
        for (text, line, fragment) in [("kind: MCPServer\nspec:\n  replicas: .inf\n", 3, ".inf is not a finite number"),
                                       ("kind: MCPServer\nspec:\n  image: a\n  image: b\n", nil as Int?, "the key \"image\" more than once")] {
            do {
                _ = try ManifestDecoder.objects(in: text, file: "app.yaml")
                Issue.record("accepted: \(text)")
            } catch let error as ManifestError {
                #expect(error.description.contains(fragment), "\(error)")
                if let line { #expect(error.line == line, "\(error)") } else { #expect(error.line != nil, "\(error)") }
                #expect(!error.description.contains("image: b\n"), "the message does not carry the file")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func wrongTypeNamesTheFieldPath() throws {
        let objects = try ManifestDecoder.objects(in: "kind: MCPServer\nmetadata: {name: x}\nspec:\n  image: i\n  plugins:\n  - name: p\n    image: q\n    port: eighty\n", file: "s.yaml")
        do {
            _ = try ManifestDecoder.decode(MCPServer.self, from: objects[0])
            Issue.record("expected a decoding error")
        } catch let error as ManifestError {
            #expect(error.field == "spec.plugins[0].port")
            #expect(error.description.contains("s.yaml:1: spec.plugins[0].port"))
        }
    }

    @Test func policyFilesAreDecodedStrictlyAndValidated() throws {
        let good = try ManifestDecoder.policyDocument(in: "{\"defaultAction\": \"allow\"}", file: "p.json")
        #expect(good.defaultAction == .allow)
        #expect(throws: ManifestError.self) {
            _ = try ManifestDecoder.policyDocument(in: "kind: MCPPolicy\nspec:\n  roles:\n  - name: r\n    denyTool: [x]\n", file: "typo.yaml")
        }
        do {
            _ = try ManifestDecoder.policyDocument(in: "kind: MCPPolicy\nspec:\n  network:\n    denyCIDRs: [10.0.0.0/33]\n", file: "bad.yaml")
            Issue.record("expected a validation error")
        } catch let error as ManifestError {
            #expect(error.description.contains("spec.network.denyCIDRs[0]"))
        }
    }
}
