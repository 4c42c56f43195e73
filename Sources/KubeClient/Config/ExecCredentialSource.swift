import Foundation

/// Credentials from an exec plugin (client.authentication.k8s.io `v1` or `v1beta1`), such as
/// `aws eks get-token`, `gke-gcloud-auth-plugin` or `kubelogin`.
///
/// The plugin is run with `KUBERNETES_EXEC_INFO` set to an ExecCredential request; its answer's
/// token and/or client certificate are cached until their `expirationTimestamp` (or, without one,
/// until `invalidate()`). Concurrent callers share one run of the plugin. Failures name the command,
/// its exit status, its stderr (truncated) and the config's `installHint`.
public actor ExecCredentialSource: CredentialSource {
    /// The plugin configuration.
    public nonisolated let config: ExecConfig
    /// The folder relative command paths resolve against: the folder of the kubeconfig.
    public nonisolated let baseDirectory: String

    private let environment: [String: String]
    private let cluster: ExecClusterInfo?
    private let now: @Sendable () -> Date

    private var cached: (credentials: Credentials, expiry: Date?)?
    private var running: Task<ExecInvocation.Result, any Error>?

    /// A source running the plugin `config`.
    /// - Parameters:
    ///   - baseDirectory: the folder of the kubeconfig that defined the plugin.
    ///   - environment: the environment the plugin inherits (the config's `env` is added), and
    ///     whose `PATH` finds a bare command name.
    ///   - cluster: the cluster details to pass when `config.provideClusterInfo` is set.
    ///   - now: the wall clock that expiration timestamps are compared with (injected by tests).
    public init(
        config: ExecConfig, baseDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cluster: ExecClusterInfo? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.cluster = cluster
        self.now = now
    }

    public func credentials() async throws -> Credentials {
        if let cached, !isExpired(cached.expiry) {
            return cached.credentials
        }
        let task: Task<ExecInvocation.Result, any Error>
        if let running {
            task = running
        } else {
            let invocation = try ExecInvocation(
                config: config, baseDirectory: baseDirectory, environment: environment,
                cluster: config.provideClusterInfo ? cluster : nil)
            task = Task.detached { try await invocation.run() }
            running = task
        }
        // Re-entrancy: other callers may have joined this run or started a later one meanwhile;
        // only the run that is still current updates the cache.
        do {
            let result = try await task.value
            if running == task {
                running = nil
                cached = (result.credentials, result.expiry)
            }
            return result.credentials
        } catch {
            if running == task { running = nil }
            throw error
        }
    }

    /// Drops the cached credentials so the next call runs the plugin again (after a 401).
    public func invalidate() async {
        cached = nil
    }

    private func isExpired(_ expiry: Date?) -> Bool {
        guard let expiry else { return false }
        return now() >= expiry
    }
}
