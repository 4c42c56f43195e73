/// Scales a workload on metrics (autoscaling/v2 HorizontalPodAutoscaler).
public struct HorizontalPodAutoscaler: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers",
        kind: "HorizontalPodAutoscaler", namespaced: true)

    public var apiVersion: String = "autoscaling/v2"
    public var kind: String = "HorizontalPodAutoscaler"
    public var metadata: ObjectMeta
    public var spec: HorizontalPodAutoscalerSpec?
    public var status: HorizontalPodAutoscalerStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        spec: HorizontalPodAutoscalerSpec? = nil,
        status: HorizontalPodAutoscalerStatus? = nil
    ) {
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
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "autoscaling/v2"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "HorizontalPodAutoscaler"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(HorizontalPodAutoscalerSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(HorizontalPodAutoscalerStatus.self, forKey: .status)
    }
}

/// What an autoscaler scales, within which bounds, on which metrics.
public struct HorizontalPodAutoscalerSpec: Codable, Sendable, Hashable {
    public var scaleTargetRef: CrossVersionObjectReference
    public var minReplicas: Int?
    public var maxReplicas: Int
    /// Defaults to 80% average CPU utilization.
    public var metrics: [MetricSpec]?
    /// Scale-up and scale-down policies, untyped.
    public var behavior: JSONValue?

    public init(
        scaleTargetRef: CrossVersionObjectReference,
        minReplicas: Int? = nil,
        maxReplicas: Int,
        metrics: [MetricSpec]? = nil,
        behavior: JSONValue? = nil
    ) {
        self.scaleTargetRef = scaleTargetRef
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.metrics = metrics
        self.behavior = behavior
    }
}

/// The object an autoscaler scales, through its scale subresource.
public struct CrossVersionObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String
    public var name: String

    public init(apiVersion: String? = nil, kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}

/// One metric an autoscaler scales on.
public struct MetricSpec: Codable, Sendable, Hashable {
    /// `Resource`, `ContainerResource`, `Pods`, `Object` or `External`.
    public var type: String
    public var resource: ResourceMetricSource?
    public var containerResource: ContainerResourceMetricSource?
    public var pods: JSONValue?
    public var object: JSONValue?
    public var external: JSONValue?

    public init(
        type: String,
        resource: ResourceMetricSource? = nil,
        containerResource: ContainerResourceMetricSource? = nil,
        pods: JSONValue? = nil,
        object: JSONValue? = nil,
        external: JSONValue? = nil
    ) {
        self.type = type
        self.resource = resource
        self.containerResource = containerResource
        self.pods = pods
        self.object = object
        self.external = external
    }
}

/// A resource (`cpu`, `memory`) of the target's pods, averaged.
public struct ResourceMetricSource: Codable, Sendable, Hashable {
    public var name: String
    public var target: MetricTarget

    public init(name: String, target: MetricTarget) {
        self.name = name
        self.target = target
    }
}

/// A resource of one container of the target's pods, averaged.
public struct ContainerResourceMetricSource: Codable, Sendable, Hashable {
    public var name: String
    public var container: String
    public var target: MetricTarget

    public init(name: String, container: String, target: MetricTarget) {
        self.name = name
        self.container = container
        self.target = target
    }
}

/// The value an autoscaler aims a metric at.
public struct MetricTarget: Codable, Sendable, Hashable {
    /// `Utilization`, `Value` or `AverageValue`.
    public var type: String
    public var value: Quantity?
    public var averageValue: Quantity?
    /// Percent of the pods' requests, for `Utilization`.
    public var averageUtilization: Int?

    public init(type: String, value: Quantity? = nil, averageValue: Quantity? = nil, averageUtilization: Int? = nil) {
        self.type = type
        self.value = value
        self.averageValue = averageValue
        self.averageUtilization = averageUtilization
    }
}

/// The observed state of an autoscaler.
public struct HorizontalPodAutoscalerStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var lastScaleTime: String?
    public var currentReplicas: Int?
    public var desiredReplicas: Int?
    public var currentMetrics: [MetricStatus]?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        lastScaleTime: String? = nil,
        currentReplicas: Int? = nil,
        desiredReplicas: Int? = nil,
        currentMetrics: [MetricStatus]? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.lastScaleTime = lastScaleTime
        self.currentReplicas = currentReplicas
        self.desiredReplicas = desiredReplicas
        self.currentMetrics = currentMetrics
        self.conditions = conditions
    }
}

/// The last reading of one metric.
public struct MetricStatus: Codable, Sendable, Hashable {
    public var type: String
    public var resource: ResourceMetricStatus?
    public var containerResource: ContainerResourceMetricStatus?
    public var pods: JSONValue?
    public var object: JSONValue?
    public var external: JSONValue?

    public init(
        type: String,
        resource: ResourceMetricStatus? = nil,
        containerResource: ContainerResourceMetricStatus? = nil,
        pods: JSONValue? = nil,
        object: JSONValue? = nil,
        external: JSONValue? = nil
    ) {
        self.type = type
        self.resource = resource
        self.containerResource = containerResource
        self.pods = pods
        self.object = object
        self.external = external
    }
}

/// The last reading of a resource metric.
public struct ResourceMetricStatus: Codable, Sendable, Hashable {
    public var name: String
    public var current: MetricValueStatus

    public init(name: String, current: MetricValueStatus) {
        self.name = name
        self.current = current
    }
}

/// The last reading of a container resource metric.
public struct ContainerResourceMetricStatus: Codable, Sendable, Hashable {
    public var name: String
    public var container: String
    public var current: MetricValueStatus

    public init(name: String, container: String, current: MetricValueStatus) {
        self.name = name
        self.container = container
        self.current = current
    }
}

/// A metric's current value.
public struct MetricValueStatus: Codable, Sendable, Hashable {
    public var value: Quantity?
    public var averageValue: Quantity?
    public var averageUtilization: Int?

    public init(value: Quantity? = nil, averageValue: Quantity? = nil, averageUtilization: Int? = nil) {
        self.value = value
        self.averageValue = averageValue
        self.averageUtilization = averageUtilization
    }
}

/// The scale subresource of a scalable object (autoscaling/v1 Scale): read and write it
/// at `<object>/scale`; it is not listed on its own.
public struct Scale: Codable, Sendable, Hashable {
    public var apiVersion: String = "autoscaling/v1"
    public var kind: String = "Scale"
    public var metadata: ObjectMeta
    public var spec: ScaleSpec?
    public var status: ScaleStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ScaleSpec? = nil, status: ScaleStatus? = nil) {
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
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "autoscaling/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Scale"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(ScaleSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(ScaleStatus.self, forKey: .status)
    }
}

/// The desired replica count.
public struct ScaleSpec: Codable, Sendable, Hashable {
    public var replicas: Int?

    public init(replicas: Int? = nil) {
        self.replicas = replicas
    }
}

/// The observed replica count, and the selector of the pods counted.
public struct ScaleStatus: Codable, Sendable, Hashable {
    public var replicas: Int?
    /// A label selector in query-string syntax, such as `app=web`.
    public var selector: String?

    public init(replicas: Int? = nil, selector: String? = nil) {
        self.replicas = replicas
        self.selector = selector
    }
}
