import ControlPlaneHTTP
import Foundation

/// Query parameters in order; nil values are left out.
typealias DockerQuery = [(String, String?)]

extension DockerClient {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The full URL of an engine path: the endpoint, the `/vX.Y` prefix (unless `versioned` is
    /// false), the path, and the query, percent-encoded.
    func makeURL(path: String, query: DockerQuery, versioned: Bool) async throws -> (url: String, shownPath: String) {
        var shown = versioned ? "/v\(try await apiVersion())\(path)" : path
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty {
            var components = URLComponents()
            components.queryItems = items
            // URLComponents leaves `+` and `;` alone; the engine's Go parser reads `+` as a space.
            let encoded = (components.percentEncodedQuery ?? "")
                .replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: ";", with: "%3B")
            shown += "?" + encoded
        }
        return (endpoint.baseURL + shown, shown)
    }

    /// Sends one buffered request; a 2xx answer (and 304 when `acceptNotModified`) is returned,
    /// any other status becomes a `DockerError` with the engine's message.
    @discardableResult
    func perform(method: String, path: String, query: DockerQuery = [], body: Data? = nil,
                 contentType: String? = "application/json", timeout: Duration? = nil,
                 versioned: Bool = true, acceptNotModified: Bool = false) async throws -> HTTPResponse {
        let (url, shown) = try await makeURL(path: path, query: query, versioned: versioned)
        var headers = HTTPHeaders()
        if body != nil, let contentType { headers.set("Content-Type", contentType) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            throw translate(error, method: method, path: shown)
        }
        if (200..<300).contains(response.status) || (acceptNotModified && response.status == 304) { return response }
        throw DockerError.engine(status: response.status, body: response.body, method: method, path: shown)
    }

    /// Opens a streamed request (newline records, or raw chunks when `raw`); a non-2xx answer
    /// becomes a `DockerError` with the engine's message.
    func openStream(method: String = "GET", path: String, query: DockerQuery = [], body: Data? = nil,
                    raw: Bool = false) async throws -> (HTTPStreamResponse, String) {
        let (url, shown) = try await makeURL(path: path, query: query, versioned: true)
        var headers = HTTPHeaders()
        if body != nil { headers.set("Content-Type", "application/json") }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        let response: HTTPStreamResponse
        do {
            response = raw ? try await transport.streamChunks(request) : try await transport.stream(request)
        } catch let error as TransportError {
            throw translate(error, method: method, path: shown)
        }
        guard (200..<300).contains(response.status) else {
            var body = Data()
            for try await chunk in response.records {
                body.append(chunk)
                if body.count > 64 << 10 { break }
            }
            throw DockerError.engine(status: response.status, body: body, method: method, path: shown)
        }
        return (response, shown)
    }

    /// GETs a path and decodes its JSON answer.
    func get<T: Decodable>(_ path: String, query: DockerQuery = [], versioned: Bool = true, as type: T.Type = T.self) async throws -> T {
        let response = try await perform(method: "GET", path: path, query: query, versioned: versioned)
        return try decode(T.self, from: response.body, method: "GET", path: path)
    }

    /// Sends a JSON body and decodes the JSON answer.
    func send<T: Decodable>(_ method: String, _ path: String, query: DockerQuery = [], json: some Encodable,
                            as type: T.Type = T.self) async throws -> T {
        let body = try Self.encoder.encode(json)
        let response = try await perform(method: method, path: path, query: query, body: body)
        return try decode(T.self, from: response.body, method: method, path: path)
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data, method: String, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw DockerError.decoding(T.self, error: error, data: data, method: method, path: path)
        }
    }

    /// Turns "could not connect" into the message that says which engine was tried and how to
    /// start one; other transport failures (timeouts, cancellation) pass through.
    func translate(_ error: TransportError, method: String, path: String) -> any Error {
        // 7: could not connect (no socket, refused, permission); 97: proxy/socket handshake.
        guard let code = error.curlCode, code == 7 || code == 97 else { return error }
        // curl names "localhost port 80" even for a socket; say what was really tried.
        let detail = endpoint.unixSocketPath != nil ? "could not connect to the socket, curl error \(code)" : error.description
        return DockerError.unreachable(endpoint, detail: detail, method: method, path: path)
    }

    /// Reads a JSON progress stream (image load and import) and throws the first error it reports.
    func checkProgress(_ body: Data, method: String, path: String) throws -> [ProgressMessage] {
        var messages: [ProgressMessage] = []
        for line in body.split(separator: 0x0A) where !line.isEmpty {
            guard let message = try? JSONDecoder().decode(ProgressMessage.self, from: Data(line)) else { continue }
            if let error = message.errorDetail?.message ?? message.error {
                throw DockerError.streamError(error, method: method, path: path)
            }
            messages.append(message)
        }
        return messages
    }

    /// Percent-encodes one path segment (a container, network or volume name or ID).
    static func segment(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// Percent-encodes an image reference, keeping the `/` and `:` the engine's routes expect.
    static func imageSegment(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/:@")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}

/// One line of the engine's JSON progress streams.
struct ProgressMessage: Decodable {
    struct Detail: Decodable { var message: String? }
    var stream: String?
    var status: String?
    var id: String?
    var error: String?
    var errorDetail: Detail?
}

/// The `{"Id": ..., "Warnings": ...}` answer of create calls.
struct CreatedResponse: Decodable {
    var id: String
    var warnings: [String]?
    var warning: String?
    enum CodingKeys: String, CodingKey { case id = "Id", warnings = "Warnings", warning = "Warning" }
}

/// Encodes the engine's boolean query flags.
extension Bool {
    var flag: String { self ? "1" : "0" }
}
