import ControlPlaneHTTP
import Foundation

/// Several kubeconfig files merged the way client-go merges `$KUBECONFIG`: for each map the
/// first file to define a name wins, and `current-context` comes from the first file that sets it.
struct MergedKubeConfig {
    var paths: [String]
    var clusters: [String: KubeConfigFile.Cluster] = [:]
    var users: [String: KubeConfigFile.User] = [:]
    var contexts: [String: KubeConfigFile.Context] = [:]
    var currentContext: String?

    init(_ files: [KubeConfigFile]) {
        paths = files.map(\.path)
        for file in files {
            clusters.merge(file.clusters) { first, _ in first }
            users.merge(file.users) { first, _ in first }
            contexts.merge(file.contexts) { first, _ in first }
            if currentContext == nil { currentContext = file.currentContext }
        }
    }

    /// The files, for messages.
    var description: String { paths.joined(separator: ":") }

    /// The configuration of `context`, or of `current-context` when nil: the cluster's server and
    /// TLS settings (files read now), the user's credentials and the context's namespace.
    func configuration(context override: String?, environment: [String: String]) throws -> ClientConfiguration {
        guard let contextName = override ?? currentContext else {
            throw KubeConfigError.noCurrentContext(files: description)
        }
        guard let context = contexts[contextName] else {
            throw KubeConfigError.contextNotFound(contextName, files: description, known: contexts.keys.sorted())
        }
        guard let clusterName = context.cluster else {
            throw KubeConfigError.invalidField(
                file: context.origin.file, field: context.origin.field("cluster"), problem: "missing")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeConfigError.clusterNotFound(clusterName, context: contextName, files: description)
        }
        let server = try Self.server(of: cluster)
        var tls = try Self.tls(of: cluster)

        var credentials: (any CredentialSource)?
        if let userName = context.user {
            guard let user = users[userName] else {
                throw KubeConfigError.userNotFound(userName, context: contextName, files: description)
            }
            let clientCertificate = try Self.clientCertificate(of: user)
            tls.clientCertificatePEM = clientCertificate?.certificate
            tls.clientKeyPEM = clientCertificate?.key
            credentials = try Self.credentials(
                of: user, cluster: cluster, server: server, tls: tls, environment: environment)
        }
        return ClientConfiguration(
            server: server, tls: tls, credentials: credentials,
            namespace: context.namespace ?? "default",
            origin: "kubeconfig \(description) (context \"\(contextName)\")")
    }

    private static func server(of cluster: KubeConfigFile.Cluster) throws -> String {
        let field = cluster.origin.field("server")
        guard var server = cluster.server else {
            throw KubeConfigError.invalidField(file: cluster.origin.file, field: field, problem: "missing")
        }
        // client-go accepts a bare host:port and assumes HTTPS.
        if !server.contains("://") { server = "https://" + server }
        guard let components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw KubeConfigError.invalidField(
                file: cluster.origin.file, field: field, problem: "\"\(cluster.server ?? "")\" is not an http(s) URL")
        }
        return server
    }

    private static func tls(of cluster: KubeConfigFile.Cluster) throws -> TLSConfiguration {
        var tls = TLSConfiguration(serverName: cluster.tlsServerName)
        // As in client-go, inline data wins over a file.
        if let data = cluster.certificateAuthorityData {
            tls.certificateAuthorityPEM = data
        } else if let path = cluster.certificateAuthority {
            tls.certificateAuthorityPEM = try read(path, field: "certificate-authority", of: cluster.origin)
        }
        if cluster.insecureSkipTLSVerify {
            guard tls.certificateAuthorityPEM == nil else {
                throw KubeConfigError.invalidField(
                    file: cluster.origin.file, field: cluster.origin.field("insecure-skip-tls-verify"),
                    problem: "cannot be combined with certificate-authority or certificate-authority-data")
            }
            tls.insecureSkipVerify = true
        }
        return tls
    }

    private static func clientCertificate(of user: KubeConfigFile.User) throws -> (certificate: Data, key: Data)? {
        let certificate = try user.clientCertificateData
            ?? user.clientCertificate.map { try read($0, field: "client-certificate", of: user.origin) }
        let key = try user.clientKeyData
            ?? user.clientKey.map { try read($0, field: "client-key", of: user.origin) }
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            return (certificate, key)
        case (_?, nil):
            throw KubeConfigError.invalidField(
                file: user.origin.file, field: user.origin.field("client-key"),
                problem: "missing (client-certificate is set, and needs its key)")
        case (nil, _?):
            throw KubeConfigError.invalidField(
                file: user.origin.file, field: user.origin.field("client-certificate"),
                problem: "missing (client-key is set, and needs its certificate)")
        }
    }

    /// Bearer credentials, in client-go's order of precedence: token file, token, exec plugin.
    private static func credentials(
        of user: KubeConfigFile.User, cluster: KubeConfigFile.Cluster, server: String, tls: TLSConfiguration,
        environment: [String: String]
    ) throws -> (any CredentialSource)? {
        if let unsupported = user.unsupported.first {
            let problem = unsupported == "auth-provider"
                ? "auth providers are not supported; use an exec credential plugin instead"
                : "basic authentication (username/password) is not supported; use a token or client certificate"
            throw KubeConfigError.unsupported(file: user.origin.file, field: user.origin.field(unsupported), problem: problem)
        }
        if let tokenFile = user.tokenFile {
            // Fail now rather than on the first request; the source re-reads it as it rotates.
            let contents = try read(tokenFile, field: "tokenFile", of: user.origin)
            if String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw KubeConfigError.invalidField(
                    file: user.origin.file, field: user.origin.field("tokenFile"), problem: "\(tokenFile) is empty")
            }
            return TokenFileSource(path: tokenFile)
        }
        if let token = user.token {
            return StaticTokenSource(token)
        }
        if let exec = user.exec {
            let info = ExecClusterInfo(
                server: server, tlsServerName: tls.serverName, insecureSkipTLSVerify: tls.insecureSkipVerify,
                certificateAuthorityData: tls.certificateAuthorityPEM, config: cluster.execExtension)
            return ExecCredentialSource(
                config: exec, baseDirectory: user.directory, environment: environment,
                cluster: exec.provideClusterInfo ? info : nil)
        }
        return nil
    }

    /// The contents of a file named by a kubeconfig field, or an error naming file, field and path.
    private static func read(_ path: String, field: String, of origin: KubeConfigFile.Origin) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeConfigError.unreadableFile(
                path, field: origin.field(field), in: origin.file, reason: KubeConfigError.reason(error))
        }
    }
}
