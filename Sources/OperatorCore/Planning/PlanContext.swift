import KubeModel
import OperatorAPI

/// The inputs of one plan, shared by the builders of each kind of child.
struct PlanContext: Sendable {
    /// The server, with defaults applied.
    let server: MCPServer
    let uid: String
    let options: PlannerOptions
    let naming: ChildNaming

    init(server: MCPServer, uid: String, options: PlannerOptions) {
        self.server = server
        self.uid = uid
        self.options = options
        naming = ChildNaming(server: server.name)
    }

    var spec: MCPServerSpec { server.spec }
    var namespace: String { server.metadata.namespace ?? "default" }
    var gatewayImage: String { spec.gateway?.image ?? options.gatewayImage }

    /// The controlling owner reference to the MCPServer: the garbage collector deletes the child
    /// with it, and the child's events map back to it.
    var ownerReference: OwnerReference {
        OwnerReference(apiVersion: MCPServer.resourceType.apiVersion, kind: MCPServer.resourceType.kind,
                       name: server.name, uid: uid, controller: true, blockOwnerDeletion: true)
    }

    /// A child's metadata: name, namespace, labels and the owner reference.
    func metadata(_ name: String, component: String, plugin: String? = nil) -> ObjectMeta {
        ObjectMeta(name: name, namespace: namespace, labels: naming.labels(component: component, plugin: plugin),
                   ownerReferences: [ownerReference])
    }

    /// The port names and numbers of the gateway.
    var gatewayPorts: [ContainerPort] {
        [ContainerPort(name: "mcp", containerPort: GatewayLayout.mcpPort, protocol: "TCP"),
         ContainerPort(name: "admin", containerPort: GatewayLayout.adminPort, protocol: "TCP")]
    }

    /// Readiness and liveness on the gateway's admin port.
    var gatewayProbes: (readiness: Probe, liveness: Probe) {
        (Probe(httpGet: HTTPGetAction(path: "/readyz", port: "admin"), periodSeconds: 5, failureThreshold: 3),
         Probe(httpGet: HTTPGetAction(path: "/healthz", port: "admin"), initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3))
    }

    /// A writable scratch directory for containers with a read-only root file system.
    static let tmpVolume = Volume(name: "tmp", emptyDir: EmptyDirVolumeSource())
    static let tmpMount = VolumeMount(name: "tmp", mountPath: "/tmp")
}
