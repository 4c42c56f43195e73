import Crypto
import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine

/// Everything the operator wants to exist for one MCPServer, computed without I/O: the pure heart
/// of the reconciler. Each object carries the server's labels and a controlling owner reference,
/// and holds only the fields the operator owns, ready for server-side apply.
///
/// Choices made here (and pinned by tests):
/// - `replicas` is written only without `autoscaling`; with it the HPA owns the count.
/// - The policy version is an annotation of the ConfigMap only, never of the pod template, so a
///   policy change does not restart pods (the gateways take pushes; a new pod boots from the
///   ConfigMap, which is mounted as a directory so updates reach running pods too).
/// - The HPA targets the server Deployment, not the MCPServer's scale subresource: one hop
///   fewer, and the user's `spec.replicas` is never rewritten by an autoscaler (no generation
///   bumps and reconciles per scaling step). `kubectl scale mcps/x` still works without autoscaling.
/// - A stdio server must give `command` (see `PlanError.commandRequired`).
public struct ServerPlan: Sendable, Hashable {
    /// The pods' identity; no API token is mounted.
    public var serviceAccount: ServiceAccount
    /// The gateway admin token (`data.token`), generated once by the reconciler and then kept.
    public var adminSecret: Secret
    /// The rendered policy (`data["policy.json"]`), annotated with its version.
    public var policyConfigMap: ConfigMap
    /// Gateway + server pods.
    public var deployment: Deployment
    /// The Service clients connect to.
    public var service: Service
    /// The server's NetworkPolicy, then one per plugin.
    public var networkPolicies: [NetworkPolicy]
    /// One Deployment per plugin, in spec order.
    public var pluginDeployments: [Deployment]
    /// One Service per plugin, in spec order.
    public var pluginServices: [Service]
    /// The autoscaler, when `spec.autoscaling` is set.
    public var autoscaler: HorizontalPodAutoscaler?
    /// The disruption budget, when more than one replica may run.
    public var disruptionBudget: PodDisruptionBudget?
    /// The version of the policy document in the ConfigMap.
    public var policyVersion: String
    /// The URL clients connect to.
    public var endpoint: String
    /// The server pods' label selector as a string (the scale subresource's `status.selector`).
    public var selector: String

    /// Plans the objects of `server` (defaults are applied here), enforcing `policy` (nil: the
    /// empty document, which denies every call: secure by default), with the admin token
    /// `adminToken` (hex; the reconciler keeps the existing one).
    public init(server: MCPServer, policy: PolicyDocument?, adminToken: String, options: PlannerOptions) throws(PlanError) {
        let server = server.withDefaults()
        let issues = server.validate()
        guard issues.isEmpty else { throw .invalidSpec(issues) }
        guard let uid = server.metadata.uid, !uid.isEmpty else { throw .missingIdentity }
        let context = PlanContext(server: server, uid: uid, options: options)
        let spec = server.spec
        if spec.transport == .stdio, (spec.command ?? []).isEmpty { throw .commandRequired }
        if spec.transport?.isHTTP == true, let port = spec.port, [GatewayLayout.mcpPort, GatewayLayout.adminPort].contains(port) {
            throw .portConflict(port)
        }

        let document = policy ?? PolicyDocument()
        policyVersion = document.version
        serviceAccount = ServiceAccount(metadata: context.metadata(context.naming.workload, component: OperatorLabels.serverComponent),
                                        automountServiceAccountToken: false)
        var secret = Secret(metadata: context.metadata(context.naming.adminSecret, component: OperatorLabels.serverComponent),
                            type: "Opaque")
        secret.setData(Data(adminToken.utf8), forKey: GatewayLayout.adminTokenKey)
        adminSecret = secret
        var configMapMeta = context.metadata(context.naming.policyConfigMap, component: OperatorLabels.serverComponent)
        configMapMeta.annotations = [OperatorAnnotations.policyVersion: policyVersion]
        let policyJSON = document.canonicalJSON()
        guard policyJSON.count <= PlanError.maxPolicyBytes else { throw .policyTooLarge(policyJSON.count) }
        policyConfigMap = ConfigMap(metadata: configMapMeta, data: [GatewayLayout.policyKey: String(decoding: policyJSON, as: UTF8.self)])
        var deployment = context.serverDeployment()
        let tokenHash = SHA256.hash(data: Data(adminToken.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16)
        var templateMeta = deployment.spec?.template.metadata ?? ObjectMeta()
        templateMeta.annotations = (templateMeta.annotations ?? [:]).merging([OperatorAnnotations.adminTokenHash: String(tokenHash)]) { $1 }
        deployment.spec?.template.metadata = templateMeta
        self.deployment = deployment
        service = context.serverService()
        networkPolicies = [context.serverNetworkPolicy()] + (spec.plugins ?? []).map(context.pluginNetworkPolicy)
        pluginDeployments = (spec.plugins ?? []).map(context.pluginDeployment)
        pluginServices = (spec.plugins ?? []).map(context.pluginService)
        autoscaler = context.autoscaler()
        disruptionBudget = context.disruptionBudget()
        let port = spec.gateway?.port ?? GatewayLayout.mcpPort
        let namespace = server.metadata.namespace ?? "default"
        endpoint = "http://\(context.naming.workload).\(namespace).svc.\(options.clusterDomain):\(port)/mcp"
        selector = LabelSelector(matchLabels: context.naming.selector(component: OperatorLabels.serverComponent)).queryString
    }

    /// Every planned object, in the order they are applied: identity and configuration first,
    /// so pods never start without their Secret and ConfigMap.
    public var objects: [DesiredObject] {
        var objects: [DesiredObject] = [DesiredObject(serviceAccount), DesiredObject(adminSecret), DesiredObject(policyConfigMap)]
        objects += networkPolicies.map { DesiredObject($0) }
        objects += pluginServices.map { DesiredObject($0) }
        objects += pluginDeployments.map { DesiredObject($0) }
        objects.append(DesiredObject(deployment))
        objects.append(DesiredObject(service))
        if let autoscaler { objects.append(DesiredObject(autoscaler)) }
        if let disruptionBudget { objects.append(DesiredObject(disruptionBudget)) }
        return objects
    }

    /// The kinds of child that can come and go with the spec (plugins removed, autoscaling or
    /// the PDB switched off); the other kinds are always planned.
    public static let prunableKinds: [ResourceType] = [
        Deployment.resourceType, Service.resourceType, NetworkPolicy.resourceType,
        HorizontalPodAutoscaler.resourceType, PodDisruptionBudget.resourceType,
    ]

    /// Of the children the server owns now, those no longer planned: to be deleted.
    public func stale(owned: [ChildReference]) -> [ChildReference] {
        let desired = Set(objects.map(\.reference))
        return owned.filter { Self.prunableKinds.contains($0.resourceType) && !desired.contains($0) }
            .sorted { ($0.resourceType.plural, $0.name) < ($1.resourceType.plural, $1.name) }
    }
}

/// One object of a kind in a namespace, by name.
public struct ChildReference: Sendable, Hashable, CustomStringConvertible {
    /// The kind.
    public var resourceType: ResourceType
    /// The namespace.
    public var namespace: String
    /// The name.
    public var name: String

    /// A reference.
    public init(_ resourceType: ResourceType, namespace: String, name: String) {
        self.resourceType = resourceType
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(resourceType.kind) \(namespace)/\(name)" }
}
