/// A replicated, rolling-updated set of pods (apps/v1 Deployment).
public struct Deployment: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)

    public var apiVersion: String = "apps/v1"
    public var kind: String = "Deployment"
    public var metadata: ObjectMeta
    public var spec: DeploymentSpec?
    public var status: DeploymentStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: DeploymentSpec? = nil, status: DeploymentStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "apps/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Deployment"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(DeploymentSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(DeploymentStatus.self, forKey: .status)
    }
}

/// The desired state of a deployment.
public struct DeploymentSpec: Codable, Sendable, Hashable {
    /// Leave nil when an autoscaler owns the count.
    public var replicas: Int?
    /// Must match the template's labels; immutable.
    public var selector: LabelSelector
    public var template: PodTemplateSpec
    public var strategy: DeploymentStrategy?
    public var minReadySeconds: Int?
    public var revisionHistoryLimit: Int?
    public var progressDeadlineSeconds: Int?
    public var paused: Bool?

    public init(
        replicas: Int? = nil,
        selector: LabelSelector,
        template: PodTemplateSpec,
        strategy: DeploymentStrategy? = nil,
        minReadySeconds: Int? = nil,
        revisionHistoryLimit: Int? = nil,
        progressDeadlineSeconds: Int? = nil,
        paused: Bool? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.strategy = strategy
        self.minReadySeconds = minReadySeconds
        self.revisionHistoryLimit = revisionHistoryLimit
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.paused = paused
    }
}

/// How a deployment replaces old pods with new ones.
public struct DeploymentStrategy: Codable, Sendable, Hashable {
    /// `RollingUpdate` (the default) or `Recreate`.
    public var type: String?
    public var rollingUpdate: RollingUpdateDeployment?

    public init(type: String? = nil, rollingUpdate: RollingUpdateDeployment? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

/// The pace of a rolling update.
public struct RollingUpdateDeployment: Codable, Sendable, Hashable {
    /// A count or a percentage such as `25%`.
    public var maxUnavailable: IntOrString?
    /// A count or a percentage such as `25%`.
    public var maxSurge: IntOrString?

    public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
        self.maxUnavailable = maxUnavailable
        self.maxSurge = maxSurge
    }
}

/// The observed state of a deployment.
public struct DeploymentStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var unavailableReplicas: Int?
    public var terminatingReplicas: Int?
    public var collisionCount: Int?
    public var conditions: [DeploymentCondition]?

    public init(
        observedGeneration: Int64? = nil,
        replicas: Int? = nil,
        updatedReplicas: Int? = nil,
        readyReplicas: Int? = nil,
        availableReplicas: Int? = nil,
        unavailableReplicas: Int? = nil,
        terminatingReplicas: Int? = nil,
        collisionCount: Int? = nil,
        conditions: [DeploymentCondition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.unavailableReplicas = unavailableReplicas
        self.terminatingReplicas = terminatingReplicas
        self.collisionCount = collisionCount
        self.conditions = conditions
    }
}

/// One aspect of a deployment's state, such as `Available` or `Progressing`.
public struct DeploymentCondition: Codable, Sendable, Hashable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var lastUpdateTime: String?
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(
        type: String,
        status: String,
        lastUpdateTime: String? = nil,
        lastTransitionTime: String? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastUpdateTime = lastUpdateTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
