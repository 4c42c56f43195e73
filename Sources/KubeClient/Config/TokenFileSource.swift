import Foundation

/// A bearer token read from a file that is rotated underneath us: the in-cluster service-account
/// token, or a kubeconfig user's `tokenFile`.
///
/// The file is re-read when the cached token is `refreshInterval` old and after `invalidate()`.
/// When a re-read fails while a token is cached, the cached token is kept and the read is retried
/// on the next call (like client-go), so a rotation in progress does not fail requests.
public actor TokenFileSource: CredentialSource {
    /// The absolute path of the token file.
    public nonisolated let path: String
    /// How long a token read from the file is used before the file is read again.
    public nonisolated let refreshInterval: Duration

    private let now: @Sendable () -> ContinuousClock.Instant
    private var cached: (token: String, readAt: ContinuousClock.Instant)?

    /// A source reading `path`; `now` is the clock that ages the cached token (injected by tests).
    public init(
        path: String, refreshInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.path = path
        self.refreshInterval = refreshInterval
        self.now = now
    }

    public func credentials() async throws -> Credentials {
        let time = now()
        if let cached, cached.readAt.duration(to: time) < refreshInterval {
            return Credentials(token: cached.token)
        }
        do {
            let token = try Self.readToken(at: path)
            cached = (token, time)
            return Credentials(token: token)
        } catch {
            // Keep serving the last good token while the file is being replaced; the age is not
            // reset, so the next call tries the file again.
            if let cached { return Credentials(token: cached.token) }
            throw error
        }
    }

    /// Drops the cached token so the next call reads the file.
    public func invalidate() async {
        cached = nil
    }

    /// The trimmed contents of the token file.
    static func readToken(at path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CredentialError.tokenFileUnreadable(path, reason: KubeConfigError.reason(error))
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialError.tokenFileEmpty(path) }
        return token
    }
}
