import Foundation

/// Finds and loads the client configuration, in the order controller-runtime and client-go use:
///
/// 1. the file given by `--kubeconfig` (`Options.explicitPath`);
/// 2. `$KUBECONFIG`, a `:`-separated list of files merged like client-go: for clusters, users and
///    contexts the first file to define a name wins, `current-context` comes from the first file
///    that sets it, and files that do not exist are skipped;
/// 3. in-cluster: `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` set and the service-account
///    token file present (skipped when a context is given, since only kubeconfigs have contexts);
/// 4. `~/.kube/config` (not when `$KUBECONFIG` is set: like kubectl, a `$KUBECONFIG` that names no
///    existing file does not fall back to the home directory).
///
/// Certificate files are read into memory while loading; nothing is ever written.
public enum KubeConfigLoader {
    /// Where to look, and what the environment is. Everything is injectable so tests never touch
    /// the real home directory or service-account folder.
    public struct Options: Sendable {
        /// The `--kubeconfig` file; when set, it is the only file read.
        public var explicitPath: String?
        /// The `--context` to use instead of the kubeconfig's `current-context`.
        public var context: String?
        /// The process environment: `KUBECONFIG`, `KUBERNETES_SERVICE_HOST`/`_PORT`, `HOME`, and
        /// what exec plugins inherit.
        public var environment: [String: String]
        /// The home directory holding `.kube/config`; `$HOME` when nil.
        public var homeDirectory: String?
        /// The folder holding the service-account `token`, `ca.crt` and `namespace` files.
        public var inClusterRoot: String

        public init(
            explicitPath: String? = nil, context: String? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            homeDirectory: String? = nil,
            inClusterRoot: String = "/var/run/secrets/kubernetes.io/serviceaccount"
        ) {
            self.explicitPath = explicitPath
            self.context = context
            self.environment = environment
            self.homeDirectory = homeDirectory
            self.inClusterRoot = inClusterRoot
        }
    }

    /// Loads the configuration from the first source that exists (see the type's documentation).
    /// - Throws: `KubeConfigError` naming the file and field at fault, or listing every place
    ///   tried when none exists.
    public static func load(_ options: Options = .init()) throws -> ClientConfiguration {
        let files = FileManager.default
        let context = options.context.flatMap { $0.isEmpty ? nil : $0 }
        var tried: [String] = []

        if let explicit = options.explicitPath, !explicit.isEmpty {
            let path = absolute(explicit)
            guard files.fileExists(atPath: path) else { throw KubeConfigError.fileNotFound(path, source: "--kubeconfig") }
            return try loadKubeconfigs([path], context: context, environment: options.environment)
        }
        tried.append("--kubeconfig (not given)")

        var kubeconfigVariableSet = false
        if let list = options.environment["KUBECONFIG"] {
            var paths: [String] = []
            for entry in list.split(separator: ":") where !entry.isEmpty {
                let path = absolute(String(entry))
                if !paths.contains(path) { paths.append(path) }
            }
            if !paths.isEmpty {
                kubeconfigVariableSet = true
                let existing = paths.filter { files.fileExists(atPath: $0) }
                if !existing.isEmpty {
                    return try loadKubeconfigs(existing, context: context, environment: options.environment)
                }
                tried.append("$KUBECONFIG (none of \(paths.joined(separator: ", ")) exists)")
            }
        }
        if !kubeconfigVariableSet { tried.append("$KUBECONFIG (not set)") }

        if context != nil {
            tried.append("in-cluster (skipped: a context was given)")
        } else {
            switch try inCluster(options) {
            case .found(let configuration): return configuration
            case .notFound(let reason): tried.append("in-cluster (\(reason))")
            }
        }

        let home = options.homeDirectory ?? options.environment["HOME"] ?? NSHomeDirectory()
        let homeConfig = KubeConfigFile.resolve(".kube/config", against: home)
        if kubeconfigVariableSet {
            tried.append("\(homeConfig) (not used because $KUBECONFIG is set)")
        } else if files.fileExists(atPath: homeConfig) {
            return try loadKubeconfigs([homeConfig], context: context, environment: options.environment)
        } else {
            tried.append("\(homeConfig) (no such file)")
        }
        throw KubeConfigError.nothingFound(tried: tried)
    }

    /// Reads, parses and merges `paths` (absolute, existing) and resolves the selected context.
    static func loadKubeconfigs(_ paths: [String], context: String?, environment: [String: String]) throws -> ClientConfiguration {
        let parsed = try paths.map { path in
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw KubeConfigError.unreadableConfig(path, reason: KubeConfigError.reason(error))
            }
            return try KubeConfigFile(parsing: String(decoding: data, as: UTF8.self), path: path)
        }
        return try MergedKubeConfig(parsed).configuration(context: context, environment: environment)
    }

    /// `path` made absolute against the working directory.
    static func absolute(_ path: String) -> String {
        KubeConfigFile.resolve(path, against: FileManager.default.currentDirectoryPath)
    }
}
