import Foundation

/// How the host runs a container: networking, mounts, isolation (read-only root, capabilities,
/// security options), resource limits and restart behaviour. The `HostConfig` of create and inspect.
public struct HostConfig: Sendable, Hashable, Codable {
    /// `bridge`, `host`, `none`, `container:<id>`, or a network's name (the first network).
    public var networkMode: String?
    /// The process namespace: empty for its own, `host`, or `container:<id>` to share another
    /// container's (a probe that inspects another container's processes).
    public var pidMode: String?
    /// Container port (`8080/tcp`) → host bindings.
    public var portBindings: [String: [PortBinding]]?
    /// Publish every exposed port on a random host port.
    public var publishAllPorts: Bool?
    /// Bind and volume mounts in the short form `source:target[:options]`.
    public var binds: [String]?
    /// Mounts in the long form (bind, volume, tmpfs).
    public var mounts: [Mount]?
    /// tmpfs mounts: target → options (`rw,noexec,nosuid,size=64m`). When the image has a
    /// directory at the target, the mount takes that directory's mode and `mode=` is ignored
    /// (seen with Docker 20.10): a non-root user can write to `/tmp` only when the image's `/tmp`
    /// is 1777 or absent, so images built for plugins must not ship a 0755 `/tmp`.
    public var tmpfs: [String: String]?
    /// Mount the root filesystem read-only.
    public var readonlyRootfs: Bool?
    /// Capabilities to drop (`ALL`).
    public var capDrop: [String]?
    /// Capabilities to add back.
    public var capAdd: [String]?
    /// Security options: `no-new-privileges`, `seccomp=<profile JSON>` (unset: the default
    /// profile), `apparmor=...`, `label=...`.
    public var securityOpt: [String]?
    /// Give the container every capability and device; never set for plugins.
    public var privileged: Bool?
    /// The most processes (threads included) the container may run; nil or 0 for no limit.
    public var pidsLimit: Int64?
    /// Memory limit in bytes.
    public var memory: Int64?
    /// Memory plus swap in bytes; equal to `memory` for no swap, -1 for unlimited swap.
    public var memorySwap: Int64?
    /// Soft memory limit in bytes.
    public var memoryReservation: Int64?
    /// CPU quota in billionths of a CPU (`500_000_000` is half a CPU).
    public var nanoCpus: Int64?
    /// Relative CPU weight (default 1024).
    public var cpuShares: Int?
    /// What the engine does when the container exits.
    public var restartPolicy: RestartPolicy?
    /// Remove the container when it exits.
    public var autoRemove: Bool?
    /// Run an init process (tini) as PID 1 that reaps zombies and forwards signals.
    public var `init`: Bool?
    /// Extra `/etc/hosts` lines as `name:address` (`host.docker.internal:host-gateway`).
    public var extraHosts: [String]?
    /// DNS servers.
    public var dns: [String]?
    /// Size of `/dev/shm` in bytes.
    public var shmSize: Int64?
    /// Resource limits (`nofile`, ...).
    public var ulimits: [Ulimit]?
    /// The logging driver and its options.
    public var logConfig: LogConfig?

    public init(
        networkMode: String? = nil, pidMode: String? = nil, portBindings: [String: [PortBinding]]? = nil, publishAllPorts: Bool? = nil,
        binds: [String]? = nil, mounts: [Mount]? = nil, tmpfs: [String: String]? = nil, readonlyRootfs: Bool? = nil,
        capDrop: [String]? = nil, capAdd: [String]? = nil, securityOpt: [String]? = nil, privileged: Bool? = nil,
        pidsLimit: Int64? = nil, memory: Int64? = nil, memorySwap: Int64? = nil, memoryReservation: Int64? = nil,
        nanoCpus: Int64? = nil, cpuShares: Int? = nil, restartPolicy: RestartPolicy? = nil, autoRemove: Bool? = nil,
        init: Bool? = nil, extraHosts: [String]? = nil, dns: [String]? = nil, shmSize: Int64? = nil,
        ulimits: [Ulimit]? = nil, logConfig: LogConfig? = nil
    ) {
        self.networkMode = networkMode
        self.pidMode = pidMode
        self.portBindings = portBindings
        self.publishAllPorts = publishAllPorts
        self.binds = binds
        self.mounts = mounts
        self.tmpfs = tmpfs
        self.readonlyRootfs = readonlyRootfs
        self.capDrop = capDrop
        self.capAdd = capAdd
        self.securityOpt = securityOpt
        self.privileged = privileged
        self.pidsLimit = pidsLimit
        self.memory = memory
        self.memorySwap = memorySwap
        self.memoryReservation = memoryReservation
        self.nanoCpus = nanoCpus
        self.cpuShares = cpuShares
        self.restartPolicy = restartPolicy
        self.autoRemove = autoRemove
        self.`init` = `init`
        self.extraHosts = extraHosts
        self.dns = dns
        self.shmSize = shmSize
        self.ulimits = ulimits
        self.logConfig = logConfig
    }

    enum CodingKeys: String, CodingKey {
        case networkMode = "NetworkMode", pidMode = "PidMode", portBindings = "PortBindings", publishAllPorts = "PublishAllPorts"
        case binds = "Binds", mounts = "Mounts", tmpfs = "Tmpfs", readonlyRootfs = "ReadonlyRootfs"
        case capDrop = "CapDrop", capAdd = "CapAdd", securityOpt = "SecurityOpt", privileged = "Privileged"
        case pidsLimit = "PidsLimit", memory = "Memory", memorySwap = "MemorySwap", memoryReservation = "MemoryReservation"
        case nanoCpus = "NanoCpus", cpuShares = "CpuShares", restartPolicy = "RestartPolicy", autoRemove = "AutoRemove"
        case `init` = "Init", extraHosts = "ExtraHosts", dns = "Dns", shmSize = "ShmSize", ulimits = "Ulimits"
        case logConfig = "LogConfig"
    }
}

/// One host binding of a container port.
public struct PortBinding: Sendable, Hashable, Codable {
    /// The host address (`127.0.0.1` to publish on loopback only); empty for all addresses.
    public var hostIp: String?
    /// The host port; empty or `0` for a random one.
    public var hostPort: String?

    public init(hostIp: String? = nil, hostPort: String? = nil) {
        self.hostIp = hostIp
        self.hostPort = hostPort
    }

    enum CodingKeys: String, CodingKey { case hostIp = "HostIp", hostPort = "HostPort" }
}

/// What the engine does when a container exits.
public struct RestartPolicy: Sendable, Hashable, Codable {
    /// `no` (or empty), `always`, `unless-stopped`, `on-failure`.
    public var name: String
    /// For `on-failure`: how many restarts before giving up; 0 for no limit.
    public var maximumRetryCount: Int?

    public init(name: String, maximumRetryCount: Int? = nil) {
        self.name = name
        self.maximumRetryCount = maximumRetryCount
    }

    /// Never restart (the local reconciler restarts with its own backoff).
    public static let no = RestartPolicy(name: "no")
    /// Restart unless stopped by a user.
    public static let unlessStopped = RestartPolicy(name: "unless-stopped")
    /// Restart after a non-zero exit, up to `maxRetries` times (0: no limit).
    public static func onFailure(maxRetries: Int = 0) -> RestartPolicy { RestartPolicy(name: "on-failure", maximumRetryCount: maxRetries) }

    enum CodingKeys: String, CodingKey { case name = "Name", maximumRetryCount = "MaximumRetryCount" }
}

/// One resource limit (`ulimit`).
public struct Ulimit: Sendable, Hashable, Codable {
    /// The limit's name, such as `nofile`.
    public var name: String
    /// The soft limit.
    public var soft: Int64
    /// The hard limit.
    public var hard: Int64

    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }

    enum CodingKeys: String, CodingKey { case name = "Name", soft = "Soft", hard = "Hard" }
}

/// A container's logging driver.
public struct LogConfig: Sendable, Hashable, Codable {
    /// `json-file`, `local`, `none`, ...
    public var type: String
    /// Driver options (`max-size`, `max-file`).
    public var config: [String: String]?

    public init(type: String, config: [String: String]? = nil) {
        self.type = type
        self.config = config
    }

    enum CodingKeys: String, CodingKey { case type = "Type", config = "Config" }
}
