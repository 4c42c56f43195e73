/// A bearer token that never changes: the `token` of a kubeconfig user.
public final class StaticTokenSource: CredentialSource {
    /// The token sent with every request.
    public let token: String

    /// A source that always answers `token`.
    public init(_ token: String) {
        self.token = token
    }

    public func credentials() async throws -> Credentials {
        Credentials(token: token)
    }

    /// Nothing to drop: a static token cannot be refreshed.
    public func invalidate() async {}
}
