import Foundation

/// The `exec` section of a kubeconfig user: a credential plugin to run for tokens or client
/// certificates (client.authentication.k8s.io `v1` or `v1beta1`).
public struct ExecConfig: Sendable, Hashable {
    /// Whether the plugin may talk to the user on a terminal. This client never runs plugins
    /// interactively, so `always` is refused when the plugin is run.
    public enum InteractiveMode: String, Sendable, Hashable {
        case never = "Never"
        case ifAvailable = "IfAvailable"
        case always = "Always"
    }

    /// One `env` entry added to the plugin's environment.
    public struct EnvVar: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `client.authentication.k8s.io/v1`.
    public static let apiVersionV1 = "client.authentication.k8s.io/v1"
    /// `client.authentication.k8s.io/v1beta1`.
    public static let apiVersionV1Beta1 = "client.authentication.k8s.io/v1beta1"
    /// The plugin API versions this client speaks.
    public static let supportedAPIVersions: Set<String> = [apiVersionV1, apiVersionV1Beta1]

    /// The program to run: a name looked up in `PATH`, an absolute path, or a path with a `/`
    /// relative to the kubeconfig's folder.
    public var command: String
    /// Arguments passed to the program.
    public var args: [String]
    /// Variables added to (or replacing those of) the inherited environment.
    public var env: [EnvVar]
    /// The ExecCredential API version the plugin speaks, and that its answer must carry.
    public var apiVersion: String
    /// Text shown to the user when the plugin cannot be run, such as how to install it.
    public var installHint: String?
    /// Whether to pass the cluster's details to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// Whether the plugin may be interactive.
    public var interactiveMode: InteractiveMode

    public init(
        command: String, args: [String] = [], env: [EnvVar] = [], apiVersion: String = ExecConfig.apiVersionV1,
        installHint: String? = nil, provideClusterInfo: Bool = false, interactiveMode: InteractiveMode = .ifAvailable
    ) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }
}

/// The cluster details handed to an exec plugin whose config sets `provideClusterInfo`
/// (the `spec.cluster` of the ExecCredential in `KUBERNETES_EXEC_INFO`).
public struct ExecClusterInfo: Sendable, Hashable {
    /// The API server URL.
    public var server: String
    /// The TLS server name override, if any.
    public var tlsServerName: String?
    /// Whether server certificate verification is disabled.
    public var insecureSkipTLSVerify: Bool
    /// The PEM bundle of trusted certificate authorities, if any.
    public var certificateAuthorityData: Data?
    /// The cluster's `client.authentication.k8s.io/exec` extension, passed to the plugin as `config`.
    public var config: JSONValue?

    public init(
        server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        certificateAuthorityData: Data? = nil, config: JSONValue? = nil
    ) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityData = certificateAuthorityData
        self.config = config
    }
}
