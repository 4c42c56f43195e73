import ControlPlaneHTTP
import Foundation

/// One event of a watch.
public enum WatchEvent<T: Sendable>: Sendable {
    /// An object appeared (or, on a watch from no resourceVersion, already existed).
    case added(T)
    /// An object changed.
    case modified(T)
    /// An object was deleted; the value is its last state.
    case deleted(T)
    /// Nothing changed up to this resourceVersion; resume from it after a reconnect.
    case bookmark(resourceVersion: String)
    /// The server reported an error inside the stream (other than 410, which is thrown).
    case error(KubernetesStatus)
}

/// The events of one watch connection, decoded as they arrive. Iteration throws a
/// `KubernetesError` with `isGone` when the server says the resourceVersion is too old (the
/// caller must relist), a `KubernetesDecodingError` for a line that is not a valid event, and a
/// `TransportError` when the connection fails. It ends when the server closes the watch.
public struct WatchStream<T: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<T>
    let records: HTTPRecordStream
    let requestDescription: String
    let method: String
    let path: String

    public func makeAsyncIterator() -> Iterator {
        Iterator(records: records.makeAsyncIterator(), stream: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var records: HTTPRecordStream.AsyncIterator
        let stream: WatchStream<T>
        let decoder = JSONDecoder()

        public mutating func next() async throws -> WatchEvent<T>? {
            guard let line = try await records.next() else { return nil }
            let envelope: WatchEnvelope<T>
            do {
                envelope = try decoder.decode(WatchEnvelope<T>.self, from: line)
            } catch {
                throw KubernetesDecodingError(request: stream.requestDescription, typeName: "watch event of \(T.self)", error: error, data: line)
            }
            if case .error(let status) = envelope.event, status.code == 410 || status.reason == "Expired" || status.reason == "Gone" {
                throw KubernetesError(code: 410, status: status, method: stream.method, path: stream.path)
            }
            return envelope.event
        }
    }
}

/// A watch line: `{"type": ..., "object": ...}`, decoded by type so a BOOKMARK's partial object
/// and an ERROR's Status are not forced through the object type.
struct WatchEnvelope<T: Decodable & Sendable>: Decodable {
    let event: WatchEvent<T>

    private enum Keys: String, CodingKey { case type, object }
    private struct BookmarkObject: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": event = .added(try container.decode(T.self, forKey: .object))
        case "MODIFIED": event = .modified(try container.decode(T.self, forKey: .object))
        case "DELETED": event = .deleted(try container.decode(T.self, forKey: .object))
        case "BOOKMARK":
            let object = try container.decode(BookmarkObject.self, forKey: .object)
            event = .bookmark(resourceVersion: object.metadata?.resourceVersion ?? "")
        case "ERROR": event = .error(try container.decode(KubernetesStatus.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown watch event type \(type.debugDescription)")
        }
    }
}

extension KubernetesClient {
    /// Opens a watch. Returns once the server accepted it; events then stream until the server's
    /// timeout, a failure, or the caller stops iterating (which closes the connection).
    public func watch<T: Decodable & Sendable>(_ resource: ResourceType, namespace: String? = nil, allNamespaces: Bool = false,
                                               options: WatchOptions = WatchOptions(), as type: T.Type) async throws -> WatchStream<T> {
        let path = resource.collectionPath(namespace: allNamespaces ? nil : namespaceFor(resource, namespace))
        var refreshed = false
        while true {
            let request = try await makeRequest(method: "GET", path: path, query: options.queryItems, body: nil, contentType: nil,
                                                idleTimeout: options.idleTimeout)
            let started = ContinuousClock.now
            let response: HTTPStreamResponse
            do {
                response = try await transport.stream(request)
            } catch let error as TransportError {
                observer?(RequestRecord(method: "WATCH", path: path, code: nil, error: error.shortDescription, duration: .now - started))
                throw error
            }
            observer?(RequestRecord(method: "WATCH", path: path, code: response.status, error: nil, duration: .now - started))
            if (200..<300).contains(response.status) {
                return WatchStream(records: response.records, requestDescription: "GET \(path) (watch)", method: "GET", path: path)
            }
            let body = try await response.collectBody()
            if response.status == 401, !refreshed, let credentials = configuration.credentials {
                refreshed = true
                await credentials.invalidate()
                continue
            }
            throw KubernetesError.from(code: response.status, body: body, method: "GET", path: path)
        }
    }

    /// Opens a watch on a typed kind.
    public func watch<R: KubernetesResource>(_ type: R.Type, namespace: String? = nil, allNamespaces: Bool = false,
                                             options: WatchOptions = WatchOptions()) async throws -> WatchStream<R> {
        try await watch(R.resourceType, namespace: namespace, allNamespaces: allNamespaces, options: options, as: R.self)
    }
}
