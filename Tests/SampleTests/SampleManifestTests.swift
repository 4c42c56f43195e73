import Foundation
import OperatorAPI
import PolicyEngine
import Testing

/// samples/local: the quickstart's resources are valid MCPServer and MCPPolicy objects that use
/// the images hack/images.sh builds, and the strict policy differs from the open one only by
/// denying the plugin's tools.
@Suite("local samples")
struct SampleManifestTests {
    static let folder = SampleHarness.packageRoot + "/samples/local"

    func objects(_ file: String) throws -> [ManifestObject] {
        let path = Self.folder + "/" + file
        return try ManifestDecoder.objects(in: try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    func policy(_ object: ManifestObject) throws -> PolicyDocument {
        let document = try PolicyDocument.decode(json: try (object.json["spec"] ?? [:]).data())
        try document.validateOrThrow()
        return document
    }

    @Test func quickstartIsAServerWithAPluginAndAPolicy() throws {
        let objects = try objects("quickstart.yaml")
        #expect(objects.map(\.kind) == ["MCPServer", "MCPPolicy"])
        let server = try ManifestDecoder.decode(MCPServer.self, from: objects[0])
        try server.validateOrThrow()
        #expect(server.spec.image == "mcp-operator/sample-posts:dev")
        #expect(server.spec.command == ["/opt/mcp-sample/bin/mcp-sample-posts"])
        #expect(server.spec.transport == .stdio)
        let plugins = server.spec.plugins ?? []
        #expect(plugins.map(\.name) == ["text"])
        #expect(plugins.first?.image == "mcp-operator/sample-text:dev")
        #expect(plugins.first?.command == ["/opt/mcp-sample/bin/mcp-sample-text"])
        #expect(server.spec.policyRefs == [objects[1].json["metadata"]?["name"]?.stringValue ?? ""])

        let open = try policy(objects[1])
        let role = try #require(open.roles?.first)
        #expect(role.allowTools == ["*"])
        #expect(role.denyTools == nil)
        #expect(open.authentication?.allowAnonymous == true)
    }

    @Test func strictPolicyReplacesTheQuickstartPolicyAndDeniesPluginTools() throws {
        let quickstart = try objects("quickstart.yaml")[1]
        let strictObjects = try objects("policy-strict.yaml")
        #expect(strictObjects.map(\.kind) == ["MCPPolicy"])
        let strict = strictObjects[0]
        #expect(strict.json["metadata"] == quickstart.json["metadata"], "same name and namespace, so apply replaces it")
        var strictDocument = try policy(strict)
        #expect(strictDocument.roles?.first?.denyTools == ["text__*"])
        strictDocument.roles?[0].denyTools = nil
        #expect(strictDocument == (try policy(quickstart)), "the only difference is the plugin's tools denied")
    }
}
