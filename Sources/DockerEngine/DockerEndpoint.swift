import ControlPlaneHTTP
import Foundation

/// Where a Docker engine listens: a unix socket (the default `/var/run/docker.sock`) or a TCP
/// address, with TLS when the environment asks for it. Read from `DOCKER_HOST`,
/// `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` like the docker CLI does.
public struct DockerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The socket path, for a unix-socket endpoint.
    public let unixSocketPath: String?
    /// The URL requests are sent to: `http://localhost` for a socket, `http(s)://host:port` for TCP.
    public let baseURL: String
    /// TLS settings for a `tcp://` endpoint with TLS; nil for plain HTTP and sockets.
    public let tls: TLSConfiguration?

    /// The engine's default socket on Linux.
    public static let defaultSocketPath = "/var/run/docker.sock"

    /// The engine at a unix socket.
    public static func unixSocket(_ path: String = defaultSocketPath) -> DockerEndpoint {
        DockerEndpoint(unixSocketPath: path, baseURL: "http://localhost", tls: nil)
    }

    /// The engine at a TCP address; HTTPS when `tls` is given.
    public static func tcp(host: String, port: Int, tls: TLSConfiguration? = nil) -> DockerEndpoint {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return DockerEndpoint(unixSocketPath: nil, baseURL: "\(tls == nil ? "http" : "https")://\(bracketed):\(port)", tls: tls)
    }

    /// The endpoint the environment names: `DOCKER_HOST` (`unix:///path` or `tcp://host:port`;
    /// the default socket when unset), with TLS when `DOCKER_TLS_VERIFY` or `DOCKER_TLS` is set.
    /// TLS material is read into memory from `DOCKER_CERT_PATH` (default `~/.docker`):
    /// `ca.pem`, `cert.pem`, `key.pem`, each used when present.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DockerEndpoint {
        let host = environment["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "unix://\(defaultSocketPath)"
        if host.hasPrefix("unix://") {
            let path = String(host.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw DockerError.invalidEndpoint("DOCKER_HOST=\(host): a unix socket needs an absolute path") }
            return .unixSocket(path)
        }
        guard host.hasPrefix("tcp://"), let components = URLComponents(string: host), let name = components.host, !name.isEmpty else {
            throw DockerError.invalidEndpoint("DOCKER_HOST=\(host): expected unix:///path/to/docker.sock or tcp://host:port")
        }
        let verify = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        let useTLS = verify || !(environment["DOCKER_TLS"] ?? "").isEmpty
        let port = components.port ?? (useTLS ? 2376 : 2375)
        guard useTLS else { return .tcp(host: name, port: port) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let certPath = environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.docker"
        func read(_ file: String) throws -> Data? {
            let path = "\(certPath)/\(file)"
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw DockerError.invalidEndpoint("cannot read \(path) (DOCKER_CERT_PATH): \(error.localizedDescription)")
            }
        }
        let tls = TLSConfiguration(
            certificateAuthorityPEM: try read("ca.pem"), clientCertificatePEM: try read("cert.pem"),
            clientKeyPEM: try read("key.pem"), insecureSkipVerify: !verify)
        if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
            throw DockerError.invalidEndpoint("\(certPath) holds only one of cert.pem and key.pem; a client certificate needs both")
        }
        return .tcp(host: name, port: port, tls: tls)
    }

    /// The endpoint as `DOCKER_HOST` would spell it, for messages.
    public var description: String {
        if let unixSocketPath { return "unix://\(unixSocketPath)" }
        return baseURL.replacingOccurrences(of: "https://", with: "tcp://").replacingOccurrences(of: "http://", with: "tcp://")
    }
}
