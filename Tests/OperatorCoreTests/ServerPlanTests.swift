import KubeClient
import OperatorAPI
import OperatorCore
import PolicyEngine
import Testing

@Suite struct ServerPlanTests {
    func plan(_ server: MCPServer, policy: PolicyDocument? = nil) throws -> ServerPlan {
        try ServerPlan(server: server, policy: policy, adminToken: "abc123", options: Fixtures.options)
    }

    func allContainers(_ deployment: Deployment) -> [Container] {
        (deployment.spec?.template.spec?.containers ?? []) + (deployment.spec?.template.spec?.initContainers ?? [])
    }

    @Test func everyChildCarriesLabelsAndAControllingOwnerReference() throws {
        let plan = try plan(Fixtures.stdioServer(replicas: 2, plugins: [Fixtures.plugin]))
        #expect(plan.objects.count == 3 + 2 + 1 + 1 + 2 + 1)  // SA, Secret, CM, 2 NPs, plugin Svc+Deploy, Deploy, Svc, PDB
        for object in plan.objects {
            let labels = object.body[path: ["metadata", "labels"]]?.objectValue ?? [:]
            #expect(labels["app.kubernetes.io/name"] == "mcp-server")
            #expect(labels["app.kubernetes.io/instance"] == "files")
            #expect(labels["app.kubernetes.io/managed-by"] == "mcp-operator")
            #expect(labels["app.kubernetes.io/part-of"] == "mcp-operator")
            #expect(labels["mcpoperator.io/server"] == "files")
            let owner = object.body[path: ["metadata", "ownerReferences"]]?.arrayValue?.first
            #expect(owner?["kind"] == "MCPServer")
            #expect(owner?["uid"] == "uid-files")
            #expect(owner?["controller"] == true)
            #expect(owner?["blockOwnerDeletion"] == true)
            #expect(object.body[path: ["metadata", "annotations", OperatorAnnotations.appliedHash]]?.stringValue == object.appliedHash)
        }
    }

    @Test func stdioServerRunsTheGatewayWrappingTheCommand() throws {
        var files = Fixtures.stdioServer()
        files.spec.env = [EnvVar(name: "LOG", value: "1"), EnvVar(name: "MCP_GATEWAY_ADMIN_TOKEN", value: "chosen-by-the-user")]
        let plan = try plan(files)
        let pod = try #require(plan.deployment.spec?.template.spec)
        let install = try #require(pod.initContainers?.first)
        #expect(install.name == "install-gateway")
        #expect(install.image == "example.com/mcp-gateway:1")
        // The gateway image's own install folder is copied (no `cp`: the offline images have none)
        // into the shared volume, mounted writable at /gateway-install in the init container only.
        #expect(install.command == ["/opt/mcp-gateway/bin/mcp-gateway", "--install-to", "/gateway-install"])
        #expect(install.imagePullPolicy == "IfNotPresent")
        #expect(install.volumeMounts == [VolumeMount(name: "gateway-install", mountPath: "/gateway-install")])
        #expect(pod.containers.count == 1)
        let server = pod.containers[0]
        #expect(server.image == "example.com/files:1")
        // The server's own image: the kubelet's default pull policy, not the gateway's.
        #expect(server.imagePullPolicy == nil)
        #expect(server.volumeMounts?.first == VolumeMount(name: "gateway-install", mountPath: "/opt/mcp-gateway", readOnly: true))
        #expect(server.command == ["/opt/mcp-gateway/bin/mcp-gateway", "--listen", "0.0.0.0:8080", "--admin-listen", "0.0.0.0:9090",
                                   "--policy", "/etc/mcp-gateway/policy/policy.json", "--", "node", "server.js", "--root", "/data"])
        // The admin token reaches the gateway as a variable from the Secret, never as a file the
        // server (same container, same user) could read; the gateway drops it from its
        // environment. A user's variable of that name does not override it.
        let adminToken = EnvVar(name: "MCP_GATEWAY_ADMIN_TOKEN",
                                valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "files-gateway-admin", key: "token")))
        #expect(server.env == [EnvVar(name: "LOG", value: "1"), adminToken])
        #expect(pod.volumes?.contains { $0.secret?.secretName == "files-gateway-admin" } == false)
        #expect(server.volumeMounts?.map(\.name).sorted() == ["gateway-install", "policy", "tmp"])
        #expect(server.ports?.map(\.name) == ["mcp", "admin"])
        #expect(server.ports?.map(\.containerPort) == [8080, 9090])
        #expect(server.readinessProbe?.httpGet?.path == "/readyz")
        #expect(server.livenessProbe?.httpGet?.path == "/healthz")
        #expect(server.readinessProbe?.httpGet?.port == "admin")
        #expect(pod.volumes?.contains { $0.name == "gateway-install" && $0.emptyDir != nil } == true)
        #expect(plan.deployment.spec?.replicas == 1)
    }

    @Test func httpServerGetsAGatewayContainerOnLocalhost() throws {
        let plan = try plan(Fixtures.httpServer())
        let pod = try #require(plan.deployment.spec?.template.spec)
        #expect(pod.initContainers == nil)
        #expect(pod.containers.map(\.name) == ["server", "gateway"])
        let gateway = pod.containers[1]
        // The gateway container runs the binary from the gateway image's own install folder.
        #expect(gateway.image == "example.com/mcp-gateway:1")
        #expect(gateway.command == ["/opt/mcp-gateway/bin/mcp-gateway"])
        #expect(gateway.imagePullPolicy == "IfNotPresent")
        #expect(gateway.volumeMounts?.contains { $0.name == "gateway-install" } == false)
        #expect(pod.volumes?.contains { $0.name == "gateway-install" } == false)
        #expect(gateway.env == [EnvVar(name: "MCP_GATEWAY_ADMIN_TOKEN",
                                       valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "web-gateway-admin", key: "token")))])
        #expect(pod.volumes?.contains { $0.secret?.secretName == "web-gateway-admin" } == false)
        #expect(pod.containers[0].imagePullPolicy == nil)
        #expect(gateway.args?.contains("--upstream-url") == true)
        #expect(gateway.args?.contains("http://127.0.0.1:3000/mcp") == true)
        #expect(pod.containers[0].command == nil)
    }

    @Test func stdioPluginRunsTheGatewayInstalledFromTheGatewayImage() throws {
        var plugin = Fixtures.plugin
        plugin.transport = .stdio
        plugin.command = ["python3", "search.py"]
        plugin.args = ["--index", "/data"]
        let plan = try plan(Fixtures.stdioServer(plugins: [plugin]))
        let pod = try #require(plan.pluginDeployments.first?.spec?.template.spec)
        let install = try #require(pod.initContainers?.first)
        #expect(pod.initContainers?.count == 1)
        #expect(install.name == "install-gateway")
        #expect(install.image == "example.com/mcp-gateway:1")
        #expect(install.command == ["/opt/mcp-gateway/bin/mcp-gateway", "--install-to", "/gateway-install"])
        #expect(install.volumeMounts == [VolumeMount(name: "gateway-install", mountPath: "/gateway-install")])
        let container = try #require(pod.containers.first)
        #expect(container.image == "example.com/search:2")
        #expect(container.command == ["/opt/mcp-gateway/bin/mcp-gateway", "--listen", "0.0.0.0:8080", "--pass-through", "--",
                                      "python3", "search.py", "--index", "/data"])
        #expect(container.args == nil)
        #expect(container.volumeMounts?.contains(VolumeMount(name: "gateway-install", mountPath: "/opt/mcp-gateway", readOnly: true)) == true)
        #expect(pod.volumes?.contains { $0.name == "gateway-install" && $0.emptyDir != nil } == true)
    }

    @Test func gatewayImagePullPolicyReachesEveryContainerOfTheGatewayImageOnly() throws {
        var options = Fixtures.options
        options.gatewayImagePullPolicy = .always
        var plugin = Fixtures.plugin
        plugin.transport = .stdio
        plugin.name = "grep"
        plugin.command = ["grep-mcp"]
        let stdio = try ServerPlan(server: Fixtures.stdioServer(plugins: [plugin, Fixtures.plugin]), policy: nil, adminToken: "t", options: options)
        let http = try ServerPlan(server: Fixtures.httpServer(), policy: nil, adminToken: "t", options: options)
        var gatewayContainers: [Container] = []
        var otherContainers: [Container] = []
        for deployment in [stdio.deployment, http.deployment] + stdio.pluginDeployments {
            for container in allContainers(deployment) {
                if container.image == "example.com/mcp-gateway:1" { gatewayContainers.append(container) } else { otherContainers.append(container) }
            }
        }
        // install-gateway of the server and of the stdio plugin, and the HTTP server's gateway.
        #expect(gatewayContainers.map(\.name).sorted() == ["gateway", "install-gateway", "install-gateway"])
        #expect(gatewayContainers.allSatisfy { $0.imagePullPolicy == "Always" })
        #expect(!otherContainers.isEmpty)
        #expect(otherContainers.allSatisfy { $0.imagePullPolicy == nil })
        options.gatewayImagePullPolicy = .never
        let never = try ServerPlan(server: Fixtures.httpServer(), policy: nil, adminToken: "t", options: options)
        #expect(never.deployment.spec?.template.spec?.containers.last?.imagePullPolicy == "Never")
        #expect(ImagePullPolicy.allCases.map(\.rawValue) == ["Always", "IfNotPresent", "Never"])
    }

    @Test func aPolicyTooLargeForAConfigMapIsRefusedWithItsSize() throws {
        // 70,000 /32 blocks render to about 1.3 MB: over the ConfigMap limit, which the API
        // server would answer with 422 on every reconcile.
        var policy = PolicyDocument()
        policy.threatIntel = PolicyDocument.ThreatIntel(denyCIDRs: (0..<70_000).map { "10.\($0 >> 16).\(($0 >> 8) & 255).\($0 & 255)/32" })
        #expect { try plan(Fixtures.stdioServer(), policy: policy) } throws: { error in
            guard let error = error as? PlanError, error.reason == "PolicyTooLarge" else { return false }
            return error.description.contains("more than the 1000000 a ConfigMap can carry")
        }
        let fewer = Array(policy.threatIntel?.denyCIDRs?.prefix(1000) ?? [])
        policy.threatIntel?.denyCIDRs = fewer
        #expect(try plan(Fixtures.stdioServer(), policy: policy).policyConfigMap.data?["policy.json"] != nil)
    }

    @Test func stdioWithoutCommandAndPortClashesAreRefused() throws {
        var server = Fixtures.stdioServer()
        server.spec.command = nil
        #expect(throws: PlanError.commandRequired) { try plan(server) }
        #expect(throws: PlanError.portConflict(9090)) { try plan(Fixtures.httpServer(port: 9090)) }
        var invalid = Fixtures.stdioServer(plugins: [MCPServerSpec.Plugin(name: "x", image: "Not A Valid Image", port: 1)])
        invalid.spec.plugins?[0].transport = .streamableHTTP
        #expect { try plan(invalid) } throws: { ($0 as? PlanError)?.reason == "InvalidSpec" }
    }

    @Test func everyContainerMeetsTheRestrictedPodSecurityStandard() throws {
        let plan = try plan(Fixtures.stdioServer(plugins: [Fixtures.plugin]))
        for deployment in [plan.deployment] + plan.pluginDeployments {
            let pod = try #require(deployment.spec?.template.spec)
            #expect(pod.automountServiceAccountToken == false)
            #expect(pod.securityContext?.runAsNonRoot == true)
            #expect(pod.securityContext?.seccompProfile?.type == "RuntimeDefault")
            for container in allContainers(deployment) {
                let security = try #require(container.securityContext)
                #expect(security.runAsNonRoot == true)
                #expect(security.runAsUser == 65532)
                #expect(security.readOnlyRootFilesystem == true)
                #expect(security.allowPrivilegeEscalation == false)
                #expect(security.capabilities?.drop == ["ALL"])
                #expect(security.seccompProfile?.type == "RuntimeDefault")
            }
        }
        #expect(plan.serviceAccount.automountServiceAccountToken == false)
    }

    @Test func autoscalingModeNeverSetsReplicasAndAddsAnHPAAndPDB() throws {
        let server = Fixtures.stdioServer(replicas: 3, autoscaling: .init(minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70))
        let plan = try plan(server)
        #expect(plan.deployment.spec?.replicas == nil)
        #expect(plan.objects.first { $0.resourceType == Deployment.resourceType }?.body[path: ["spec", "replicas"]] == nil)
        let hpa = try #require(plan.autoscaler)
        #expect(hpa.spec?.scaleTargetRef.kind == "Deployment")
        #expect(hpa.spec?.scaleTargetRef.name == "files")
        #expect(hpa.spec?.minReplicas == 2)
        #expect(hpa.spec?.maxReplicas == 5)
        #expect(hpa.spec?.metrics?.first?.resource?.target.averageUtilization == 70)
        #expect(plan.disruptionBudget?.spec?.maxUnavailable == 1)
        #expect(try self.plan(Fixtures.stdioServer()).disruptionBudget == nil)
    }

    @Test func allowedOriginsReachTheGateway() throws {
        var server = Fixtures.httpServer()
        server.spec.gateway = .init(allowedOrigins: ["https://app.example"])
        let gateway = try #require(try plan(server).deployment.spec?.template.spec?.containers.first { $0.name == "gateway" })
        let arguments = gateway.args ?? []
        let flag = try #require(arguments.firstIndex(of: "--allowed-origin"))
        #expect(arguments[flag + 1] == "https://app.example")
    }

    @Test func aNewAdminTokenRollsThePodsOut() throws {
        // Gateways read the token at start: pods must restart when it changes, and only then.
        let first = try ServerPlan(server: Fixtures.stdioServer(), policy: nil, adminToken: "token-1", options: Fixtures.options)
        let again = try ServerPlan(server: Fixtures.stdioServer(), policy: nil, adminToken: "token-1", options: Fixtures.options)
        let renewed = try ServerPlan(server: Fixtures.stdioServer(), policy: nil, adminToken: "token-2", options: Fixtures.options)
        let annotation = { (plan: ServerPlan) in plan.deployment.spec?.template.metadata?.annotations?[OperatorAnnotations.adminTokenHash] }
        #expect(annotation(first)?.count == 16)
        #expect(annotation(first) == annotation(again))
        #expect(annotation(first) != annotation(renewed))
        #expect(first.deployment.spec?.template != renewed.deployment.spec?.template)
        #expect(annotation(first).map { !"token-1".contains($0) } == true, "a hash, not the token")
    }

    @Test func policyVersionLivesInTheConfigMapOnlyNeverInThePodTemplate() throws {
        let document = Fixtures.policy("p").spec
        let first = try plan(Fixtures.stdioServer(), policy: document)
        var changed = document
        changed.defaultAction = .allow
        let second = try plan(Fixtures.stdioServer(), policy: changed)
        #expect(first.policyConfigMap.metadata.annotations?[OperatorAnnotations.policyVersion] == document.version)
        #expect(first.policyConfigMap.data?["policy.json"] == String(decoding: document.canonicalJSON(), as: UTF8.self))
        #expect(first.deployment == second.deployment)  // a policy change does not touch the pods
        #expect(first.policyConfigMap != second.policyConfigMap)
        let template = try JSONValue(encoding: first.deployment.spec?.template)
        let text = String(decoding: try template.data(), as: UTF8.self)
        #expect(!text.contains("sha256:"))
    }

    @Test func allowDNSAdmitsTheClusterDNSPodsOnly() throws {
        var plugin = Fixtures.plugin
        plugin.egress = MCPServerSpec.Egress(allowDNS: true)
        let policy = try #require(try plan(Fixtures.stdioServer(plugins: [plugin])).networkPolicies.last)
        let rule = try #require(policy.spec?.egress?.first)
        #expect(policy.spec?.egress?.count == 1)
        #expect(rule.to?.first?.podSelector?.matchLabels == ["k8s-app": "kube-dns"])
        #expect(rule.to?.first?.namespaceSelector?.matchLabels == ["kubernetes.io/metadata.name": "kube-system"])
        #expect(rule.ports == [NetworkPolicyPort(protocol: "UDP", port: .int(53)), NetworkPolicyPort(protocol: "TCP", port: .int(53))])
    }

    @Test func anExposedServiceKeepsTheClientsAddress() throws {
        var server = Fixtures.httpServer()
        #expect(try plan(server).service.spec?.externalTrafficPolicy == nil, "ClusterIP: the API server refuses the field")
        for type in ["NodePort", "LoadBalancer"] {
            server.spec.gateway = MCPServerSpec.Gateway(serviceType: type)
            #expect(try plan(server).service.spec?.externalTrafficPolicy == "Local", "\(type): no SNAT to a node's address")
        }
    }

    @Test func servicesAndNetworkPoliciesIsolatePlugins() throws {
        var server = Fixtures.stdioServer(plugins: [Fixtures.plugin])
        server.spec.sessionAffinity = .clientIP
        server.spec.gateway = MCPServerSpec.Gateway(port: 80)
        let plan = try plan(server)
        #expect(plan.service.spec?.ports?.first?.port == 80)
        #expect(plan.service.spec?.ports?.first?.targetPort == "mcp")
        #expect(plan.service.spec?.sessionAffinity == "ClientIP")
        // The operator owns the timeout the API server would default, so switching back to None
        // drops it (the API server refuses None with a sessionAffinityConfig).
        #expect(plan.service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
        server.spec.sessionAffinity = MCPServerSpec.SessionAffinity.none
        #expect(try self.plan(server).service.spec?.sessionAffinityConfig == nil)
        #expect(plan.endpoint == "http://files.default.svc.cluster.local:80/mcp")
        #expect(plan.pluginServices.first?.metadata.name == "files-plugin-search")
        #expect(plan.pluginDeployments.first?.spec?.replicas == 1)
        let command = plan.deployment.spec?.template.spec?.containers.first?.command ?? []
        #expect(command.contains("search=http://files-plugin-search.default.svc:7000/mcp"))

        let serverPolicy = plan.networkPolicies[0]
        #expect(serverPolicy.spec?.policyTypes == ["Ingress"])
        let admin = serverPolicy.spec?.ingress?[1]
        #expect(admin?.ports?.first?.port == "admin")
        #expect(admin?.from?.first?.namespaceSelector?.matchLabels?["kubernetes.io/metadata.name"] == "mcp-system")
        let pluginPolicy = plan.networkPolicies[1]
        #expect(pluginPolicy.spec?.policyTypes == ["Ingress", "Egress"])
        #expect(pluginPolicy.spec?.ingress?.first?.from?.first?.podSelector?.matchLabels?["app.kubernetes.io/component"] == "server")
        #expect(pluginPolicy.spec?.egress?.first?.to?.first?.ipBlock?.cidr == "10.0.0.0/8")
        #expect(pluginPolicy.spec?.egress?.first?.ports == [NetworkPolicyPort(protocol: "TCP", port: .int(443)), NetworkPolicyPort(protocol: "UDP", port: .int(443))],
                "a listed port admits TCP and UDP (port 53 must admit DNS over UDP)")

        var closed = Fixtures.plugin
        closed.egress = nil
        let closedPlan = try self.plan(Fixtures.stdioServer(plugins: [closed]))
        #expect(closedPlan.networkPolicies[1].spec?.policyTypes?.contains("Egress") == true)
        #expect(closedPlan.networkPolicies[1].spec?.egress == nil, "no rules is an absent list, as the API server stores it")
    }

    @Test func staleChildrenAreThoseOfPrunableKindsNoLongerPlanned() throws {
        let plan = try plan(Fixtures.stdioServer())
        let owned = [ChildReference(Deployment.resourceType, namespace: "default", name: "files"),
                     ChildReference(Deployment.resourceType, namespace: "default", name: "files-plugin-old"),
                     ChildReference(HorizontalPodAutoscaler.resourceType, namespace: "default", name: "files"),
                     ChildReference(ConfigMap.resourceType, namespace: "default", name: "other")]
        #expect(plan.stale(owned: owned).map(\.name) == ["files-plugin-old", "files"])
    }

    @Test func appliedStateIgnoresServerDefaultsButSeesDrift() throws {
        let plan = try plan(Fixtures.stdioServer())
        let desired = try #require(plan.objects.first { $0.resourceType == Deployment.resourceType })
        var live = desired.body
        live["status"] = ["replicas": 1]
        live["metadata"]?["uid"] = "x"
        #expect(AppliedState.isUpToDate(desired, live: addingDefault(live)))
        var drifted = live
        drifted["spec"]?["replicas"] = 5
        #expect(!AppliedState.isUpToDate(desired, live: drifted))
        var unstamped = live
        unstamped["metadata"]?["annotations"] = [:]
        #expect(!AppliedState.isUpToDate(desired, live: unstamped))
    }

    private func addingDefault(_ value: JSONValue) -> JSONValue {
        var value = value
        value["spec"]?["revisionHistoryLimit"] = 10
        return value
    }
}
