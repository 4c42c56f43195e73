import ControlPlaneHTTP
import Foundation
import Logging

/// When and how often the client repeats a request the server could not serve.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The first backoff; it doubles per attempt, with jitter, up to `maxDelay`.
    public var initialDelay: Duration
    /// The longest backoff, and the cap on a server's Retry-After.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(10)) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    func delay(attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let base = initialDelay * (1 << min(attempt - 1, 20))
        let capped = min(base, maxDelay)
        let jitter = Double.random(in: 0.8...1.2)
        return capped * jitter
    }
}

/// A Kubernetes API client over the libcurl transport: typed and dynamic access to any resource,
/// list with paging, watch, create, update, server-side apply, patch, status and scale
/// subresources, delete. Idempotent requests are retried on 429 and 5xx with backoff and the
/// server's Retry-After; a 401 refreshes rotating credentials once.
public final class KubernetesClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: ClientConfiguration
    /// The user agent sent with every request.
    public let userAgent: String
    /// The retry policy for idempotent requests.
    public let retryPolicy: RetryPolicy
    let transport: HTTPTransport
    let logger: Logger
    let observer: (@Sendable (RequestRecord) -> Void)?

    /// What one finished API request did, for metrics (verb, status code or error, duration).
    public struct RequestRecord: Sendable {
        public var method: String
        public var path: String
        public var code: Int?
        public var error: String?
        public var duration: Duration
    }

    /// Makes a client. `observer` sees every finished request (for request metrics).
    public init(
        configuration: ClientConfiguration, userAgent: String = "mcp-operator", retryPolicy: RetryPolicy = RetryPolicy(),
        logger: Logger = Logger(label: "kube-client"), observer: (@Sendable (RequestRecord) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.userAgent = userAgent
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.observer = observer
        self.transport = HTTPTransport(configuration: HTTPTransportConfiguration(tls: configuration.tls))
    }

    /// The namespace of the configuration's context: what namespaced calls use when given none.
    public var defaultNamespace: String { configuration.namespace }

    // MARK: Request execution

    /// Whether a request may be sent twice without changing the outcome.
    static func isIdempotent(method: String, contentType: String?) -> Bool {
        switch method {
        case "GET", "HEAD", "PUT", "DELETE": return true
        case "PATCH": return contentType == "application/apply-patch+yaml"
        default: return false
        }
    }

    /// Sends one request to the API server, with authentication and retries, and returns the
    /// response when its status is 2xx; any other status becomes a `KubernetesError`.
    func perform(method: String, path: String, query: [(String, String)] = [], body: Data? = nil,
                 contentType: String? = nil) async throws -> HTTPResponse {
        let idempotent = Self.isIdempotent(method: method, contentType: contentType)
        var refreshedCredentials = false
        var attempt = 0
        while true {
            attempt += 1
            let request = try await makeRequest(method: method, path: path, query: query, body: body, contentType: contentType)
            let started = ContinuousClock.now
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                observer?(RequestRecord(method: method, path: path, code: nil, error: error.shortDescription, duration: .now - started))
                // A connection that failed before any response may be retried when the verb is idempotent.
                if idempotent, !error.isCancellation, attempt < retryPolicy.maxAttempts {
                    try await Task.sleep(for: retryPolicy.delay(attempt: attempt, retryAfter: nil))
                    continue
                }
                throw error
            }
            observer?(RequestRecord(method: method, path: path, code: response.status, error: nil, duration: .now - started))
            if (200..<300).contains(response.status) { return response }

            if response.status == 401, !refreshedCredentials, let credentials = configuration.credentials {
                refreshedCredentials = true
                await credentials.invalidate()
                attempt -= 1
                continue
            }
            // 429 means the request was not processed, so any verb may be sent again; a 5xx only
            // an idempotent one.
            let retryable = response.status == 429 || (idempotent && [500, 502, 503, 504].contains(response.status))
            if retryable, attempt < retryPolicy.maxAttempts {
                let retryAfter = response.headers["Retry-After"].flatMap(Int.init).map { Duration.seconds($0) }
                logger.debug("retrying \(method) \(path) after \(response.status)", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: retryPolicy.delay(attempt: attempt, retryAfter: retryAfter))
                continue
            }
            throw KubernetesError.from(code: response.status, body: response.body, method: method, path: path)
        }
    }

    /// Builds the transport request: URL, headers, credentials.
    func makeRequest(method: String, path: String, query: [(String, String)], body: Data?, contentType: String?,
                     idleTimeout: Duration? = nil) async throws -> HTTPRequest {
        var url = configuration.server + path
        if !query.isEmpty { url += "?" + encodeQuery(query) }
        var headers = HTTPHeaders()
        headers.add("Accept", "application/json")
        headers.add("User-Agent", userAgent)
        if let contentType { headers.add("Content-Type", contentType) }
        var tls: TLSConfiguration?
        if let source = configuration.credentials {
            let credentials = try await source.credentials()
            if let token = credentials.token { headers.add("Authorization", "Bearer \(token)") }
            if let certificate = credentials.clientCertificatePEM, let key = credentials.clientKeyPEM {
                var override = configuration.tls
                override.clientCertificatePEM = certificate
                override.clientKeyPEM = key
                tls = override
            }
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: body, idleTimeout: idleTimeout, tls: tls)
    }

    /// Decodes a response body, naming the request and type when it fails.
    func decode<T: Decodable>(_ type: T.Type, from data: Data, method: String, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw KubernetesDecodingError(request: "\(method) \(path)", typeName: String(describing: T.self), error: error, data: data)
        }
    }

    func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
