import Foundation

/// One request the fake server received, recorded before any fault injection or handling, so
/// tests can assert the exact calls a client or a reconcile made.
public struct RecordedRequest: Sendable, Hashable {
    /// The HTTP method, such as `GET` or `PATCH`.
    public var method: String
    /// The URL path as sent (still percent-encoded), such as `/api/v1/namespaces/default/configmaps`.
    public var path: String
    /// The query parameters, percent-decoded (the last value wins when a name repeats).
    public var query: [String: String]
    /// The `Content-Type` header, when sent.
    public var contentType: String?
    /// The request body, when not empty.
    public var body: Data?
    /// The request headers with lowercased names (repeated headers joined by `, `).
    public var headers: [String: String]
    /// When the server received the request.
    public var timestamp: Date

    /// A recorded request.
    public init(method: String, path: String, query: [String: String] = [:], contentType: String? = nil,
                body: Data? = nil, headers: [String: String] = [:], timestamp: Date = Date()) {
        self.method = method
        self.path = path
        self.query = query
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.timestamp = timestamp
    }

    /// Whether this request changes state (anything but `GET`, `HEAD` and `OPTIONS`).
    public var isWrite: Bool { !["GET", "HEAD", "OPTIONS"].contains(method) }

    /// Whether this is a watch (`GET` with `watch=true` or `watch=1`).
    public var isWatch: Bool { method == "GET" && (query["watch"] == "true" || query["watch"] == "1") }

    /// The body as UTF-8 text, for assertions and failure messages.
    public var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}

/// The thread-safe log of received requests.
final class RequestRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [RecordedRequest] = []

    func append(_ request: RecordedRequest) {
        lock.lock()
        defer { lock.unlock() }
        log.append(request)
    }

    var all: [RecordedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        log.removeAll()
    }
}
