import KubeModel
import OperatorAPI

extension PlanContext {
    /// The port a plugin's Service and container listen on: its own for HTTP plugins, the
    /// wrapping gateway's for stdio plugins.
    func pluginPort(_ plugin: MCPServerSpec.Plugin) -> Int {
        plugin.transport == .stdio ? GatewayLayout.mcpPort : (plugin.port ?? GatewayLayout.mcpPort)
    }

    /// The URL the server's gateway reaches a plugin at, through the plugin's Service.
    func pluginURL(_ plugin: MCPServerSpec.Plugin) -> String {
        let path = plugin.transport == .stdio ? "/mcp" : (plugin.path ?? plugin.transport?.defaultPath ?? "/mcp")
        return "http://\(naming.plugin(plugin.name)).\(namespace).svc:\(pluginPort(plugin))\(path)"
    }

    /// A plugin's Deployment: one replica of the plugin's image with the restricted settings and
    /// no service-account token. A stdio plugin is wrapped by the gateway with `--pass-through`
    /// (policy is enforced by the server's gateway, so this one only adapts the transport).
    func pluginDeployment(_ plugin: MCPServerSpec.Plugin) -> Deployment {
        let name = naming.plugin(plugin.name)
        let port = pluginPort(plugin)
        var volumes = [Self.tmpVolume]
        var mounts = [Self.tmpMount]
        var initContainers: [Container]?
        var command = plugin.command
        var args = plugin.args
        if plugin.transport == .stdio {
            volumes.append(GatewayLayout.installVolumeSource)
            mounts.append(GatewayLayout.installMount)
            initContainers = [GatewayLayout.installContainer(image: gatewayImage, pullPolicy: options.gatewayImagePullPolicy)]
            // No policy of its own to load (the server's gateway enforces the server's): without
            // one it would answer every request 503.
            command = [GatewayLayout.binary, "--listen", "0.0.0.0:\(port)", "--pass-through", "--"] + (plugin.command ?? []) + (plugin.args ?? [])
            args = nil
        }
        let container = Container(
            name: "plugin", image: plugin.image, command: command, args: args,
            ports: [ContainerPort(name: "mcp", containerPort: port, protocol: "TCP")], env: plugin.env,
            resources: plugin.resources, volumeMounts: mounts,
            readinessProbe: Probe(tcpSocket: TCPSocketAction(port: "mcp"), periodSeconds: 5),
            securityContext: GatewayLayout.containerSecurity)
        let pod = PodSpec(containers: [container], initContainers: initContainers, volumes: volumes,
                          serviceAccountName: naming.workload, automountServiceAccountToken: false,
                          securityContext: GatewayLayout.podSecurity, enableServiceLinks: false)
        let labels = naming.labels(component: OperatorLabels.pluginComponent, plugin: plugin.name)
        return Deployment(
            metadata: metadata(name, component: OperatorLabels.pluginComponent, plugin: plugin.name),
            spec: DeploymentSpec(replicas: 1,
                                 selector: LabelSelector(matchLabels: naming.selector(component: OperatorLabels.pluginComponent, plugin: plugin.name)),
                                 template: PodTemplateSpec(metadata: ObjectMeta(labels: labels), spec: pod)))
    }

    /// A plugin's Service, reached by the server's gateway only (see its NetworkPolicy).
    func pluginService(_ plugin: MCPServerSpec.Plugin) -> Service {
        let port = pluginPort(plugin)
        return Service(metadata: metadata(naming.plugin(plugin.name), component: OperatorLabels.pluginComponent, plugin: plugin.name),
                       spec: ServiceSpec(type: "ClusterIP",
                                         selector: naming.selector(component: OperatorLabels.pluginComponent, plugin: plugin.name),
                                         ports: [ServicePort(name: "mcp", protocol: "TCP", port: port, targetPort: "mcp")]))
    }
}
