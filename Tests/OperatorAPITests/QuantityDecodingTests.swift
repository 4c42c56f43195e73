import Foundation
import KubeModel
import OperatorAPI
import Testing

/// A custom resource keeps what its author wrote, and the CRD allows `cpu: 2`: an MCPServer read
/// back from the API server may carry bare numbers where quantities go.
@Suite struct QuantityDecodingTests {
    @Test func numbersAndStringsDecodeAsQuantitiesAndEncodeAsStrings() throws {
        let json = #"""
        {"apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer",
         "metadata": {"name": "files", "namespace": "default"},
         "spec": {"image": "example.com/files:1",
                  "resources": {"limits": {"cpu": 2, "memory": "128Mi"}, "requests": {"cpu": 0.5}}}}
        """#
        let server = try JSONDecoder().decode(MCPServer.self, from: Data(json.utf8))
        #expect(server.spec.resources?.limits?["cpu"] == "2")
        #expect(server.spec.resources?.limits?["memory"] == "128Mi")
        #expect(server.spec.resources?.requests?["cpu"] == "0.5")

        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(server.spec.resources)) as? [String: [String: Any]]
        #expect(encoded?["limits"]?["cpu"] as? String == "2")
        #expect(encoded?["requests"]?["cpu"] as? String == "0.5")
    }

    @Test func somethingElseIsStillAnError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Quantity.self, from: Data(#"{"cpu": 1}"#.utf8))
        }
    }
}
