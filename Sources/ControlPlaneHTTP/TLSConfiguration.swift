import Foundation

/// TLS settings for a control-plane connection. Certificates and keys are PEM bytes held in
/// memory and handed to libcurl as blobs; they are never written to disk.
public struct TLSConfiguration: Sendable, Hashable {
    /// PEM bundle of certificate authorities to trust instead of the system store.
    public var certificateAuthorityPEM: Data?
    /// PEM client certificate for mutual TLS.
    public var clientCertificatePEM: Data?
    /// PEM private key of the client certificate.
    public var clientKeyPEM: Data?
    /// Skip verification of the server's certificate. Only ever set when a user asked for it.
    public var insecureSkipVerify: Bool
    /// The name to send in SNI and to verify the server's certificate against, when it differs
    /// from the host in the URL.
    public var serverName: String?

    public init(
        certificateAuthorityPEM: Data? = nil, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil,
        insecureSkipVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}
