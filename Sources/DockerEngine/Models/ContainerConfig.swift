import Foundation

/// A container's configuration that does not depend on the host: image, command, environment,
/// user, labels, exposed ports, health check. The `Config` of create and inspect.
public struct ContainerConfig: Sendable, Hashable, Codable {
    /// The image reference or ID to run.
    public var image: String?
    /// The command, replacing the image's `CMD`.
    public var cmd: [String]?
    /// The entrypoint, replacing the image's `ENTRYPOINT`; `[""]` clears it.
    public var entrypoint: [String]?
    /// Environment variables as `NAME=value`.
    public var env: [String]?
    /// Labels; the local reconciler records ownership here.
    public var labels: [String: String]?
    /// `uid`, `uid:gid` or a user name known to the image.
    public var user: String?
    /// The working directory for the command.
    public var workingDir: String?
    /// Ports the container listens on, as `8080/tcp`.
    public var exposedPorts: KeySet?
    /// Anonymous volume mount points.
    public var volumes: KeySet?
    /// The health check; overrides the image's.
    public var healthcheck: HealthConfig?
    /// The container's host name.
    public var hostname: String?
    /// Allocate a TTY (logs are then not multiplexed).
    public var tty: Bool?
    /// Keep stdin open.
    public var openStdin: Bool?
    /// Attach stdin (for a `stdio` MCP server driven over an attach connection).
    public var attachStdin: Bool?
    /// Attach stdout.
    public var attachStdout: Bool?
    /// Attach stderr.
    public var attachStderr: Bool?
    /// The signal `stop` sends first (default `SIGTERM`).
    public var stopSignal: String?
    /// Seconds `stop` waits before killing, when the caller gives no timeout.
    public var stopTimeout: Int?

    public init(
        image: String? = nil, cmd: [String]? = nil, entrypoint: [String]? = nil, env: [String]? = nil,
        labels: [String: String]? = nil, user: String? = nil, workingDir: String? = nil, exposedPorts: KeySet? = nil,
        volumes: KeySet? = nil, healthcheck: HealthConfig? = nil, hostname: String? = nil, tty: Bool? = nil,
        openStdin: Bool? = nil, attachStdin: Bool? = nil, attachStdout: Bool? = nil, attachStderr: Bool? = nil,
        stopSignal: String? = nil, stopTimeout: Int? = nil
    ) {
        self.image = image
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.env = env
        self.labels = labels
        self.user = user
        self.workingDir = workingDir
        self.exposedPorts = exposedPorts
        self.volumes = volumes
        self.healthcheck = healthcheck
        self.hostname = hostname
        self.tty = tty
        self.openStdin = openStdin
        self.attachStdin = attachStdin
        self.attachStdout = attachStdout
        self.attachStderr = attachStderr
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
    }

    /// The environment as a dictionary (a later duplicate wins).
    public var environment: [String: String] {
        var result: [String: String] = [:]
        for entry in env ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", cmd = "Cmd", entrypoint = "Entrypoint", env = "Env", labels = "Labels", user = "User"
        case workingDir = "WorkingDir", exposedPorts = "ExposedPorts", volumes = "Volumes", healthcheck = "Healthcheck"
        case hostname = "Hostname", tty = "Tty", openStdin = "OpenStdin", attachStdin = "AttachStdin"
        case attachStdout = "AttachStdout", attachStderr = "AttachStderr", stopSignal = "StopSignal", stopTimeout = "StopTimeout"
    }
}

/// A container health check. Durations are nanoseconds on the wire; 0 takes the engine's default.
public struct HealthConfig: Sendable, Hashable, Codable {
    /// `["NONE"]`, `["CMD", args...]` or `["CMD-SHELL", command]`.
    public var test: [String]?
    /// Time between checks, in nanoseconds.
    public var interval: Int64?
    /// Time one check may take, in nanoseconds.
    public var timeout: Int64?
    /// Consecutive failures that make the container unhealthy.
    public var retries: Int?
    /// Start-up time during which failures do not count, in nanoseconds.
    public var startPeriod: Int64?

    public init(test: [String]?, interval: Duration? = nil, timeout: Duration? = nil, retries: Int? = nil, startPeriod: Duration? = nil) {
        self.test = test
        self.interval = interval.map(Self.nanoseconds)
        self.timeout = timeout.map(Self.nanoseconds)
        self.retries = retries
        self.startPeriod = startPeriod.map(Self.nanoseconds)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    enum CodingKeys: String, CodingKey {
        case test = "Test", interval = "Interval", timeout = "Timeout", retries = "Retries", startPeriod = "StartPeriod"
    }
}

/// A set of strings that the engine spells as an object with empty values
/// (`{"8080/tcp": {}}` for exposed ports and volumes).
public struct KeySet: Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    /// The keys, sorted.
    public var keys: [String]

    public init(_ keys: [String]) { self.keys = Array(Set(keys)).sorted() }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    private struct Empty: Codable {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self.init([]); return }
        self.init(Array(try container.decode([String: Empty].self).keys))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: keys.map { ($0, Empty()) }))
    }
}
