/// The pods a workload controller creates: their metadata and spec.
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// The desired state of a pod (core/v1 PodSpec).
public struct PodSpec: Codable, Sendable, Hashable {
    public var containers: [Container]
    /// Run in order before `containers`; those with `restartPolicy: Always` are sidecars.
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var securityContext: PodSecurityContext?
    public var imagePullSecrets: [LocalObjectReference]?
    public var nodeSelector: [String: String]?
    public var nodeName: String?
    /// Node and pod (anti-)affinity, untyped.
    public var affinity: JSONValue?
    public var tolerations: [Toleration]?
    public var topologySpreadConstraints: [TopologySpreadConstraint]?
    public var schedulerName: String?
    public var priorityClassName: String?
    public var priority: Int?
    public var preemptionPolicy: String?
    public var runtimeClassName: String?
    /// `Always` (the default), `OnFailure` or `Never`.
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var activeDeadlineSeconds: Int64?
    public var dnsPolicy: String?
    public var hostname: String?
    public var subdomain: String?
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var hostUsers: Bool?
    public var shareProcessNamespace: Bool?
    /// Whether service addresses are injected as environment variables.
    public var enableServiceLinks: Bool?
    public var overhead: [String: Quantity]?

    public init(
        containers: [Container],
        initContainers: [Container]? = nil,
        volumes: [Volume]? = nil,
        serviceAccountName: String? = nil,
        automountServiceAccountToken: Bool? = nil,
        securityContext: PodSecurityContext? = nil,
        imagePullSecrets: [LocalObjectReference]? = nil,
        nodeSelector: [String: String]? = nil,
        nodeName: String? = nil,
        affinity: JSONValue? = nil,
        tolerations: [Toleration]? = nil,
        topologySpreadConstraints: [TopologySpreadConstraint]? = nil,
        schedulerName: String? = nil,
        priorityClassName: String? = nil,
        priority: Int? = nil,
        preemptionPolicy: String? = nil,
        runtimeClassName: String? = nil,
        restartPolicy: String? = nil,
        terminationGracePeriodSeconds: Int64? = nil,
        activeDeadlineSeconds: Int64? = nil,
        dnsPolicy: String? = nil,
        hostname: String? = nil,
        subdomain: String? = nil,
        hostNetwork: Bool? = nil,
        hostPID: Bool? = nil,
        hostIPC: Bool? = nil,
        hostUsers: Bool? = nil,
        shareProcessNamespace: Bool? = nil,
        enableServiceLinks: Bool? = nil,
        overhead: [String: Quantity]? = nil
    ) {
        self.containers = containers
        self.initContainers = initContainers
        self.volumes = volumes
        self.serviceAccountName = serviceAccountName
        self.automountServiceAccountToken = automountServiceAccountToken
        self.securityContext = securityContext
        self.imagePullSecrets = imagePullSecrets
        self.nodeSelector = nodeSelector
        self.nodeName = nodeName
        self.affinity = affinity
        self.tolerations = tolerations
        self.topologySpreadConstraints = topologySpreadConstraints
        self.schedulerName = schedulerName
        self.priorityClassName = priorityClassName
        self.priority = priority
        self.preemptionPolicy = preemptionPolicy
        self.runtimeClassName = runtimeClassName
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.dnsPolicy = dnsPolicy
        self.hostname = hostname
        self.subdomain = subdomain
        self.hostNetwork = hostNetwork
        self.hostPID = hostPID
        self.hostIPC = hostIPC
        self.hostUsers = hostUsers
        self.shareProcessNamespace = shareProcessNamespace
        self.enableServiceLinks = enableServiceLinks
        self.overhead = overhead
    }
}

/// Lets a pod schedule onto nodes with a matching taint.
public struct Toleration: Codable, Sendable, Hashable {
    public var key: String?
    /// `Equal` (the default) or `Exists`.
    public var `operator`: String?
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches all.
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(
        key: String? = nil,
        `operator`: String? = nil,
        value: String? = nil,
        effect: String? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.`operator` = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }
}

/// How to spread matching pods across a topology, such as zones.
public struct TopologySpreadConstraint: Codable, Sendable, Hashable {
    public var maxSkew: Int
    /// A node label, such as `topology.kubernetes.io/zone`.
    public var topologyKey: String
    /// `DoNotSchedule` or `ScheduleAnyway`.
    public var whenUnsatisfiable: String
    public var labelSelector: LabelSelector?
    public var minDomains: Int?
    public var nodeAffinityPolicy: String?
    public var nodeTaintsPolicy: String?
    public var matchLabelKeys: [String]?

    public init(
        maxSkew: Int,
        topologyKey: String,
        whenUnsatisfiable: String,
        labelSelector: LabelSelector? = nil,
        minDomains: Int? = nil,
        nodeAffinityPolicy: String? = nil,
        nodeTaintsPolicy: String? = nil,
        matchLabelKeys: [String]? = nil
    ) {
        self.maxSkew = maxSkew
        self.topologyKey = topologyKey
        self.whenUnsatisfiable = whenUnsatisfiable
        self.labelSelector = labelSelector
        self.minDomains = minDomains
        self.nodeAffinityPolicy = nodeAffinityPolicy
        self.nodeTaintsPolicy = nodeTaintsPolicy
        self.matchLabelKeys = matchLabelKeys
    }
}
