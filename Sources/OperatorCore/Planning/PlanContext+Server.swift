import KubeModel
import OperatorAPI

extension PlanContext {
    /// The server Deployment: for stdio servers one container in which the gateway runs the
    /// command (its install folder copied by the `install-gateway` init container
    /// into a shared volume mounted at `GatewayLayout.installDirectory`); for HTTP servers
    /// the server container and a `gateway` container reaching it on localhost.
    func serverDeployment() -> Deployment {
        let selector = naming.selector(component: OperatorLabels.serverComponent)
        let labels = naming.labels(component: OperatorLabels.serverComponent)
        var volumes = [
            Volume(name: "policy", configMap: ConfigMapVolumeSource(name: naming.policyConfigMap)),
            Self.tmpVolume,
        ]
        var gatewayMounts = [
            VolumeMount(name: "policy", mountPath: GatewayLayout.policyDirectory, readOnly: true),
            Self.tmpMount,
        ]
        if let keys = spec.gateway?.apiKeysSecretRef {
            volumes.append(Volume(name: "api-keys", secret: SecretVolumeSource(
                secretName: keys, items: [KeyToPath(key: GatewayLayout.apiKeysKey, path: GatewayLayout.apiKeysKey)], defaultMode: 0o440)))
            gatewayMounts.append(VolumeMount(name: "api-keys", mountPath: GatewayLayout.apiKeysDirectory, readOnly: true))
        }
        let probes = gatewayProbes
        var initContainers: [Container]?
        var containers: [Container]
        if spec.transport == .stdio {
            volumes.append(GatewayLayout.installVolumeSource)
            initContainers = [GatewayLayout.installContainer(image: gatewayImage, pullPolicy: options.gatewayImagePullPolicy)]
            let command = [GatewayLayout.binary] + gatewayArguments(upstreamURL: nil)
                + ["--"] + (spec.command ?? []) + (spec.args ?? [])
            containers = [Container(
                name: "server", image: spec.image, command: command, ports: gatewayPorts,
                env: (spec.env ?? []).filter { $0.name != GatewayLayout.adminTokenVariable } + [adminTokenEnv], envFrom: spec.envFrom,
                resources: spec.resources,
                volumeMounts: [GatewayLayout.installMount] + gatewayMounts,
                livenessProbe: probes.liveness, readinessProbe: probes.readiness, securityContext: GatewayLayout.containerSecurity)]
        } else {
            let port = spec.port ?? 0
            let upstream = "http://127.0.0.1:\(port)\(spec.path ?? "/mcp")"
            containers = [
                Container(name: "server", image: spec.image, command: spec.command, args: spec.args,
                          ports: [ContainerPort(name: "upstream", containerPort: port, protocol: "TCP")],
                          env: spec.env, envFrom: spec.envFrom, resources: spec.resources,
                          volumeMounts: [Self.tmpMount], securityContext: GatewayLayout.containerSecurity),
                Container(name: "gateway", image: gatewayImage, imagePullPolicy: options.gatewayImagePullPolicy.rawValue,
                          command: [GatewayLayout.binary],
                          args: gatewayArguments(upstreamURL: upstream), ports: gatewayPorts, env: [adminTokenEnv],
                          resources: spec.gateway?.resources,
                          volumeMounts: gatewayMounts, livenessProbe: probes.liveness, readinessProbe: probes.readiness,
                          securityContext: GatewayLayout.containerSecurity),
            ]
        }
        let pod = PodSpec(containers: containers, initContainers: initContainers, volumes: volumes,
                          serviceAccountName: naming.workload, automountServiceAccountToken: false,
                          securityContext: GatewayLayout.podSecurity, enableServiceLinks: false)
        // `replicas` only without autoscaling: the HPA owns it otherwise.
        let replicas = spec.autoscaling == nil ? (spec.replicas ?? 1) : nil
        var metadata = metadata(naming.workload, component: OperatorLabels.serverComponent)
        metadata.annotations = (metadata.annotations ?? [:]).merging(
            [OperatorAnnotations.replicasOwner: replicas == nil ? "autoscaler" : "operator"]) { $1 }
        return Deployment(metadata: metadata,
                          spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: selector),
                                               template: PodTemplateSpec(metadata: ObjectMeta(labels: labels), spec: pod)))
    }

    /// The gateway's admin token, from the admin Secret (see `GatewayLayout.adminTokenVariable`).
    var adminTokenEnv: EnvVar {
        EnvVar(name: GatewayLayout.adminTokenVariable,
               valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: naming.adminSecret, key: GatewayLayout.adminTokenKey)))
    }

    /// The gateway's flags (the same for both transports, but for the upstream).
    func gatewayArguments(upstreamURL: String?) -> [String] {
        var arguments = ["--listen", "0.0.0.0:\(GatewayLayout.mcpPort)", "--admin-listen", "0.0.0.0:\(GatewayLayout.adminPort)",
                         "--policy", GatewayLayout.policyFile]
        if let upstreamURL { arguments += ["--upstream-url", upstreamURL] }
        for plugin in spec.plugins ?? [] {
            arguments += ["--plugin", "\(plugin.name)=\(pluginURL(plugin))"]
        }
        if spec.gateway?.apiKeysSecretRef != nil {
            arguments += ["--api-keys-file", "\(GatewayLayout.apiKeysDirectory)/\(GatewayLayout.apiKeysKey)"]
        }
        for origin in spec.gateway?.allowedOrigins ?? [] { arguments += ["--allowed-origin", origin] }
        return arguments
    }

    /// The Service clients connect to: the gateway's `mcp` port.
    func serverService() -> Service {
        let port = spec.gateway?.port ?? GatewayLayout.mcpPort
        let affinity = spec.sessionAffinity ?? MCPServerSpec.SessionAffinity.none
        let type = spec.gateway?.serviceType ?? "ClusterIP"
        return Service(metadata: metadata(naming.workload, component: OperatorLabels.serverComponent),
                       spec: ServiceSpec(type: type,
                                         selector: naming.selector(component: OperatorLabels.serverComponent),
                                         ports: [ServicePort(name: "mcp", protocol: "TCP", port: port, targetPort: "mcp")],
                                         sessionAffinity: affinity.rawValue,
                                         // Owned explicitly with ClientIP: the API server would default it, and an
                                         // unowned default survives a later switch to None, which it then refuses.
                                         sessionAffinityConfig: affinity == .clientIP
                                             ? SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 10800)) : nil,
                                         // Exposed outside the cluster: traffic stays on the node it reached, so
                                         // the gateway sees the client's address (the policy's CIDRs, threat
                                         // feeds and per-IP rate limits act on it), not a node's.
                                         externalTrafficPolicy: type == "NodePort" || type == "LoadBalancer" ? "Local" : nil))
    }
}
