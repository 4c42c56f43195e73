import Foundation
import KubeClient
@testable import KubeTesting

/// Types and objects shared by the tests.
enum Fixture {
    static let configMaps = BuiltinTypes.configMaps
    static let deployments = BuiltinTypes.deployments
    static let namespaces = BuiltinTypes.namespaces
    static let mcpServers = ResourceType(group: "mcpoperator.io", version: "v1alpha1", plural: "mcpservers",
                                         kind: "MCPServer", namespaced: true)
    static let mcpScale = ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                           labelSelectorPath: ".status.selector")

    /// A core serving the built-in types and MCPServer (a custom resource with status and scale).
    static func core(historyLimit: Int = 1000) -> StoreCore {
        var core = StoreCore(historyLimit: historyLimit, now: { Date(timeIntervalSince1970: 1_700_000_000) })
        for registration in BuiltinTypes.registrations { core.register(registration) }
        core.register(RegisteredType(type: mcpServers, statusSubresource: true, scale: mcpScale, builtin: false,
                                     returnsDeletedObject: true, allowUnconditionalUpdate: false))
        return core
    }

    static func configMap(_ name: String, namespace: String = "default", data: [String: String] = [:],
                          labels: [String: String]? = nil) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name), "namespace": .string(namespace)]
        if let labels { metadata["labels"] = .object(labels.mapValues(JSONValue.string)) }
        return .object([
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(metadata),
            "data": .object(data.mapValues(JSONValue.string)),
        ])
    }

    static func mcpServer(_ name: String, namespace: String = "default", replicas: Int = 1, image: String = "mcp:1") -> JSONValue {
        [
            "apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["replicas": .number(Double(replicas)), "image": .string(image)],
        ]
    }

    static func ownerReference(to owner: JSONValue, blockOwnerDeletion: Bool = false) -> JSONValue {
        [
            "apiVersion": owner["apiVersion"] ?? "v1", "kind": owner["kind"] ?? "", "name": .string(owner.metadataName),
            "uid": .string(owner.metadataUID), "controller": true, "blockOwnerDeletion": .bool(blockOwnerDeletion),
        ]
    }

    static func json(_ value: JSONValue) -> Data {
        (try? value.data()) ?? Data()
    }
}

/// The error a throwing expression raised, as the fake server's error.
func apiError(_ body: () throws -> Void) -> FakeAPIError? {
    do {
        try body()
        return nil
    } catch {
        return error as? FakeAPIError
    }
}

extension StoreCore {
    /// The kinds of the events not yet published, in order (and takes them).
    mutating func takeEventKinds() -> [String] {
        takeUnpublished().map(\.kind.rawValue)
    }
}
