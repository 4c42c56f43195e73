import Foundation

/// Where the system's CA bundle is when libcurl's built-in path (Debian's, where the binaries are
/// built) does not exist: a stdio server's gateway runs inside the server's own image, which may
/// be RHEL-, SUSE- or Alpine-based, or carry no bundle at all (then the one the gateway's install
/// folder ships, `etc/ca-certificates.crt`, is used). `SSL_CERT_FILE` wins when it names a file.
public enum SystemTrustStore {
    /// libcurl's built-in bundle path.
    static let builtInPath = "/etc/ssl/certs/ca-certificates.crt"
    /// Other distributions' bundles, in the order Go's crypto/x509 tries them.
    static let otherPaths = [
        "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// The bundle to give libcurl, or nil to leave its built-in path.
    public static let bundle: String? = locate(
        environment: ProcessInfo.processInfo.environment,
        installRoot: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().deletingLastPathComponent().path
        },
        exists: { FileManager.default.fileExists(atPath: $0) })

    /// The choice, over an environment, the running binary's install folder and a file test.
    static func locate(environment: [String: String], installRoot: String?, exists: (String) -> Bool) -> String? {
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty, exists(file) { return file == builtInPath ? nil : file }
        if exists(builtInPath) { return nil }
        let shipped = installRoot.map { [$0 + "/etc/ca-certificates.crt"] } ?? []
        return (otherPaths + shipped).first(where: exists)
    }
}
