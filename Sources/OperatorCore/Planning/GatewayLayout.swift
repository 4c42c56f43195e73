import KubeModel

/// Where the gateway listens and finds its files inside a server pod, and the restricted Pod
/// Security settings every container and pod gets.
public enum GatewayLayout {
    /// The MCP port clients reach (container port `mcp`).
    public static let mcpPort = 8080
    /// The admin port: health probes and policy pushes (container port `admin`).
    public static let adminPort = 9090
    /// The path of the gateway binary in the gateway image.
    public static let imageBinary = "/mcp-gateway"
    /// Where the init container copies the binary for stdio servers.
    public static let installDirectory = "/opt/mcp-gateway"
    /// The copied binary.
    public static let installedBinary = "/opt/mcp-gateway/mcp-gateway"
    /// Where the admin token Secret is mounted.
    public static let adminTokenDirectory = "/var/run/mcp-gateway/admin"
    /// The admin token file.
    public static let adminTokenFile = "/var/run/mcp-gateway/admin/token"
    /// Where the policy ConfigMap is mounted (a directory mount, so updates reach the pod).
    public static let policyDirectory = "/etc/mcp-gateway/policy"
    /// The policy file.
    public static let policyFile = "/etc/mcp-gateway/policy/policy.json"
    /// Where the API-key Secret (`spec.gateway.apiKeysSecretRef`, key `keys`) is mounted.
    public static let apiKeysDirectory = "/var/run/mcp-gateway/api-keys"
    /// The key of the admin token in its Secret.
    public static let adminTokenKey = "token"
    /// The key of the policy document in its ConfigMap.
    public static let policyKey = "policy.json"
    /// The key of the API keys file in the user's Secret.
    public static let apiKeysKey = "keys"
    /// The non-root user and group every container runs as (distroless `nonroot`).
    public static let userID: Int64 = 65532

    /// The `restricted` Pod Security Standard settings of a container.
    public static var containerSecurity: SecurityContext {
        SecurityContext(capabilities: Capabilities(drop: ["ALL"]), runAsUser: userID, runAsNonRoot: true,
                        readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
                        seccompProfile: SeccompProfile(type: "RuntimeDefault"))
    }

    /// The `restricted` Pod Security Standard settings of a pod.
    public static var podSecurity: PodSecurityContext {
        PodSecurityContext(runAsUser: userID, runAsGroup: userID, runAsNonRoot: true, fsGroup: userID,
                           seccompProfile: SeccompProfile(type: "RuntimeDefault"))
    }
}
