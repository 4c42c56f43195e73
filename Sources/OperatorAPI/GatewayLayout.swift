import KubeModel

/// Where the gateway listens and finds its files inside a server pod, and the restricted Pod
/// Security settings every container and pod gets.
public enum GatewayLayout {
    /// The MCP port clients reach (container port `mcp`).
    public static let mcpPort = 8080
    /// The admin port: health probes and policy pushes (container port `admin`).
    public static let adminPort = 9090
    /// The gateway's install folder in the gateway image: `bin/mcp-gateway` and `lib/` with every
    /// shared library and the dynamic loader, the binary's interpreter and RPATH pointing there,
    /// so the folder runs in any image once it is mounted at this same path.
    public static let installDirectory = "/opt/mcp-gateway"
    /// The gateway binary, in the gateway image and (mounted from the shared volume) in the
    /// containers of stdio servers and plugins.
    public static let binary = "/opt/mcp-gateway/bin/mcp-gateway"
    /// Where the `install-gateway` init container mounts the shared volume it fills with
    /// `mcp-gateway --install-to` (its own `installDirectory` stays where the image has it).
    public static let installTarget = "/gateway-install"
    /// The name of the shared volume holding the gateway's install folder.
    public static let installVolume = "gateway-install"
    /// The variable the gateway takes its admin token from (from the admin Secret). Not a mounted
    /// file: a stdio server runs in the gateway's container as the same user and could read it;
    /// the gateway removes the variable from its environment and makes itself non-dumpable.
    public static let adminTokenVariable = "MCP_GATEWAY_ADMIN_TOKEN"
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

    /// The init container that copies the gateway's install folder from the gateway image into
    /// the shared `installVolume`, for a server or plugin container that runs the gateway from it.
    public static func installContainer(image: String, pullPolicy: ImagePullPolicy) -> Container {
        Container(name: "install-gateway", image: image, imagePullPolicy: pullPolicy.rawValue,
                  command: [binary, "--install-to", installTarget],
                  volumeMounts: [VolumeMount(name: installVolume, mountPath: installTarget)],
                  securityContext: containerSecurity)
    }

    /// The shared volume the init container fills (an emptyDir: it lives as long as the pod).
    public static var installVolumeSource: Volume { Volume(name: installVolume, emptyDir: EmptyDirVolumeSource()) }

    /// The read-only mount of the shared volume where the gateway expects its folder.
    public static var installMount: VolumeMount { VolumeMount(name: installVolume, mountPath: installDirectory, readOnly: true) }

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
