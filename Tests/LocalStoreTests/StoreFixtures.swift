import Foundation
import KubeModel
import LocalStore
import TestSupport

/// A store in a fresh temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: String
    let store: LocalStateStore

    init(busyTimeout: Duration = .seconds(5)) throws {
        directory = try makeTemporaryDirectory(prefix: "local-store")
        store = try LocalStateStore(directory: directory, busyTimeout: busyTimeout)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

/// An MCPServer manifest as JSON.
func serverJSON(_ name: String, image: String = "mcp-operator/sample-posts:dev", replicas: Int? = nil,
                labels: [String: String]? = nil, namespace: String? = nil) -> JSONValue {
    var metadata: JSONValue = ["name": .string(name)]
    if let labels { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
    if let namespace { metadata["namespace"] = .string(namespace) }
    var spec: JSONValue = ["image": .string(image)]
    if let replicas { spec["replicas"] = .number(Double(replicas)) }
    return ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "metadata": metadata, "spec": spec]
}

/// The problems of an apply that must fail validation.
func validationProblems(_ body: () throws -> Void) -> [String] {
    do {
        try body()
        return []
    } catch let error as InvalidManifestError {
        return error.problems.map(\.description)
    } catch {
        return ["unexpected: \(error)"]
    }
}
