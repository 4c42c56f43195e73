/// Why a feed could not be loaded. The description names the source (URL or ConfigMap key) and
/// what went wrong; `shortDescription` has no source and is safe as a metric label.
public struct FeedError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case insecureURL, invalidURL, transport, httpStatus, notFound, missingKey, unusable, noSource, tooLarge
    }

    private let kind: Kind
    /// The source, as in `FeedIdentity.description`.
    public let source: String
    /// What happened.
    public let detail: String
    /// How long the source asked to be left alone (HTTP `Retry-After`), in seconds.
    public let retryAfterSeconds: Int?

    private init(_ kind: Kind, source: String, detail: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.source = source
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The URL is not https (plain http is accepted only for 127.0.0.1, and only when enabled).
    public static func insecureURL(_ url: String) -> Self {
        Self(.insecureURL, source: url, detail: "only https URLs are fetched")
    }

    /// The URL does not parse.
    public static func invalidURL(_ url: String) -> Self {
        Self(.invalidURL, source: url, detail: "not a valid URL")
    }

    /// The request failed before an answer (DNS, connect, TLS, timeout).
    public static func transport(_ source: String, _ detail: String) -> Self {
        Self(.transport, source: source, detail: detail)
    }

    /// The server answered with an error status.
    public static func httpStatus(_ source: String, status: Int, retryAfterSeconds: Int?) -> Self {
        Self(.httpStatus, source: source, detail: "the server answered HTTP \(status)", retryAfterSeconds: retryAfterSeconds)
    }

    /// The ConfigMap does not exist (or could not be read).
    public static func notFound(_ source: String, _ detail: String) -> Self {
        Self(.notFound, source: source, detail: detail)
    }

    /// The ConfigMap has no such key.
    public static func missingKey(_ source: String, _ detail: String) -> Self {
        Self(.missingKey, source: source, detail: detail)
    }

    /// The content has no valid entry at all, only garbage.
    public static func unusable(_ source: String, _ detail: String) -> Self {
        Self(.unusable, source: source, detail: detail)
    }

    /// The body is larger than a feed may be.
    public static func tooLarge(_ source: String, limit: Int) -> Self {
        Self(.tooLarge, source: source, detail: "the feed is larger than \(limit) bytes")
    }

    /// The descriptor names neither a ConfigMap key nor a URL.
    public static func noSource(feed: String) -> Self {
        Self(.noSource, source: feed, detail: "the feed names neither a configMapRef nor a url")
    }

    /// A label without the source.
    public var shortDescription: String {
        switch kind {
        case .insecureURL: "insecure URL"
        case .invalidURL: "invalid URL"
        case .transport: "fetch failed"
        case .httpStatus: "HTTP error"
        case .notFound: "ConfigMap not found"
        case .missingKey: "ConfigMap key missing"
        case .unusable: "no valid entry"
        case .noSource: "no source"
        case .tooLarge: "too large"
        }
    }

    /// `<source>: <detail>`.
    public var description: String { "\(source): \(detail)" }
}
