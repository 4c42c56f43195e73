import ControlPlaneHTTP
import Foundation

extension KubeConfigLoader {
    enum InClusterResult {
        case found(ClientConfiguration)
        /// Why this is not a pod with a service account, for the "tried" list.
        case notFound(String)
    }

    /// The configuration of a pod's service account, when the environment and files say we run in one.
    ///
    /// The token is re-read from its file every 60 s, since the kubelet rotates it; the CA bundle
    /// is read once (a missing `ca.crt` leaves the system trust store, as in client-go).
    static func inCluster(_ options: Options) throws -> InClusterResult {
        let environment = options.environment
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            return .notFound("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let root = options.inClusterRoot
        let tokenPath = KubeConfigFile.resolve("token", against: root)
        guard FileManager.default.fileExists(atPath: tokenPath) else {
            return .notFound("no service-account token at \(tokenPath)")
        }

        var tls = TLSConfiguration()
        let caPath = KubeConfigFile.resolve("ca.crt", against: root)
        if FileManager.default.fileExists(atPath: caPath) {
            do {
                tls.certificateAuthorityPEM = try Data(contentsOf: URL(fileURLWithPath: caPath))
            } catch {
                throw KubeConfigError.unreadableConfig(caPath, reason: KubeConfigError.reason(error))
            }
        }

        var namespace = "default"
        let namespacePath = KubeConfigFile.resolve("namespace", against: root)
        if let data = FileManager.default.contents(atPath: namespacePath) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { namespace = text }
        }

        // An IPv6 address needs brackets in a URL (what Go's net.JoinHostPort does).
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return .found(ClientConfiguration(
            server: "https://\(hostPart):\(port)", tls: tls,
            credentials: TokenFileSource(path: tokenPath, refreshInterval: .seconds(60)),
            namespace: namespace, origin: "in-cluster"))
    }
}
