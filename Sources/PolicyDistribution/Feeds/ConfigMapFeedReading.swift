import Foundation
import KubeClient

/// Reads the text of a ConfigMap key, for feeds kept in ConfigMaps. The operator passes
/// `KubernetesConfigMapReader`; tests may pass a closure through `ClosureConfigMapReader`.
public protocol ConfigMapFeedReading: Sendable {
    /// The value of `key` in ConfigMap `namespace/name`: from `data`, or decoded from `binaryData`.
    /// - Throws: `FeedError` when the ConfigMap or the key does not exist or cannot be read.
    func value(namespace: String, name: String, key: String) async throws(FeedError) -> Data
}

/// Reads ConfigMaps through the Kubernetes API.
public struct KubernetesConfigMapReader: ConfigMapFeedReading {
    private let client: KubernetesClient

    /// A reader using `client`.
    public init(client: KubernetesClient) {
        self.client = client
    }

    public func value(namespace: String, name: String, key: String) async throws(FeedError) -> Data {
        let source = FeedIdentity.configMap(namespace: namespace, name: name, key: key).description
        let configMap: ConfigMap
        do {
            configMap = try await client.get(ConfigMap.self, name: name, namespace: namespace)
        } catch let error as KubernetesError where error.isNotFound {
            throw .notFound(source, "ConfigMap \(namespace)/\(name) does not exist")
        } catch {
            throw .notFound(source, "reading ConfigMap \(namespace)/\(name) failed: \(error)")
        }
        return try Self.value(of: configMap, key: key, source: source)
    }

    /// The key's value in a ConfigMap already read.
    static func value(of configMap: ConfigMap, key: String, source: String) throws(FeedError) -> Data {
        if let text = configMap.data?[key] { return Data(text.utf8) }
        if let encoded = configMap.binaryData?[key] {
            guard let data = Data(base64Encoded: encoded) else {
                throw .missingKey(source, "binaryData key \(key) is not valid base64")
            }
            return data
        }
        throw .missingKey(source, "ConfigMap \(configMap.metadata.namespace ?? "")/\(configMap.metadata.name ?? "") has no key \(key)")
    }
}

/// A reader backed by a closure.
public struct ClosureConfigMapReader: ConfigMapFeedReading {
    private let read: @Sendable (String, String, String) async throws(FeedError) -> Data

    /// A reader calling `read(namespace, name, key)`.
    public init(_ read: @escaping @Sendable (String, String, String) async throws(FeedError) -> Data) {
        self.read = read
    }

    public func value(namespace: String, name: String, key: String) async throws(FeedError) -> Data {
        try await read(namespace, name, key)
    }
}
