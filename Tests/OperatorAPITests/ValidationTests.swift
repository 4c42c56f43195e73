import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine
import Testing

func server(_ spec: MCPServerSpec, name: String = "demo") -> MCPServer {
    MCPServer(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
}

@Suite struct ValidationTests {
    @Test func aFullServerIsValid() {
        #expect(fullServer.validate() == [])
    }

    @Test func httpTransportNeedsAPort() {
        let issues = server(MCPServerSpec(image: "s:1", transport: .streamableHTTP)).validate()
        #expect(issues.map(\.path) == ["spec.port"])
    }

    @Test func pluginsDefaultToHTTPAndNeedAPort() {
        let issues = server(MCPServerSpec(image: "s:1", plugins: [.init(name: "p", image: "p:1")])).validate()
        #expect(issues.map(\.path) == ["spec.plugins[0].port"])
    }

    @Test func duplicateAndInvalidPluginNamesAreNamed() {
        let spec = MCPServerSpec(image: "s:1", plugins: [
            .init(name: "text", image: "p:1", port: 1), .init(name: "text", image: "p:1", port: 2),
            .init(name: "Bad_Name", image: "p:1", port: 3),
        ])
        let issues = server(spec).validate()
        #expect(issues.map(\.path) == ["spec.plugins[1].name", "spec.plugins[2].name"])
        #expect(issues[0].reason.contains("duplicate"))
    }

    @Test func autoscalingBoundsAreChecked() {
        let issues = server(MCPServerSpec(image: "s:1", autoscaling: .init(minReplicas: 5, maxReplicas: 2))).validate()
        #expect(issues.map(\.path) == ["spec.autoscaling.maxReplicas"])
    }

    @Test func imageReferencesAreChecked() {
        for good in ["nginx", "nginx:1.25", "registry.local:5000/team/app:v1", "localhost/app", "app@sha256:" + String(repeating: "a", count: 64)] {
            #expect(server(MCPServerSpec(image: good)).validate() == [], "\(good) should be valid")
        }
        for bad in ["Nginx", "app:", "a b", "app@sha256:xyz", ":tag"] {
            #expect(server(MCPServerSpec(image: bad)).validate().map(\.path) == ["spec.image"], "\(bad) should be invalid")
        }
    }

    @Test func resourceQuantitiesAreChecked() {
        var spec = MCPServerSpec(image: "s:1")
        spec.resources = ResourceRequirements(limits: ["memory": Quantity("256Mi"), "cpu": Quantity("500m")], requests: ["cpu": Quantity("0.1")])
        #expect(server(spec).validate() == [])
        spec.resources = ResourceRequirements(limits: ["memory": Quantity("lots"), "cpu": Quantity("1e3")])
        #expect(server(spec).validate().map(\.path) == ["spec.resources.limits.memory"])
    }

    @Test func allowedOriginsAreOrigins() {
        var spec = MCPServerSpec(image: "s:1")
        spec.gateway = .init(allowedOrigins: ["https://app.example", "http://localhost:6274", "*"])
        #expect(server(spec).validate() == [])
        spec.gateway = .init(allowedOrigins: ["https://app.example/path", "app.example", "ftp://x"])
        #expect(server(spec).validate().map(\.path) == ["spec.gateway.allowedOrigins[0]", "spec.gateway.allowedOrigins[1]", "spec.gateway.allowedOrigins[2]"])
    }

    @Test func egressCIDRsAreChecked() {
        let spec = MCPServerSpec(image: "s:1", plugins: [.init(name: "p", image: "p:1", port: 1,
                                                               egress: .init(allow: [.init(cidr: "10.0.0.0/33", ports: [0])]))])
        #expect(server(spec).validate().map(\.path) == ["spec.plugins[0].egress.allow[0].cidr", "spec.plugins[0].egress.allow[0].ports[0]"])
    }

    @Test func namesMustBeShortDNSLabels() {
        #expect(server(MCPServerSpec(image: "s:1"), name: "UPPER").validate().map(\.path) == ["metadata.name"])
        #expect(server(MCPServerSpec(image: "s:1"), name: String(repeating: "a", count: 40)).validate().map(\.path) == ["metadata.name"])
        // The longest plugin name must still fit: "<server>-plugin-<20 characters>" is at most 63.
        #expect(server(MCPServerSpec(image: "s:1"), name: String(repeating: "a", count: 35)).validate().isEmpty)
        #expect(server(MCPServerSpec(image: "s:1"), name: String(repeating: "a", count: 36)).validate().map(\.path) == ["metadata.name"])
        // It names the server's Service: a DNS-1035 label, starting with a letter.
        let digit = server(MCPServerSpec(image: "s:1"), name: "1files").validate()
        #expect(digit.map(\.path) == ["metadata.name"])
        #expect(digit.first?.reason.contains("must start with a letter") == true)
    }

    @Test func validationErrorNamesTheObjectAndFields() {
        do {
            try server(MCPServerSpec(image: "", transport: .sse)).validateOrThrow()
            Issue.record("expected an error")
        } catch let error as ResourceValidationError {
            #expect(error.description.contains("MCPServer default/demo is invalid"))
            #expect(error.description.contains("spec.image: is required"))
            #expect(error.description.contains("spec.port"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func defaultsAreWrittenOut() {
        let defaulted = server(MCPServerSpec(image: "s:1", plugins: [.init(name: "p", image: "p:1", port: 1)])).withDefaults()
        #expect(defaulted.spec.transport == .stdio)
        #expect(defaulted.spec.replicas == 1)
        #expect(defaulted.spec.sessionAffinity == MCPServerSpec.SessionAffinity.none)
        #expect(defaulted.spec.plugins?.first?.transport == .streamableHTTP)
        #expect(defaulted.spec.plugins?.first?.path == "/mcp")
        let scaled = server(MCPServerSpec(image: "s:1", autoscaling: .init(maxReplicas: 3))).withDefaults()
        #expect(scaled.spec.replicas == nil)  // the HPA owns the count
        #expect(scaled.spec.autoscaling?.minReplicas == 1)
    }

    @Test func policyValidationUsesTheEngineAndNamesFields() {
        let policy = MCPPolicy(metadata: ObjectMeta(name: "p"), spec: PolicyDocument(network: .init(denyCIDRs: ["not-a-cidr"])))
        let paths = policy.validate().map(\.path)
        #expect(paths == ["spec.network.denyCIDRs[0]"])
    }

    @Test func serverDecodesFromTheYAMLShapeUsersWrite() throws {
        let json = #"{"apiVersion":"mcpoperator.io/v1alpha1","kind":"MCPServer","metadata":{"name":"time"},"spec":{"image":"mcp-time:dev","transport":"stdio","plugins":[{"name":"text","image":"p:1","port":8000,"egress":{"allow":[]}}]}}"#
        let decoded = try JSONDecoder().decode(MCPServer.self, from: Data(json.utf8))
        #expect(decoded.spec.plugins?.first?.name == "text")
        #expect(decoded.validate() == [])
    }
}
