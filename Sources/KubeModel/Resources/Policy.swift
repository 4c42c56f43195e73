/// Limits voluntary disruptions, such as drains, of a set of pods
/// (policy/v1 PodDisruptionBudget).
public struct PodDisruptionBudget: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "policy", version: "v1", plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true)

    public var apiVersion: String = "policy/v1"
    public var kind: String = "PodDisruptionBudget"
    public var metadata: ObjectMeta
    public var spec: PodDisruptionBudgetSpec?
    public var status: PodDisruptionBudgetStatus?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        spec: PodDisruptionBudgetSpec? = nil,
        status: PodDisruptionBudgetStatus? = nil
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
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "policy/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "PodDisruptionBudget"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(PodDisruptionBudgetSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(PodDisruptionBudgetStatus.self, forKey: .status)
    }
}

/// The pods a budget covers and how many must stay up; set one of the two bounds.
public struct PodDisruptionBudgetSpec: Codable, Sendable, Hashable {
    /// A count or a percentage such as `50%`.
    public var minAvailable: IntOrString?
    /// A count or a percentage such as `50%`.
    public var maxUnavailable: IntOrString?
    public var selector: LabelSelector?
    /// `IfHealthyBudget` or `AlwaysAllow`.
    public var unhealthyPodEvictionPolicy: String?

    public init(
        minAvailable: IntOrString? = nil,
        maxUnavailable: IntOrString? = nil,
        selector: LabelSelector? = nil,
        unhealthyPodEvictionPolicy: String? = nil
    ) {
        self.minAvailable = minAvailable
        self.maxUnavailable = maxUnavailable
        self.selector = selector
        self.unhealthyPodEvictionPolicy = unhealthyPodEvictionPolicy
    }
}

/// The observed state of a disruption budget.
public struct PodDisruptionBudgetStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    /// Pods being evicted, by name, with when the eviction was admitted.
    public var disruptedPods: [String: String]?
    public var disruptionsAllowed: Int?
    public var currentHealthy: Int?
    public var desiredHealthy: Int?
    public var expectedPods: Int?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        disruptedPods: [String: String]? = nil,
        disruptionsAllowed: Int? = nil,
        currentHealthy: Int? = nil,
        desiredHealthy: Int? = nil,
        expectedPods: Int? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.disruptedPods = disruptedPods
        self.disruptionsAllowed = disruptionsAllowed
        self.currentHealthy = currentHealthy
        self.desiredHealthy = desiredHealthy
        self.expectedPods = expectedPods
        self.conditions = conditions
    }
}
