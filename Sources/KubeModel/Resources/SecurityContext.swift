/// Security settings that apply to every container of a pod.
public struct PodSecurityContext: Codable, Sendable, Hashable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    /// The group that owns mounted volumes and is added to every container.
    public var fsGroup: Int64?
    public var fsGroupChangePolicy: String?
    public var supplementalGroups: [Int64]?
    public var seccompProfile: SeccompProfile?
    public var appArmorProfile: AppArmorProfile?
    public var sysctls: [Sysctl]?

    public init(
        runAsUser: Int64? = nil,
        runAsGroup: Int64? = nil,
        runAsNonRoot: Bool? = nil,
        fsGroup: Int64? = nil,
        fsGroupChangePolicy: String? = nil,
        supplementalGroups: [Int64]? = nil,
        seccompProfile: SeccompProfile? = nil,
        appArmorProfile: AppArmorProfile? = nil,
        sysctls: [Sysctl]? = nil
    ) {
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.fsGroup = fsGroup
        self.fsGroupChangePolicy = fsGroupChangePolicy
        self.supplementalGroups = supplementalGroups
        self.seccompProfile = seccompProfile
        self.appArmorProfile = appArmorProfile
        self.sysctls = sysctls
    }
}

/// A kernel parameter set for a pod.
public struct Sysctl: Codable, Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Security settings of one container; they override the pod's.
public struct SecurityContext: Codable, Sendable, Hashable {
    public var capabilities: Capabilities?
    public var privileged: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var procMount: String?
    public var seccompProfile: SeccompProfile?
    public var appArmorProfile: AppArmorProfile?

    public init(
        capabilities: Capabilities? = nil,
        privileged: Bool? = nil,
        runAsUser: Int64? = nil,
        runAsGroup: Int64? = nil,
        runAsNonRoot: Bool? = nil,
        readOnlyRootFilesystem: Bool? = nil,
        allowPrivilegeEscalation: Bool? = nil,
        procMount: String? = nil,
        seccompProfile: SeccompProfile? = nil,
        appArmorProfile: AppArmorProfile? = nil
    ) {
        self.capabilities = capabilities
        self.privileged = privileged
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.procMount = procMount
        self.seccompProfile = seccompProfile
        self.appArmorProfile = appArmorProfile
    }
}

/// Linux capabilities to add to or drop from a container.
public struct Capabilities: Codable, Sendable, Hashable {
    public var add: [String]?
    /// Such as `["ALL"]`.
    public var drop: [String]?

    public init(add: [String]? = nil, drop: [String]? = nil) {
        self.add = add
        self.drop = drop
    }
}

/// The seccomp profile of a pod or container.
public struct SeccompProfile: Codable, Sendable, Hashable {
    /// `RuntimeDefault`, `Localhost` or `Unconfined`.
    public var type: String
    /// The profile's path on the node, for `Localhost`.
    public var localhostProfile: String?

    public init(type: String, localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }
}

/// The AppArmor profile of a pod or container.
public struct AppArmorProfile: Codable, Sendable, Hashable {
    /// `RuntimeDefault`, `Localhost` or `Unconfined`.
    public var type: String
    public var localhostProfile: String?

    public init(type: String, localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }
}
