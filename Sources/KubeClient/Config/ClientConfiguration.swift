import ControlPlaneHTTP
import Foundation

/// Everything the client needs to reach one API server as one user: where, how to trust it,
/// and how to authenticate. Made by `KubeConfigLoader` from a kubeconfig or the in-cluster files.
public struct ClientConfiguration: Sendable {
    /// The API server's base URL, such as `https://10.0.0.1:6443`, without a trailing slash.
    public var server: String
    /// How to verify the server, and the static client certificate when the kubeconfig names one.
    public var tls: TLSConfiguration
    /// Where bearer tokens or exec-plugin credentials come from; nil for none.
    public var credentials: (any CredentialSource)?
    /// The namespace of the context (or of the service account in-cluster); `default` otherwise.
    public var namespace: String
    /// Where this configuration came from, for messages: `kubeconfig /path (context "x")` or `in-cluster`.
    public var origin: String

    public init(server: String, tls: TLSConfiguration = TLSConfiguration(), credentials: (any CredentialSource)? = nil,
                namespace: String = "default", origin: String = "explicit") {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.origin = origin
    }
}

/// Credentials presented with a request: a bearer token and/or a client certificate.
public struct Credentials: Sendable, Hashable {
    /// A bearer token for the `Authorization` header.
    public var token: String?
    /// A PEM client certificate (exec plugins may return one).
    public var clientCertificatePEM: Data?
    /// The PEM key of `clientCertificatePEM`.
    public var clientKeyPEM: Data?

    public init(token: String? = nil, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// A source of credentials that may change over time (rotated token files, exec plugins).
public protocol CredentialSource: Sendable {
    /// The credentials to use now. Implementations cache and refresh as their source requires.
    func credentials() async throws -> Credentials
    /// Called after the server answered 401 with the given credentials: drop the cached ones so the
    /// next call fetches fresh credentials.
    func invalidate() async
}
