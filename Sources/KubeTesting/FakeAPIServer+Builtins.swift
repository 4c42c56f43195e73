import KubeClient

/// The built-in types `registerBuiltins()` serves.
enum BuiltinTypes {
    static let namespaces = ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    static let configMaps = ResourceType(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    static let secrets = ResourceType(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    static let serviceAccounts = ResourceType(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    static let services = ResourceType(group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    static let pods = ResourceType(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    static let endpointSlices = ResourceType(group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true)
    static let deployments = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    static let networkPolicies = ResourceType(group: "networking.k8s.io", version: "v1", plural: "networkpolicies", kind: "NetworkPolicy", namespaced: true)
    static let horizontalPodAutoscalers = ResourceType(group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true)
    static let podDisruptionBudgets = ResourceType(group: "policy", version: "v1", plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true)
    static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    static let events = ResourceType(group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
    static let customResourceDefinitions = ResourceType(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)
}

extension FakeAPIServer {
    /// Serves the built-in types the operator uses, with the real server's per-type behaviour:
    /// namespaces, configmaps, secrets, serviceaccounts, services (status), pods (status),
    /// endpointslices.discovery.k8s.io/v1, deployments.apps/v1 (status, scale from `.spec.replicas`,
    /// `.status.replicas`, `.spec.selector`), networkpolicies.networking.k8s.io/v1,
    /// horizontalpodautoscalers.autoscaling/v2 (status), poddisruptionbudgets.policy/v1 (status),
    /// leases.coordination.k8s.io/v1, events.events.k8s.io/v1 and
    /// customresourcedefinitions.apiextensions.k8s.io/v1 (cluster-scoped, status).
    ///
    /// Built-in types allow PUT without `resourceVersion` (except CRDs), accept strategic merge
    /// patch (applied as a JSON merge patch), omit `apiVersion`/`kind` from list items, and answer
    /// an immediate DELETE with a `Success` Status (pods answer with the object).
    public func registerBuiltins() {
        for registration in BuiltinTypes.registrations { register(registration) }
    }
}

extension BuiltinTypes {
    /// The registrations of the built-in types, with their per-type behaviour.
    static var registrations: [RegisteredType] {
        func builtin(_ type: ResourceType, status: Bool = false, scale: ScaleSubresource? = nil,
                     unconditional: Bool = true, returnsObject: Bool = false, fields: Set<String> = [],
                     rule: RegisteredType.NameRule = .subdomain) -> RegisteredType {
            RegisteredType(type: type, statusSubresource: status, scale: scale, builtin: true,
                           returnsDeletedObject: returnsObject, allowUnconditionalUpdate: unconditional,
                           selectableFields: fields, nameRule: rule)
        }
        return [
            builtin(namespaces, status: true, fields: ["status.phase"], rule: .label),
            builtin(configMaps),
            builtin(secrets, fields: ["type"]),
            builtin(serviceAccounts),
            builtin(services, status: true, rule: .dns1035Label),
            builtin(pods, status: true, returnsObject: true,
                    fields: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                             "status.phase", "status.podIP"]),
            builtin(endpointSlices),
            builtin(deployments, status: true,
                    scale: ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                            labelSelectorPath: ".spec.selector")),
            builtin(networkPolicies),
            builtin(horizontalPodAutoscalers, status: true),
            builtin(podDisruptionBudgets, status: true),
            builtin(leases),
            builtin(events),
            builtin(customResourceDefinitions, status: true, unconditional: false),
        ]
    }
}
