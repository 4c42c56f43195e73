/// A group of containers scheduled together on one node (core/v1 Pod).
public struct Pod: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)

    public var apiVersion: String = "v1"
    public var kind: String = "Pod"
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec? = nil, status: PodStatus? = nil) {
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
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Pod"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(PodSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(PodStatus.self, forKey: .status)
    }
}

/// The observed state of a pod, reported by the kubelet.
public struct PodStatus: Codable, Sendable, Hashable {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var observedGeneration: Int64?
    public var nominatedNodeName: String?
    public var hostIP: String?
    public var hostIPs: [HostIP]?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: String?
    public var initContainerStatuses: [ContainerStatus]?
    public var containerStatuses: [ContainerStatus]?
    public var qosClass: String?

    public init(
        phase: String? = nil,
        conditions: [PodCondition]? = nil,
        message: String? = nil,
        reason: String? = nil,
        observedGeneration: Int64? = nil,
        nominatedNodeName: String? = nil,
        hostIP: String? = nil,
        hostIPs: [HostIP]? = nil,
        podIP: String? = nil,
        podIPs: [PodIP]? = nil,
        startTime: String? = nil,
        initContainerStatuses: [ContainerStatus]? = nil,
        containerStatuses: [ContainerStatus]? = nil,
        qosClass: String? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.message = message
        self.reason = reason
        self.observedGeneration = observedGeneration
        self.nominatedNodeName = nominatedNodeName
        self.hostIP = hostIP
        self.hostIPs = hostIPs
        self.podIP = podIP
        self.podIPs = podIPs
        self.startTime = startTime
        self.initContainerStatuses = initContainerStatuses
        self.containerStatuses = containerStatuses
        self.qosClass = qosClass
    }
}

/// One aspect of a pod's state, such as `Ready` or `PodScheduled`.
public struct PodCondition: Codable, Sendable, Hashable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var observedGeneration: Int64?
    public var lastProbeTime: String?
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(
        type: String,
        status: String,
        observedGeneration: Int64? = nil,
        lastProbeTime: String? = nil,
        lastTransitionTime: String? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// One IP address of a pod.
public struct PodIP: Codable, Sendable, Hashable {
    public var ip: String

    public init(ip: String) {
        self.ip = ip
    }
}

/// One IP address of a pod's node.
public struct HostIP: Codable, Sendable, Hashable {
    public var ip: String

    public init(ip: String) {
        self.ip = ip
    }
}

/// The state of one container of a pod.
public struct ContainerStatus: Codable, Sendable, Hashable {
    public var name: String
    public var state: ContainerState?
    /// The state the container was in before its last restart.
    public var lastState: ContainerState?
    /// Whether the container passes its readiness probe.
    public var ready: Bool?
    public var started: Bool?
    public var restartCount: Int?
    public var image: String?
    public var imageID: String?
    /// `<runtime>://<id>`.
    public var containerID: String?

    public init(
        name: String,
        state: ContainerState? = nil,
        lastState: ContainerState? = nil,
        ready: Bool? = nil,
        started: Bool? = nil,
        restartCount: Int? = nil,
        image: String? = nil,
        imageID: String? = nil,
        containerID: String? = nil
    ) {
        self.name = name
        self.state = state
        self.lastState = lastState
        self.ready = ready
        self.started = started
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
    }
}

/// A container's state; one of the three is set.
public struct ContainerState: Codable, Sendable, Hashable {
    public var waiting: ContainerStateWaiting?
    public var running: ContainerStateRunning?
    public var terminated: ContainerStateTerminated?

    public init(
        waiting: ContainerStateWaiting? = nil,
        running: ContainerStateRunning? = nil,
        terminated: ContainerStateTerminated? = nil
    ) {
        self.waiting = waiting
        self.running = running
        self.terminated = terminated
    }
}

/// A container not yet running, such as in `CrashLoopBackOff`.
public struct ContainerStateWaiting: Codable, Sendable, Hashable {
    public var reason: String?
    public var message: String?

    public init(reason: String? = nil, message: String? = nil) {
        self.reason = reason
        self.message = message
    }
}

/// A running container.
public struct ContainerStateRunning: Codable, Sendable, Hashable {
    public var startedAt: String?

    public init(startedAt: String? = nil) {
        self.startedAt = startedAt
    }
}

/// A container that exited.
public struct ContainerStateTerminated: Codable, Sendable, Hashable {
    public var exitCode: Int?
    public var signal: Int?
    public var reason: String?
    public var message: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var containerID: String?

    public init(
        exitCode: Int? = nil,
        signal: Int? = nil,
        reason: String? = nil,
        message: String? = nil,
        startedAt: String? = nil,
        finishedAt: String? = nil,
        containerID: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }
}
