import KubeModel
import OperatorAPI

extension PlanContext {
    /// The server pods' ingress: the `mcp` port from pods of the namespace, from pods any
    /// `spec.gateway.allowFrom` selector matches (in any namespace), and from anywhere when the
    /// Service is a NodePort or LoadBalancer (exposure was asked for); the `admin` port only from
    /// the operator's pods (`options.operatorPodLabels` in `options.operatorNamespace`, matched
    /// through the `kubernetes.io/metadata.name` namespace label). Egress is not restricted: the
    /// server reaches its plugins and whatever its tools need.
    func serverNetworkPolicy() -> NetworkPolicy {
        var clients = [NetworkPolicyPeer(podSelector: LabelSelector())]
        for selector in spec.gateway?.allowFrom ?? [] {
            clients.append(NetworkPolicyPeer(podSelector: selector, namespaceSelector: LabelSelector()))
        }
        if let type = spec.gateway?.serviceType, type == "NodePort" || type == "LoadBalancer" {
            clients.append(NetworkPolicyPeer(ipBlock: IPBlock(cidr: "0.0.0.0/0")))
            clients.append(NetworkPolicyPeer(ipBlock: IPBlock(cidr: "::/0")))
        }
        let operatorPeer = NetworkPolicyPeer(
            podSelector: LabelSelector(matchLabels: options.operatorPodLabels),
            namespaceSelector: LabelSelector(matchLabels: ["kubernetes.io/metadata.name": options.operatorNamespace]))
        return NetworkPolicy(
            metadata: metadata(naming.serverNetworkPolicy, component: OperatorLabels.serverComponent),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: naming.selector(component: OperatorLabels.serverComponent)),
                policyTypes: ["Ingress"],
                ingress: [
                    NetworkPolicyIngressRule(from: clients, ports: [NetworkPolicyPort(protocol: "TCP", port: "mcp")]),
                    NetworkPolicyIngressRule(from: [operatorPeer], ports: [NetworkPolicyPort(protocol: "TCP", port: "admin")]),
                ]))
    }

    /// A plugin's isolation: ingress only from its server's pods, on its port; egress only to
    /// the CIDR/port allow-list of `egress.allow` (none by default: `Egress` with no rules); a
    /// listed port admits TCP and UDP. The cluster's DNS only with `egress.allowDNS`.
    func pluginNetworkPolicy(_ plugin: MCPServerSpec.Plugin) -> NetworkPolicy {
        let serverPods = NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: naming.selector(component: OperatorLabels.serverComponent)))
        var egress = (plugin.egress?.allow ?? []).map { rule in
            NetworkPolicyEgressRule(
                to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: rule.cidr))],
                ports: rule.ports.map { $0.flatMap { port in ["TCP", "UDP"].map { NetworkPolicyPort(protocol: $0, port: .int(port)) } } })
        }
        if plugin.egress?.allowDNS == true {
            // By pod, not by the DNS Service's address: whether a policy sees a packet before or
            // after the Service address is rewritten is up to the network plugin.
            egress.append(NetworkPolicyEgressRule(
                to: [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: ["k8s-app": "kube-dns"]),
                                       namespaceSelector: LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "kube-system"]))],
                ports: ["UDP", "TCP"].map { NetworkPolicyPort(protocol: $0, port: .int(53)) }))
        }
        return NetworkPolicy(
            metadata: metadata(naming.plugin(plugin.name), component: OperatorLabels.pluginComponent, plugin: plugin.name),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: naming.selector(component: OperatorLabels.pluginComponent, plugin: plugin.name)),
                policyTypes: ["Ingress", "Egress"],
                ingress: [NetworkPolicyIngressRule(from: [serverPods], ports: [NetworkPolicyPort(protocol: "TCP", port: .int(pluginPort(plugin)))])],
                // No rules: nil, not [], as the API server stores it (it omits an empty list), so
                // the live object matches what was applied.
                egress: egress.isEmpty ? nil : egress))
    }
}
