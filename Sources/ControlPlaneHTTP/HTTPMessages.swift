import Foundation

/// One request for a control-plane endpoint (Kubernetes API, Docker Engine, a feed server).
public struct HTTPRequest: Sendable {
    /// The verb: GET, POST, PUT, PATCH, DELETE, HEAD.
    public var method: String
    /// The absolute URL. For a unix-socket transport the host part is ignored (use `http://localhost`).
    public var url: String
    /// Request headers, in order; names are case-insensitive.
    public var headers: HTTPHeaders
    /// The request body, sent with a Content-Length.
    public var body: Data?
    /// Total time allowed for a buffered request; nil takes the transport's default. Streams have
    /// no total limit (a watch may last hours); they use `idleTimeout` instead.
    public var timeout: Duration?
    /// For streams: give up when no byte arrived for this long, so a dead connection is noticed.
    public var idleTimeout: Duration?
    /// TLS settings for this request only (for example a client certificate from an exec plugin);
    /// nil uses the transport's.
    public var tls: TLSConfiguration?

    public init(method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil,
                timeout: Duration? = nil, idleTimeout: Duration? = nil, tls: TLSConfiguration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.tls = tls
    }
}

/// An ordered list of header fields with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields as received or added, in order.
    public private(set) var fields: [Field]

    /// One header field.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public init() { fields = [] }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// Appends a field, keeping any existing one of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name with one field.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        fields.append(Field(name: name, value: value))
    }

    /// The first value of the named field.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// A complete response, body buffered.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers of the final response (not of 1xx or redirects).
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A response whose body arrives as newline-delimited records while the transfer runs
/// (Kubernetes watches, Docker event and log streams).
public struct HTTPStreamResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body split at `\n` (a trailing `\r` removed, empty lines skipped). The sequence ends when
    /// the server ends the body and throws when the transfer fails. Ending the iteration, or
    /// cancelling the task that iterates, aborts the transfer.
    public var records: HTTPRecordStream

    public init(status: Int, headers: HTTPHeaders, records: HTTPRecordStream) {
        self.status = status
        self.headers = headers
        self.records = records
    }

    /// Reads the remaining records into one body, joined by newlines; for error responses.
    public func collectBody(limit: Int = 1 << 20) async throws -> Data {
        var body = Data()
        for try await record in records {
            if !body.isEmpty { body.append(0x0A) }
            body.append(record)
            if body.count >= limit { break }
        }
        return body
    }
}
