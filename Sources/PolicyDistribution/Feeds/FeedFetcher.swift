import ControlPlaneHTTP
import Foundation

/// Fetches feeds over HTTPS through the libcurl transport, conditionally: it sends the validators
/// of the last good answer (`If-None-Match` with the ETag, `If-Modified-Since` with the
/// Last-Modified date) and a `304 Not Modified` keeps the content it has. It reads what the
/// server says about its allowed rate (`Cache-Control: max-age`, `Retry-After`) so the cache never
/// asks more often than that.
///
/// Only `https` URLs are fetched. Plain `http` is accepted for `127.0.0.1` alone, and only when
/// `allowsLoopbackHTTP` is set (tests serving feeds from a local server).
public struct FeedFetcher: Sendable {
    private let transport: HTTPTransport
    /// Whether `http://127.0.0.1` URLs are accepted.
    public let allowsLoopbackHTTP: Bool
    /// How long one fetch may take.
    public let timeout: Duration

    /// The largest feed accepted, in bytes.
    public let maximumBytes: Int

    /// A fetcher over `transport`.
    public init(transport: HTTPTransport = HTTPTransport(), allowsLoopbackHTTP: Bool = false, timeout: Duration = .seconds(60),
                maximumBytes: Int = 64 << 20) {
        self.maximumBytes = maximumBytes
        self.transport = transport
        self.allowsLoopbackHTTP = allowsLoopbackHTTP
        self.timeout = timeout
    }

    /// Checks that `url` may be fetched: https, or http to 127.0.0.1 when allowed.
    public func check(url: String) throws(FeedError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw .invalidURL(url)
        }
        switch scheme {
        case "https": return
        case "http" where allowsLoopbackHTTP && host == "127.0.0.1": return
        default: throw .insecureURL(url)
        }
    }

    /// Fetches `url`, conditionally on `validators` when given.
    public func fetch(url: String, validators: FeedValidators?, now: Date = Date()) async throws(FeedError) -> FeedFetchResult {
        try check(url: url)
        var headers = HTTPHeaders()
        headers.add("Accept", "text/plain, application/json;q=0.9, */*;q=0.5")
        if let etag = validators?.etag { headers.add("If-None-Match", etag) }
        if let lastModified = validators?.lastModified { headers.add("If-Modified-Since", lastModified) }
        // Read as lines and counted as they come: a feed larger than `maximumBytes` is refused
        // without holding it (a hostile or mistaken URL must not exhaust the operator's memory).
        let response: HTTPStreamResponse
        var body = Data()
        do {
            response = try await transport.stream(HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout))
            if response.status == 200 {
                for try await line in response.records {
                    body.append(line)
                    body.append(0x0A)
                    if body.count > maximumBytes { throw FeedError.tooLarge(url, limit: maximumBytes) }
                }
            }
        } catch let error as FeedError {
            throw error
        } catch let error as TransportError {
            throw .transport(url, error.shortDescription)
        } catch {
            throw .transport(url, "\(error)")
        }
        let minimumInterval = Self.allowedInterval(response.headers, now: now)
        switch response.status {
        case 200:
            let answered = FeedValidators(etag: response.headers["ETag"], lastModified: response.headers["Last-Modified"])
            return FeedFetchResult(content: .modified(body), validators: answered.isEmpty ? nil : answered,
                                   minimumIntervalSeconds: minimumInterval)
        case 304:
            let answered = FeedValidators(etag: response.headers["ETag"] ?? validators?.etag,
                                          lastModified: response.headers["Last-Modified"] ?? validators?.lastModified)
            return FeedFetchResult(content: .notModified, validators: answered.isEmpty ? validators : answered,
                                   minimumIntervalSeconds: minimumInterval)
        default:
            throw .httpStatus(url, status: response.status, retryAfterSeconds: minimumInterval)
        }
    }

    /// The least number of seconds before the next request the server allows: the larger of
    /// `Retry-After` (seconds or an HTTP date) and `Cache-Control: max-age`; nil when it says neither.
    static func allowedInterval(_ headers: HTTPHeaders, now: Date) -> Int? {
        var result: Int?
        if let retryAfter = headers["Retry-After"].flatMap({ retryAfterSeconds($0, now: now) }) { result = retryAfter }
        if let maxAge = headers["Cache-Control"].flatMap(maxAgeSeconds) { result = max(result ?? 0, maxAge) }
        return result
    }

    /// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    static func retryAfterSeconds(_ value: String, now: Date) -> Int? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, Int(date.timeIntervalSince(now).rounded(.up)))
    }

    /// The `max-age` directive of a Cache-Control value.
    static func maxAgeSeconds(_ value: String) -> Int? {
        for directive in value.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "max-age", let seconds = Int(parts[1].trimmingCharacters(in: ["\""])) {
                return max(0, seconds)
            }
        }
        return nil
    }
}

/// The validators of a fetched answer, sent back to make the next fetch conditional.
public struct FeedValidators: Sendable, Hashable {
    /// The `ETag` the server gave.
    public var etag: String?
    /// The `Last-Modified` date the server gave, verbatim.
    public var lastModified: String?

    /// Validators.
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// What a fetch brought back.
public struct FeedFetchResult: Sendable, Hashable {
    /// New content, or word that the last content still holds.
    public enum Content: Sendable, Hashable {
        /// The body of a `200 OK`.
        case modified(Data)
        /// `304 Not Modified`: keep the content held.
        case notModified
    }

    /// The content.
    public var content: Content
    /// Validators for the next fetch.
    public var validators: FeedValidators?
    /// The least seconds the server allows before the next request, when it said.
    public var minimumIntervalSeconds: Int?

    /// A fetch result.
    public init(content: Content, validators: FeedValidators?, minimumIntervalSeconds: Int? = nil) {
        self.content = content
        self.validators = validators
        self.minimumIntervalSeconds = minimumIntervalSeconds
    }
}
