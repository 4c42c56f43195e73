/// A named volume of a pod; set exactly one source.
public struct Volume: Codable, Sendable, Hashable {
    /// Unique within the pod; what volume mounts refer to.
    public var name: String
    public var emptyDir: EmptyDirVolumeSource?
    public var configMap: ConfigMapVolumeSource?
    public var secret: SecretVolumeSource?
    public var projected: ProjectedVolumeSource?
    public var downwardAPI: DownwardAPIVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?

    public init(
        name: String,
        emptyDir: EmptyDirVolumeSource? = nil,
        configMap: ConfigMapVolumeSource? = nil,
        secret: SecretVolumeSource? = nil,
        projected: ProjectedVolumeSource? = nil,
        downwardAPI: DownwardAPIVolumeSource? = nil,
        persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil
    ) {
        self.name = name
        self.emptyDir = emptyDir
        self.configMap = configMap
        self.secret = secret
        self.projected = projected
        self.downwardAPI = downwardAPI
        self.persistentVolumeClaim = persistentVolumeClaim
    }
}

/// A scratch directory that lives as long as the pod.
public struct EmptyDirVolumeSource: Codable, Sendable, Hashable {
    /// Empty for the node's disk, `Memory` for tmpfs.
    public var medium: String?
    public var sizeLimit: Quantity?

    public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

/// A ConfigMap's keys as files.
public struct ConfigMapVolumeSource: Codable, Sendable, Hashable {
    public var name: String?
    /// The keys to project and their paths; all keys when empty.
    public var items: [KeyToPath]?
    /// File mode bits, such as `0o444` (JSON has them in decimal).
    public var defaultMode: Int?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// A Secret's keys as files.
public struct SecretVolumeSource: Codable, Sendable, Hashable {
    public var secretName: String?
    /// The keys to project and their paths; all keys when empty.
    public var items: [KeyToPath]?
    /// File mode bits, such as `0o400` (JSON has them in decimal).
    public var defaultMode: Int?
    public var optional: Bool?

    public init(secretName: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// Maps one key of a ConfigMap or Secret to a file path.
public struct KeyToPath: Codable, Sendable, Hashable {
    public var key: String
    public var path: String
    public var mode: Int?

    public init(key: String, path: String, mode: Int? = nil) {
        self.key = key
        self.path = path
        self.mode = mode
    }
}

/// A persistent volume claimed in the pod's namespace.
public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Hashable {
    public var claimName: String
    public var readOnly: Bool?

    public init(claimName: String, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}

/// Several sources projected into one directory.
public struct ProjectedVolumeSource: Codable, Sendable, Hashable {
    public var sources: [VolumeProjection]?
    public var defaultMode: Int?

    public init(sources: [VolumeProjection]? = nil, defaultMode: Int? = nil) {
        self.sources = sources
        self.defaultMode = defaultMode
    }
}

/// One source of a projected volume; set exactly one.
public struct VolumeProjection: Codable, Sendable, Hashable {
    public var configMap: ConfigMapProjection?
    public var secret: SecretProjection?
    public var serviceAccountToken: ServiceAccountTokenProjection?
    public var downwardAPI: DownwardAPIProjection?

    public init(
        configMap: ConfigMapProjection? = nil,
        secret: SecretProjection? = nil,
        serviceAccountToken: ServiceAccountTokenProjection? = nil,
        downwardAPI: DownwardAPIProjection? = nil
    ) {
        self.configMap = configMap
        self.secret = secret
        self.serviceAccountToken = serviceAccountToken
        self.downwardAPI = downwardAPI
    }
}

/// A ConfigMap's keys in a projected volume.
public struct ConfigMapProjection: Codable, Sendable, Hashable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }
}

/// A Secret's keys in a projected volume.
public struct SecretProjection: Codable, Sendable, Hashable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }
}

/// A bound service-account token, rotated by the kubelet.
public struct ServiceAccountTokenProjection: Codable, Sendable, Hashable {
    public var audience: String?
    public var expirationSeconds: Int64?
    public var path: String

    public init(audience: String? = nil, expirationSeconds: Int64? = nil, path: String) {
        self.audience = audience
        self.expirationSeconds = expirationSeconds
        self.path = path
    }
}

/// Pod fields in a projected volume.
public struct DownwardAPIProjection: Codable, Sendable, Hashable {
    public var items: [DownwardAPIVolumeFile]?

    public init(items: [DownwardAPIVolumeFile]? = nil) {
        self.items = items
    }
}

/// Pod fields as files.
public struct DownwardAPIVolumeSource: Codable, Sendable, Hashable {
    public var items: [DownwardAPIVolumeFile]?
    public var defaultMode: Int?

    public init(items: [DownwardAPIVolumeFile]? = nil, defaultMode: Int? = nil) {
        self.items = items
        self.defaultMode = defaultMode
    }
}

/// One file holding a pod field or a container resource.
public struct DownwardAPIVolumeFile: Codable, Sendable, Hashable {
    public var path: String
    public var fieldRef: ObjectFieldSelector?
    public var resourceFieldRef: ResourceFieldSelector?
    public var mode: Int?

    public init(
        path: String,
        fieldRef: ObjectFieldSelector? = nil,
        resourceFieldRef: ResourceFieldSelector? = nil,
        mode: Int? = nil
    ) {
        self.path = path
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.mode = mode
    }
}
