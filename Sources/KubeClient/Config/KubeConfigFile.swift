import Foundation

/// One kubeconfig file, parsed and checked field by field. Relative paths are already resolved
/// against the file's folder; files they name are not read yet (only the selected context's are).
struct KubeConfigFile {
    /// Where an entry was defined, for error messages after merging.
    struct Origin {
        /// The kubeconfig file.
        var file: String
        /// The field path of the entry's body, such as `clusters[0].cluster`.
        var field: String

        func field(_ name: String) -> String { "\(field).\(name)" }
    }

    struct Cluster {
        var origin: Origin
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: Data?
        var insecureSkipTLSVerify: Bool
        var tlsServerName: String?
        /// The `client.authentication.k8s.io/exec` extension, for exec plugins with provideClusterInfo.
        var execExtension: JSONValue?
    }

    struct User {
        var origin: Origin
        var directory: String
        var clientCertificate: String?
        var clientCertificateData: Data?
        var clientKey: String?
        var clientKeyData: Data?
        var token: String?
        var tokenFile: String?
        var exec: ExecConfig?
        /// Set fields this client does not support (`auth-provider`, `username`), by name.
        var unsupported: [String]
    }

    struct Context {
        var origin: Origin
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    var path: String
    var clusters: [String: Cluster] = [:]
    var users: [String: User] = [:]
    var contexts: [String: Context] = [:]
    var currentContext: String?

    /// Parses the kubeconfig `text` read from `path` (absolute).
    init(parsing text: String, path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        guard let root = try YAMLField.parse(text, file: path) else { return }
        guard root.node.mapping != nil else { throw root.invalid("expected a mapping (is this a kubeconfig?)") }

        currentContext = try root.string("current-context")

        for (entry, name, body) in try Self.namedEntries(root, list: "clusters", body: "cluster") {
            guard clusters[name] == nil else { throw entry.invalid("duplicate cluster name \"\(name)\"") }
            clusters[name] = try Self.cluster(body, directory: directory)
        }
        for (entry, name, body) in try Self.namedEntries(root, list: "users", body: "user") {
            guard users[name] == nil else { throw entry.invalid("duplicate user name \"\(name)\"") }
            users[name] = try Self.user(body, directory: directory)
        }
        for (entry, name, body) in try Self.namedEntries(root, list: "contexts", body: "context") {
            guard contexts[name] == nil else { throw entry.invalid("duplicate context name \"\(name)\"") }
            contexts[name] = Context(
                origin: Origin(file: path, field: body.path),
                cluster: try body.string("cluster"), user: try body.string("user"),
                namespace: try body.string("namespace"))
        }
    }

    /// The entries of a named list such as `clusters: [{name: x, cluster: {...}}]`. A missing body
    /// reads as an empty mapping, as in client-go.
    private static func namedEntries(
        _ root: YAMLField, list: String, body: String
    ) throws -> [(entry: YAMLField, name: String, body: YAMLField)] {
        try root.sequence(list).map { entry in
            guard entry.node.mapping != nil else { throw entry.invalid("expected a mapping with name and \(body)") }
            guard let name = try entry.string("name") else { throw entry.invalid("missing name") }
            let value = try entry.mapping(body)
                ?? YAMLField(node: [:], path: "\(entry.path).\(body)", file: entry.file)
            return (entry, name, value)
        }
    }

    private static func cluster(_ body: YAMLField, directory: String) throws -> Cluster {
        var execExtension: JSONValue?
        for extensionEntry in try body.sequence("extensions") {
            if try extensionEntry.string("name") == "client.authentication.k8s.io/exec" {
                execExtension = try extensionEntry.field("extension")?.json()
            }
        }
        return Cluster(
            origin: Origin(file: body.file, field: body.path),
            server: try body.string("server"),
            certificateAuthority: try body.string("certificate-authority").map { resolve($0, against: directory) },
            certificateAuthorityData: try body.base64("certificate-authority-data"),
            insecureSkipTLSVerify: try body.bool("insecure-skip-tls-verify") ?? false,
            tlsServerName: try body.string("tls-server-name"),
            execExtension: execExtension)
    }

    private static func user(_ body: YAMLField, directory: String) throws -> User {
        var unsupported: [String] = []
        if try body.field("auth-provider") != nil { unsupported.append("auth-provider") }
        if try body.string("username") != nil || body.string("password") != nil { unsupported.append("username") }
        return User(
            origin: Origin(file: body.file, field: body.path),
            directory: directory,
            clientCertificate: try body.string("client-certificate").map { resolve($0, against: directory) },
            clientCertificateData: try body.base64("client-certificate-data"),
            clientKey: try body.string("client-key").map { resolve($0, against: directory) },
            clientKeyData: try body.base64("client-key-data"),
            token: try body.string("token"),
            tokenFile: try body.string("tokenFile").map { resolve($0, against: directory) },
            exec: try body.mapping("exec").map { try exec($0, directory: directory) },
            unsupported: unsupported)
    }

    private static func exec(_ body: YAMLField, directory: String) throws -> ExecConfig {
        guard var command = try body.string("command") else { throw body.invalid("missing command") }
        // Like client-go: a command with a slash is a path, relative to this file's folder.
        if command.contains("/") { command = resolve(command, against: directory) }
        guard let apiVersion = try body.string("apiVersion") else {
            throw body.invalid("missing apiVersion (\(ExecConfig.apiVersionV1) or \(ExecConfig.apiVersionV1Beta1))")
        }
        guard ExecConfig.supportedAPIVersions.contains(apiVersion) else {
            throw (try body.field("apiVersion") ?? body).invalid(
                "unsupported exec plugin API version \"\(apiVersion)\" "
                    + "(supported: \(ExecConfig.apiVersionV1), \(ExecConfig.apiVersionV1Beta1))")
        }
        var interactiveMode = ExecConfig.InteractiveMode.ifAvailable
        if let modeField = try body.field("interactiveMode") {
            let text = try modeField.stringValue()
            guard let mode = ExecConfig.InteractiveMode(rawValue: text) else {
                throw modeField.invalid("invalid value \"\(text)\" (expected Never, IfAvailable or Always)")
            }
            interactiveMode = mode
        }
        let args = try body.sequence("args").map { try $0.stringValue() }
        let env = try body.sequence("env").map { entry in
            guard let name = try entry.string("name") else { throw entry.invalid("missing name") }
            return ExecConfig.EnvVar(name: name, value: try entry.field("value")?.stringValue() ?? "")
        }
        return ExecConfig(
            command: command, args: args, env: env, apiVersion: apiVersion,
            installHint: try body.string("installHint"),
            provideClusterInfo: try body.bool("provideClusterInfo") ?? false,
            interactiveMode: interactiveMode)
    }

    /// `path` made absolute against `directory` when relative, with `.`, `..` and `//` removed
    /// (symbolic links are kept: messages show the path the user wrote).
    static func resolve(_ path: String, against directory: String) -> String {
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}
