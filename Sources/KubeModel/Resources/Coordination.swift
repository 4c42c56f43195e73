/// A lease, such as a leader-election lock (coordination.k8s.io/v1 Lease).
public struct Lease: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)

    public var apiVersion: String = "coordination.k8s.io/v1"
    public var kind: String = "Lease"
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: LeaseSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "coordination.k8s.io/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Lease"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(LeaseSpec.self, forKey: .spec)
    }
}

/// Who holds a lease and until when.
/// Times are MicroTime strings, such as `2024-05-01T12:00:00.123456Z`; see `KubeTime`.
public struct LeaseSpec: Codable, Sendable, Hashable {
    public var holderIdentity: String?
    /// How long a holder keeps the lease after its last renewal.
    public var leaseDurationSeconds: Int?
    /// When the current holder acquired the lease (MicroTime).
    public var acquireTime: String?
    /// When the current holder last renewed the lease (MicroTime).
    public var renewTime: String?
    /// How many times the lease changed holders.
    public var leaseTransitions: Int?
    public var strategy: String?
    public var preferredHolder: String?

    public init(
        holderIdentity: String? = nil,
        leaseDurationSeconds: Int? = nil,
        acquireTime: String? = nil,
        renewTime: String? = nil,
        leaseTransitions: Int? = nil,
        strategy: String? = nil,
        preferredHolder: String? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.strategy = strategy
        self.preferredHolder = preferredHolder
    }
}
